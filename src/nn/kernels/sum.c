// SPDX-License-Identifier: MIT
// SUM: sum over constant axes (keep_dims or not). float32: sums in input order. int8/int16 as
// TFLite Micro (QuantizedMeanOrSum without the 1/count): the zero-point-corrected int32 sum
// (wrapping) rescaled by in_scale / out_scale, plus the output zero point, clamped.
#include "nn/kernels/reduce.h"
#include "nn/ops.h"

#if MML_OP_ON(SUM)

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const mml__reduce_t *d = (const mml__reduce_t *)data;
    mml__reduce_sum_f32(&d->g, (const float *)mml__ptr(ctx, d->input),
        (float *)mml__ptr(ctx, d->output));
    return MML_OK;
}

mml_status_t mml__prepare_sum(mml_prep_t *p) {
    return mml__reduce_prepare_mean_sum(p, false, eval_f32);
}

#endif // MML_OP_ON(SUM)
