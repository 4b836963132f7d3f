// SPDX-License-Identifier: MIT
// LOG: natural logarithm on float32, as TFLite Micro.
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(LOG)

MML_EW_UNARY_EVAL(eval_f32, mml__ew_unary_t, float, mml__logf(x))

mml_status_t mml__prepare_log(mml_prep_t *p) {
    return mml__ew_unary_f32_prepare(p, 1, eval_f32);
}

#endif // MML_OP_ON(LOG)
