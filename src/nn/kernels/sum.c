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

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const mml__reduce_t *d = (const mml__reduce_t *)data;
    int8_t *out = (int8_t *)mml__ptr(ctx, d->output);
    int32_t *sum = (int32_t *)mml__ptr(ctx, d->scratch);
    mml__reduce_sum_s8(&d->g, (const int8_t *)mml__ptr(ctx, d->input), sum);
    mml__reduce_requantize(&d->g, &d->q, -128, 127, sum);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = (int8_t)sum[o];
    }
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const mml__reduce_t *d = (const mml__reduce_t *)data;
    int16_t *out = (int16_t *)mml__ptr(ctx, d->output);
    int32_t *sum = (int32_t *)mml__ptr(ctx, d->scratch);
    mml__reduce_sum_s16(&d->g, (const int16_t *)mml__ptr(ctx, d->input), sum);
    mml__reduce_requantize(&d->g, &d->q, -32768, 32767, sum);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = (int16_t)sum[o];
    }
    return MML_OK;
}

mml_status_t mml__prepare_sum(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__reduce_geom_t g;
    mml__reduce_q_t q = {0, 0, 0, 0};
    mml_status_t st = mml__reduce_prepare(p, 3, &in, &out, &g);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        if ((st = mml__reduce_prepare_q(p, &in, &out, g.count, false, &q)) != MML_OK) {
            return st;
        }
        mml__prep_scratch(p, 4 * g.n_out);
        p->eval = in.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    mml__reduce_persist(p, &in, &out, &g, &q);
    return MML_OK;
}

#endif // MML_OP_ON(SUM)
