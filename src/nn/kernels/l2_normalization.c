// SPDX-License-Identifier: MIT
// L2_NORMALIZATION: x / sqrt(sum of x^2) along the innermost dimension. float32 (the norm at least
// 1e-6) and int8 as TFLite Micro (TFLite's fixed-point inverse square root of the sum of squares,
// output scale 1/128 and zero point 0).
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(L2_NORMALIZATION)

enum { OPT_ACTIVATION = 0 };

typedef struct {
    uint32_t in, out;     // locations
    uint32_t rows, depth; // outer size, innermost dimension
    int32_t in_zp;
} l2_normalization_t;

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const l2_normalization_t *d = (const l2_normalization_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->in);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->out);
    for (uint32_t r = 0; r < d->rows; r++) {
        const int8_t *x = in + r * d->depth;
        int8_t *o = out + r * d->depth;
        int32_t acc = 0; // at most 255^2 * depth (depth checked at prepare)
        for (uint32_t c = 0; c < d->depth; c++) {
            int32_t v = x[c] - d->in_zp;
            acc += v * v;
        }
        int32_t q, shift;
        mml__ew_inv_sqrt(acc, &q, &shift);
        for (uint32_t c = 0; c < d->depth; c++) {
            int32_t v = mml__mul_by_qm(x[c] - d->in_zp, q, shift + 7); // output in 1/128 steps
            o[c] = (int8_t)mml__clamp_i32(v, -128, 127);
        }
    }
    return MML_OK;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const l2_normalization_t *d = (const l2_normalization_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    for (uint32_t r = 0; r < d->rows; r++) {
        const float *x = in + r * d->depth;
        float *o = out + r * d->depth;
        float sum = 0.0f;
        for (uint32_t c = 0; c < d->depth; c++) {
            sum += x[c] * x[c];
        }
        float norm = mml__sqrtf(sum);
        norm = norm > 1e-6f ? norm : 1e-6f;
        for (uint32_t c = 0; c < d->depth; c++) {
            o[c] = x[c] / norm;
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_l2_normalization(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__ew_unary_t io;
    l2_normalization_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 2, &in, &out, &io);
    if (st != MML_OK) {
        return st;
    }
    if (mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE) != MML_ACT_NONE) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation unsupported");
    }
    if ((st = mml__ew_rows(p, &in, &out, &r.depth, &r.rows)) != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8) {
        float si, so;
        int32_t zo;
        if ((st = mml__ew_quant(p, &in, &si, &r.in_zp)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &zo)) != MML_OK) {
            return st;
        }
        if (so != 1.0f / 128.0f || zo != 0) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "int8 output needs scale 1/128 and zero point 0");
        }
        if (r.depth > 33025u) { // keeps the int32 sum of squares from overflowing
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "depth %u too large", r.depth);
        }
        p->eval = eval_s8;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    p->macs = in.elems;
    l2_normalization_t *d = (l2_normalization_t *)mml__prep_persist(p, sizeof(r));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}

#endif // MML_OP_ON(L2_NORMALIZATION)
