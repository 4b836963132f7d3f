// SPDX-License-Identifier: MIT
// FLOOR: the largest integer not above x, on float32 (without libm: truncation corrected for
// negative non-integers; |x| >= 2^23, infinities and NaN are returned as they are).
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(FLOOR)

static float floor_f32(float x) {
    if (!(x > -8388608.0f && x < 8388608.0f) || x == 0.0f) {
        return x; // already an integer (or NaN); keeps the sign of zero
    }
    float t = (float)(int32_t)x;
    return t > x ? t - 1.0f : t;
}

MML_EW_UNARY_EVAL(eval_f32, mml__ew_unary_t, float, floor_f32(x))

mml_status_t mml__prepare_floor(mml_prep_t *p) {
    return mml__ew_unary_f32_prepare(p, 2, eval_f32);
}

#endif // MML_OP_ON(FLOOR)
