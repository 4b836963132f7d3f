// SPDX-License-Identifier: MIT
// DEQUANTIZE: int8 / uint8 / int16 -> float32, out = scale * (x - zero_point) in float.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(DEQUANTIZE)

typedef struct {
    uint32_t in, out; // locations
    uint32_t n;
    float scale;
    int32_t zp;
} dequantize_t;

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const dequantize_t *d = (const dequantize_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = d->scale * (float)(in[i] - d->zp);
    }
    return MML_OK;
}

static mml_status_t eval_u8(const mml_eval_ctx_t *ctx, void *data) {
    const dequantize_t *d = (const dequantize_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = d->scale * (float)(in[i] - d->zp);
    }
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const dequantize_t *d = (const dequantize_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = d->scale * (float)(in[i] - d->zp);
    }
    return MML_OK;
}

mml_status_t mml__prepare_dequantize(mml_prep_t *p) {
    mml__tensor_t in, out;
    dequantize_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary(p, 6, &in, &out);
    if (st != MML_OK || (st = mml__prep_check_dtype(p, &out, MML_FLOAT32)) != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8) {
        p->eval = eval_s8;
    } else if (in.dtype == MML_UINT8) {
        p->eval = eval_u8;
    } else if (in.dtype == MML_INT16) {
        p->eval = eval_s16;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    if ((st = mml__ew_quant(p, &in, &r.scale, &r.zp)) != MML_OK) {
        return st;
    }
    r.n = out.elems;
    if (in.dtype != MML_INT16) { // 1-byte input: see mml__prep_allow_elementwise_overlap
        mml__prep_allow_elementwise_overlap(p, out.elems, 1, 4);
    }
    dequantize_t *d = (dequantize_t *)mml__prep_persist(p, sizeof(dequantize_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
#endif // MML_OP_ON(DEQUANTIZE)
