// SPDX-License-Identifier: MIT
// MAX_POOL_2D: maximum over each window of [N,H,W,C] (padding ignored), with fused activation.
// int8, int16 and float32, as TFLite's reference kernels.
#include <float.h>
#include "nn/kernel.h"
#include "nn/kernels/window.h"
#include "nn/ops.h"
#if MML_OP_ON(MAX_POOL_2D)

static inline int32_t clamp_q(const mml__pool2d_t *d, int32_t m) {
    return m < d->act_min ? d->act_min : m > d->act_max ? d->act_max : m;
}

static inline float clamp_f32(const mml__pool2d_t *d, float m) {
    return m < d->act_min_f ? d->act_min_f : m > d->act_max_f ? d->act_max_f : m;
}

static MML_POOL2D_EVAL(eval_s8, int8_t, int32_t, -128, acc = v > acc ? v : acc,
    (int8_t)clamp_q(d, acc))
#if MML_DTYPE_ON(MAX_POOL_2D, S16)
MML_POOL2D_EVAL(mml__max_pool2d_eval_s16, int16_t, int32_t, -32768, acc = v > acc ? v : acc,
    (int16_t)clamp_q(d, acc))
#endif
#if MML_DTYPE_ON(MAX_POOL_2D, F32)
// std::max(acc, v): keeps acc unless acc < v (NaN inputs skipped alike).
MML_POOL2D_EVAL(mml__max_pool2d_eval_f32, float, float, -FLT_MAX, acc = acc < v ? v : acc,
    clamp_f32(d, acc))
#endif

mml_status_t mml__prepare_max_pool2d(mml_prep_t *p) {
    return mml__pool2d_prepare(p, eval_s8);
}
#endif // MML_OP_ON(MAX_POOL_2D)
