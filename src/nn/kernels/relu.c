// SPDX-License-Identifier: MIT
// RELU: max(x, 0). int8/int16 requantize to the output's scale (TFLite ReluQuantized); float32.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

typedef struct {
    uint32_t in, out; // locations
    uint32_t n;
    int32_t in_zp, out_zp, mult, shift, act_min, act_max;
} relu_t;

static int32_t relu_q(const relu_t *d, int32_t x) {
    int32_t v = mml__wrap_add(mml__mul_by_qm(x - d->in_zp, d->mult, d->shift), d->out_zp);
    return mml__clamp_i32(v, d->act_min, d->act_max);
}

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const relu_t *d = (const relu_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->in);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = (int8_t)relu_q(d, in[i]);
    }
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const relu_t *d = (const relu_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = (int16_t)relu_q(d, in[i]);
    }
    return MML_OK;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const relu_t *d = (const relu_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = in[i] < 0.0f ? 0.0f : in[i];
    }
    return MML_OK;
}

mml_status_t mml__prepare_relu(mml_prep_t *p) {
    mml__tensor_t in, out;
    relu_t r;
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
        float si, so;
        if ((st = mml__ew_quant(p, &in, &si, &r.in_zp)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &r.out_zp)) != MML_OK ||
            (st = mml__ew_multiplier(p, (double)si / (double)so, &r.mult, &r.shift, -31, 31)) !=
                MML_OK) {
            return st;
        }
        if (in.dtype == MML_INT16 && (r.in_zp != 0 || r.out_zp != 0)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 RELU needs zero points 0");
        }
        // Lower bound: the output's zero (zero point + round(0 / scale)); no upper bound.
        r.act_min = r.out_zp > (in.dtype == MML_INT8 ? -128 : -32768)
                        ? r.out_zp : (in.dtype == MML_INT8 ? -128 : -32768);
        r.act_max = in.dtype == MML_INT8 ? 127 : 32767;
        p->eval = in.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    p->inplace = 1;
    relu_t *d = (relu_t *)mml__prep_persist(p, sizeof(relu_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
