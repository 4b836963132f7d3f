// SPDX-License-Identifier: MIT
// LEAKY_RELU: x > 0 ? x : alpha * x. int8/int16 with separate identity and alpha rescales (TFLite
// QuantizeLeakyRelu; alpha may be negative or above 1), float32.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(LEAKY_RELU)

enum { OPT_ALPHA = 0 };

typedef struct {
    mml__ew_unary_t io;
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

MML_EW_UNARY_EVAL(eval_s8, leaky_relu_t, int8_t, leaky_q(d, x))
MML_EW_UNARY_EVAL(eval_s16, leaky_relu_t, int16_t, leaky_q(d, x))
MML_EW_UNARY_EVAL(eval_f32, leaky_relu_t, float, x > 0.0f ? x : x * d->alpha)

mml_status_t mml__prepare_leaky_relu(mml_prep_t *p) {
    mml__tensor_t in, out;
    leaky_relu_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 2, &in, &out, &r.io);
    if (st != MML_OK) {
        return st;
    }
    r.alpha = mml__opt_f32(p, OPT_ALPHA, 0.0f);
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        float si, so;
        if ((st = mml__ew_quant(p, &in, &si, &r.in_zp)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &r.out_zp)) != MML_OK) {
            return st;
        }
        // TFLite computes both ratios in float.
        if ((st = mml__ew_multiplier(p, (double)(si * r.alpha / so), &r.alpha_mult, &r.alpha_shift,
                 -31, 31)) != MML_OK ||
            (st = mml__ew_multiplier(p, (double)(si / so), &r.id_mult, &r.id_shift, -31, 31)) !=
                MML_OK) {
            return st;
        }
        mml__ew_qrange(in.dtype, &r.lo, &r.hi);
        p->eval = in.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}
#endif // MML_OP_ON(LEAKY_RELU)
