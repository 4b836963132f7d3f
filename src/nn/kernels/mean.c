// SPDX-License-Identifier: MIT
// MEAN: average over constant axes (keep_dims or not). float32: the sum in input order divided
// by the count. int8/int16 as TFLite Micro's EvalIntegerMean: always its integer path
// (QuantizedMeanOrSum), even when input and output share scale and zero point: the
// zero-point-corrected int32 sum times in_scale / out_scale with 1/count folded in, rounded.
#include "nn/kernels/reduce.h"
#include "nn/ops.h"
#if MML_OP_ON(MEAN)

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const mml__reduce_t *d = (const mml__reduce_t *)data;
    float *out = (float *)mml__ptr(ctx, d->output);
    mml__reduce_sum_f32(&d->g, (const float *)mml__ptr(ctx, d->input), out);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = out[o] / (float)d->g.count;
    }
    return MML_OK;
}

mml_status_t mml__prepare_mean(mml_prep_t *p) {
    return mml__reduce_prepare_mean_sum(p, true, eval_f32);
}
#endif // MML_OP_ON(MEAN)
