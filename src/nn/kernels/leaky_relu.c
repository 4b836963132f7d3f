// SPDX-License-Identifier: MIT
// LEAKY_RELU: x > 0 ? x : alpha * x. int8/int16 with separate identity and alpha rescales (TFLite
// QuantizeLeakyRelu; alpha may be negative or above 1), float32.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

enum { OPT_ALPHA = 0 };

typedef struct {
    uint32_t in, out; // locations
    uint32_t n;
    int32_t in_zp, out_zp, lo, hi;
    int32_t id_mult, id_shift, alpha_mult, alpha_shift;
    float alpha;
} leaky_relu_t;

static int32_t leaky_q(const leaky_relu_t *d, int32_t x) {
    int32_t v = x - d->in_zp;
    v = v >= 0 ? mml__mul_by_qm(v, d->id_mult, d->id_shift)
               : mml__mul_by_qm(v, d->alpha_mult, d->alpha_shift);
    return mml__clamp_i32(mml__wrap_add(v, d->out_zp), d->lo, d->hi);
}

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const leaky_relu_t *d = (const leaky_relu_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->in);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = (int8_t)leaky_q(d, in[i]);
    }
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const leaky_relu_t *d = (const leaky_relu_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = (int16_t)leaky_q(d, in[i]);
    }
    return MML_OK;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const leaky_relu_t *d = (const leaky_relu_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        float x = in[i];
        out[i] = x > 0.0f ? x : x * d->alpha;
    }
    return MML_OK;
}

mml_status_t mml__prepare_leaky_relu(mml_prep_t *p) {
    mml__tensor_t in, out;
    leaky_relu_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary(p, 2, &in, &out);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype != out.dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output dtypes differ");
    }
    r.n = out.elems;
    r.alpha = mml__opt_f32(p, OPT_ALPHA, 0.0f);
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        float si, so;
        if ((st = mml__ew_quant(p, &in, &si, &r.in_zp)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &r.out_zp)) != MML_OK) {
            return st;
        }
        // TFLite computes both ratios in float.
        if ((st = mml__ew_multiplier(p, (double)(si * r.alpha / so), &r.alpha_mult,
                 &r.alpha_shift, -31, 31)) != MML_OK ||
            (st = mml__ew_multiplier(p, (double)(si / so), &r.id_mult, &r.id_shift, -31, 31)) !=
                MML_OK) {
            return st;
        }
        r.lo = in.dtype == MML_INT8 ? -128 : -32768;
        r.hi = in.dtype == MML_INT8 ? 127 : 32767;
        p->eval = in.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    p->inplace = 1;
    leaky_relu_t *d = (leaky_relu_t *)mml__prep_persist(p, sizeof(leaky_relu_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
