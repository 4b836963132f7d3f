// SPDX-License-Identifier: MIT
// SQUARE: x * x on float32, as TFLite Micro.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(SQUARE)

MML_EW_UNARY_EVAL(eval_f32, mml__ew_unary_t, float, x *x)

mml_status_t mml__prepare_square(mml_prep_t *p) {
    return mml__ew_unary_f32_prepare(p, 1, eval_f32);
}

#endif // MML_OP_ON(SQUARE)
