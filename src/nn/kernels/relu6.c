// SPDX-License-Identifier: MIT
// RELU6: min(max(x, 0), 6). int8/int16 clamp between the input's quantized 0 and 6 (TFLite Micro
// does not requantize: input and output share quantization); float32.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

typedef struct {
    uint32_t in, out; // locations
    uint32_t n;
    int32_t zero, six;
} relu6_t;

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const relu6_t *d = (const relu6_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->in);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        int32_t v = in[i];
        out[i] = (int8_t)(v > d->six ? d->six : v < d->zero ? d->zero : v);
    }
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const relu6_t *d = (const relu6_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        int32_t v = in[i];
        out[i] = (int16_t)(v > d->six ? d->six : v < d->zero ? d->zero : v);
    }
    return MML_OK;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const relu6_t *d = (const relu6_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        float v = in[i];
        out[i] = v > 6.0f ? 6.0f : v < 0.0f ? 0.0f : v;
    }
    return MML_OK;
}

mml_status_t mml__prepare_relu6(mml_prep_t *p) {
    mml__tensor_t in, out;
    relu6_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary(p, 3, &in, &out);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype != out.dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output dtypes differ");
    }
    r.n = out.elems;
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        float si;
        if ((st = mml__ew_quant(p, &in, &si, &r.zero)) != MML_OK) {
            return st;
        }
        // TFLite FloatToQuantizedType(6): round(6 / scale) + zero point, clamped to the dtype.
        int64_t six = (int64_t)mml__round_to_i32(6.0f / si) + r.zero;
        int64_t lo = in.dtype == MML_INT8 ? -128 : -32768, hi = in.dtype == MML_INT8 ? 127 : 32767;
        r.six = (int32_t)(six < lo ? lo : six > hi ? hi : six);
        p->eval = in.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    p->inplace = 1;
    relu6_t *d = (relu6_t *)mml__prep_persist(p, sizeof(relu6_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
