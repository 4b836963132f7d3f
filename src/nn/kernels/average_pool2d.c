// SPDX-License-Identifier: MIT
// AVERAGE_POOL_2D: mean over each window of [N,H,W,C], the padding excluded from the count, with
// fused activation. int8 and int16 (rounded half away from zero) and float32, as TFLite's
// reference kernels.
#include "nn/kernel.h"
#include "nn/kernels/window.h"
#include "nn/ops.h"
#if MML_OP_ON(AVERAGE_POOL_2D)

// Round half away from zero, as TFLite (C division truncates toward zero), then clamp.
static inline int32_t average_q(const mml__pool2d_t *d, int32_t acc, int32_t count) {
    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    return acc < d->act_min ? d->act_min : acc > d->act_max ? d->act_max : acc;
}

static inline float average_f32(const mml__pool2d_t *d, float total, float count) {
    float v = total / count;
    return v < d->act_min_f ? d->act_min_f : v > d->act_max_f ? d->act_max_f : v;
}

static MML_POOL2D_EVAL(eval_s8, int8_t, int32_t, 0, acc += v, (int8_t)average_q(d, acc, count))
#if MML_DTYPE_ON(AVERAGE_POOL_2D, S16)
MML_POOL2D_EVAL(mml__average_pool2d_eval_s16, int16_t, int32_t, 0, acc += v,
    (int16_t)average_q(d, acc, count))
#endif
#if MML_DTYPE_ON(AVERAGE_POOL_2D, F32)
MML_POOL2D_EVAL(mml__average_pool2d_eval_f32, float, float, 0.0f, acc += v,
    average_f32(d, acc, (float)count))
#endif

mml_status_t mml__prepare_average_pool2d(mml_prep_t *p) {
    return mml__pool2d_prepare(p, eval_s8);
}
#endif // MML_OP_ON(AVERAGE_POOL_2D)
