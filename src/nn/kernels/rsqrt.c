// SPDX-License-Identifier: MIT
// RSQRT: 1 / sqrt(x). float32, and int8 as TFLite Micro (gemmlowp Newton-Raphson inverse square
// root of x - zp, then rescaled by 1 / (sqrt(input scale) * output scale)), through a 256-entry
// table built at prepare. A negative int8 input (x < zp) fails the invocation, as in TFLite Micro.
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(RSQRT)

typedef struct {
    mml__ew_unary_t io;
    int32_t in_zp;
    int8_t lut[256]; // output for input value v at lut[v + 128]
} rsqrt_t;

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const rsqrt_t *d = (const rsqrt_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->io.in);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->io.out);
    for (uint32_t i = 0; i < d->io.n; i++) {
        int32_t x = in[i];
        if (x < d->in_zp) {
            return MML_ERR_INVALID_ARG; // rsqrt of a negative value
        }
        out[i] = d->lut[x + 128];
    }
    return MML_OK;
}

MML_EW_UNARY_EVAL(eval_f32, rsqrt_t, float, 1.0f / mml__sqrtf(x))

// sqrt in double at prepare: Newton steps from the float root.
static double sqrt_d(double x) {
    double r = (double)mml__sqrtf((float)x);
    for (int k = 0; k < 3 && r > 0.0; k++) {
        r = 0.5 * (r + x / r);
    }
    return r;
}

mml_status_t mml__prepare_rsqrt(mml_prep_t *p) {
    mml__tensor_t in, out;
    rsqrt_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 3, &in, &out, &r.io);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8) {
        float si, so;
        int32_t zo, mult, shift;
        if ((st = mml__ew_quant(p, &in, &si, &r.in_zp)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &zo)) != MML_OK ||
            (st = mml__ew_multiplier(p, 1.0 / (sqrt_d((double)si) * (double)so), &mult, &shift, -11,
                 31)) != MML_OK) {
            return st;
        }
        for (int32_t v = -128; v < 128; v++) {
            int32_t x = v - r.in_zp, o = 127;
            if (x > 0) {
                int32_t iq, is;
                mml__ew_inv_sqrt(x, &iq, &is);
                int32_t y = mml__mul_by_qm(1, iq, is + 20);
                o = mml__clamp_i32(mml__wrap_add(mml__mul_by_qm(y, mult, shift - 20), zo), -128,
                    127);
            }
            r.lut[v + 128] = (int8_t)o;
        }
        p->eval = eval_s8;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}

#endif // MML_OP_ON(RSQRT)
