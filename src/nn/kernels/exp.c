// SPDX-License-Identifier: MIT
// EXP: e^x on float32 (TFLite Micro has no quantized EXP).
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(EXP)

MML_EW_UNARY_EVAL(eval_f32, mml__ew_unary_t, float, mml__expf(x))

mml_status_t mml__prepare_exp(mml_prep_t *p) {
    return mml__ew_unary_f32_prepare(p, 2, eval_f32);
}

#endif // MML_OP_ON(EXP)
