// SPDX-License-Identifier: MIT
// ABS: |x|. float32; int8 and quantized int16 as TFLite Micro (|x - zp|, rescaled by input scale /
// output scale when the scales differ, plus the output zero point); unquantized int16 (wrapping).
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(ABS)

typedef struct {
    mml__ew_unary_t io;
    int32_t in_zp, out_zp, mult, shift, lo, hi;
    uint8_t rescale;
} abs_t;

static int32_t abs_q(const abs_t *d, int32_t x) {
    int32_t v = x - d->in_zp;
    v = v < 0 ? -v : v;
    if (d->rescale) {
        v = mml__mul_by_qm(v, d->mult, d->shift);
    }
    return mml__clamp_i32(mml__wrap_add(v, d->out_zp), d->lo, d->hi);
}

static float abs_f32(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof(u));
    u &= 0x7FFFFFFFu;
    memcpy(&x, &u, sizeof(u));
    return x;
}

MML_EW_UNARY_EVAL(eval_s8, abs_t, int8_t, abs_q(d, x))
MML_EW_UNARY_EVAL(eval_s16, abs_t, int16_t, abs_q(d, x))
MML_EW_UNARY_EVAL(eval_s16_raw, abs_t, int16_t, x < 0 ? -x : x)
MML_EW_UNARY_EVAL(eval_f32, abs_t, float, abs_f32(x))

mml_status_t mml__prepare_abs(mml_prep_t *p) {
    mml__tensor_t in, out;
    abs_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 5, &in, &out, &r.io);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8 || (in.dtype == MML_INT16 && in.scales.n)) {
        float si, so;
        if ((st = mml__ew_quant(p, &in, &si, &r.in_zp)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &r.out_zp)) != MML_OK) {
            return st;
        }
        if (in.dtype == MML_INT16 && (r.in_zp != 0 || r.out_zp != 0)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 needs zero points 0");
        }
        r.rescale = si != so;
        if (r.rescale &&
            (st = mml__ew_multiplier(p, (double)si / (double)so, &r.mult, &r.shift, -31, 30)) !=
                MML_OK) {
            return st;
        }
        mml__ew_qrange(in.dtype, &r.lo, &r.hi);
        p->eval = in.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (in.dtype == MML_INT16) {
        p->eval = eval_s16_raw;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}

#endif // MML_OP_ON(ABS)
