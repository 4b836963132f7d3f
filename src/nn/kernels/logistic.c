// SPDX-License-Identifier: MIT
// LOGISTIC: 1 / (1 + exp(-x)). int8 with gemmlowp fixed point on a Q4.27 input (output zero point
// -128, scale 1/256), int16 with TFLite's interpolated table, float32 as TFLite's reference.
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

typedef struct {
    uint32_t in, out; // locations
    uint32_t n;
    int32_t in_zp, radius, mult, left_shift;
} logistic_t;

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const logistic_t *d = (const logistic_t *)data;
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
            int32_t q0 = mml__fp_logistic(q4, 4);
            out[i] = (int8_t)mml__clamp_i32(mml__rdbpot(q0, 23) - 128, -128, 127);
        }
    }
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const logistic_t *d = (const logistic_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = mml__logistic_s16(in[i], d->mult, d->left_shift);
    }
    return MML_OK;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const logistic_t *d = (const logistic_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        float x = in[i];
        // TFLite's cut-offs: 1 above 16.619, exp(x) below -9.
        out[i] = x > 16.619047164916992188f ? 1.0f
                 : x < -9.0f                ? mml__expf(x)
                                            : 1.0f / (1.0f + mml__expf(-x));
    }
    return MML_OK;
}

// TFLite's int8 LOGISTIC / TANH input rescale: scale * 2^27 as frexp mantissa (rounded to Q31,
// not renormalized) and exponent; inputs beyond the radius saturate.
mml_status_t mml__ew_q4_params(mml_prep_t *p, float scale, int32_t *mult, int32_t *shift,
    int32_t *radius) {
    double q = mml__frexp((double)scale * 134217728.0, shift);
    int64_t qf = (int64_t)mml__round(q * 2147483648.0);
    *mult = qf >= ((int64_t)1 << 31) ? INT32_MIN : (int32_t)qf; // as TFLite's cast wraps
    if (*shift < 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input scale %g too small", (double)scale);
    }
    *radius = mml__input_radius(4, *shift);
    return MML_OK;
}

mml_status_t mml__prepare_logistic(mml_prep_t *p) {
    mml__tensor_t in, out;
    logistic_t r;
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
        if (zo != -128) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int8 output zero point must be -128");
        }
        p->eval = eval_s8;
    } else if (in.dtype == MML_INT16) {
        if ((st = mml__ew_lut16_params(p, &in, &out, 0, &r.mult, &r.left_shift)) != MML_OK) {
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
    logistic_t *d = (logistic_t *)mml__prep_persist(p, sizeof(logistic_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
