// SPDX-License-Identifier: MIT
// SQRT: square root on float32, as TFLite Micro.
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(SQRT)

MML_EW_UNARY_EVAL(eval_f32, mml__ew_unary_t, float, mml__sqrtf(x))

mml_status_t mml__prepare_sqrt(mml_prep_t *p) {
    return mml__ew_unary_f32_prepare(p, 1, eval_f32);
}

#endif // MML_OP_ON(SQRT)
