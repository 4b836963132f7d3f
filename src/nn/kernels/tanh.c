// SPDX-License-Identifier: MIT
// TANH. int8 with gemmlowp fixed point on a Q4.27 input (output read as scale 1/128, zero point
// 0, as TFLite Micro assumes), int16 with TFLite's interpolated table, float32 with mml__tanhf.
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

typedef struct {
    uint32_t in, out; // locations
    uint32_t n;
    int32_t in_zp, radius, mult, left_shift;
} tanh_t;

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const tanh_t *d = (const tanh_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->in);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        int32_t v = in[i] - d->in_zp;
        if (v <= -d->radius) {
            out[i] = -128;
        } else if (v >= d->radius) {
            out[i] = 127;
        } else {
            int32_t q4 = mml__mul_by_qm(v, d->mult, d->left_shift); // Q4.27
            int32_t q0 = mml__fp_tanh(q4, 4);
            out[i] = (int8_t)mml__clamp_i32(mml__rdbpot(q0, 24), -128, 127);
        }
    }
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const tanh_t *d = (const tanh_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = mml__tanh_s16(in[i], d->mult, d->left_shift);
    }
    return MML_OK;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const tanh_t *d = (const tanh_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = mml__tanhf(in[i]);
    }
    return MML_OK;
}

mml_status_t mml__prepare_tanh(mml_prep_t *p) {
    mml__tensor_t in, out;
    tanh_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary(p, 3, &in, &out);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype != out.dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output dtypes differ");
    }
    r.n = out.elems;
    if (in.dtype == MML_INT8) {
        float si, so;
        int32_t zo;
        if ((st = mml__ew_quant(p, &in, &si, &r.in_zp)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &zo)) != MML_OK ||
            (st = mml__ew_q4_params(p, si, &r.mult, &r.left_shift, &r.radius)) != MML_OK) {
            return st;
        }
        p->eval = eval_s8;
    } else if (in.dtype == MML_INT16) {
        if ((st = mml__ew_lut16_params(p, &in, &out, 1, &r.mult, &r.left_shift)) != MML_OK) {
            return st;
        }
        p->eval = eval_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    p->inplace = 1;
    tanh_t *d = (tanh_t *)mml__prep_persist(p, sizeof(tanh_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
