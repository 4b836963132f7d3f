// SPDX-License-Identifier: MIT
// MUL: output = act(input1 * input2), NumPy broadcasting. int8/int16 (one rescale of the
// zero-point-corrected product by in1_scale * in2_scale / out_scale; int16 symmetric), int32
// and float32, as TFLite Micro.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(MUL)

enum { OPT_ACTIVATION = 0 };

typedef struct {
    mml__ew_binary_t io;
    mml__ew_arith_t q;
    int32_t out_mult, out_shift;
} mul_t;

// TFLite MulElementwise for one pair of quantized values.
static inline int32_t mul_q(const mul_t *d, int32_t x, int32_t y) {
    int32_t prod = (x + d->q.in1_offset) * (y + d->q.in2_offset);
    int32_t r = mml__mul_by_qm(prod, d->out_mult, d->out_shift);
    r = mml__wrap_add(r, d->q.out_offset);
    return mml__clamp_i32(r, d->q.act_min, d->q.act_max);
}

MML_EW_BINARY_EVAL(eval_s8, mul_t, int8_t, mul_q(d, x, y))
MML_EW_BINARY_EVAL(eval_s16, mul_t, int16_t, mul_q(d, x, y))
// int32: with the fused activation's integer bounds (TFLite CalculateActivationRange<int32>).
MML_EW_BINARY_EVAL(eval_s32, mul_t, int32_t,
    mml__clamp_i32(mml__wrap_mul(x, y), d->q.act_min, d->q.act_max))
MML_EW_BINARY_EVAL(eval_f32, mul_t, float, mml__clamp_f32(x *y, d->q.act_min_f, d->q.act_max_f))

mml_status_t mml__prepare_mul(mml_prep_t *p) {
    mml__tensor_t a, b, out;
    mul_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_binary(p, 7, &a, &b, &out, &r.io.bc);
    if (st != MML_OK) {
        return st;
    }
    int32_t act = mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE);
    if (out.dtype == MML_INT8 || out.dtype == MML_INT16) {
        float s1, s2, so;
        if ((st = mml__ew_arith_quant(p, &a, &b, &out, &s1, &s2, &so, &r.q)) != MML_OK) {
            return st;
        }
        if (out.dtype == MML_INT16 &&
            (r.q.in1_offset != 0 || r.q.in2_offset != 0 || r.q.out_offset != 0)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 MUL needs zero points 0");
        }
        double m = (double)s1 * (double)s2 / (double)so;
        if ((st = mml__ew_multiplier(p, m, &r.out_mult, &r.out_shift, -31, 31)) != MML_OK ||
            (st = mml__ew_act_range_q(p, act, out.dtype, so, r.q.out_offset, &r.q.act_min,
                 &r.q.act_max)) != MML_OK) {
            return st;
        }
        p->eval = out.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if ((st = mml__ew_arith_plain(p, "MUL", act, &a, &b, &out, &r.q, eval_s32, eval_f32)) !=
        MML_OK) {
        return st;
    }
    return mml__ew_binary_store(p, &r, sizeof(r), &a, &b, &out);
}
#endif // MML_OP_ON(MUL)
