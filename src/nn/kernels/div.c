// SPDX-License-Identifier: MIT
// DIV: output = act(input1 / input2), NumPy broadcasting. int8 (TFLite's fixed-point reciprocal
// of the divisor, then one rescale), int32 (truncating) and float32, as TFLite Micro. Division by
// zero, undefined in TFLite, gives the activation bound of the dividend's sign (0 for 0 / 0
// and for int32).
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(DIV)

enum { OPT_ACTIVATION = 0 };

typedef struct {
    mml__ew_binary_t io;
    mml__ew_arith_t q;
    int32_t out_mult, out_shift;
} divide_t;

// TFLite DivElementwise for one pair of int8 values.
static int32_t div_q(const divide_t *d, int32_t x, int32_t y) {
    int32_t num = x + d->q.in1_offset, den = y + d->q.in2_offset;
    if (den == 0) {
        int32_t zero = mml__clamp_i32(d->q.out_offset, d->q.act_min, d->q.act_max);
        return num > 0 ? d->q.act_max : num < 0 ? d->q.act_min : zero;
    }
    if (den < 0) {
        num = -num;
        den = -den;
    }
    int32_t recip_shift;
    int32_t inv = mml__fp_reciprocal(den, 31, &recip_shift);
    int32_t headroom = mml__clrsb32(num);
    int32_t quotient = mml__srdhm((int32_t)((uint32_t)num << headroom), inv);
    int32_t right = recip_shift + headroom - d->out_shift; // TFLite: -total_shift
    int32_t r = mml__srdhm(quotient, d->out_mult);
    r = right > 31 ? 0 : right >= 0 ? mml__rdbpot(r, right) : mml__fp_mul_pot(r, -right);
    return mml__clamp_i32(mml__wrap_add(r, d->q.out_offset), d->q.act_min, d->q.act_max);
}

// int32: truncating, 0 for a zero divisor, wrapping for INT32_MIN / -1.
static inline int32_t div_s32(int32_t x, int32_t y) {
    return y == 0 ? 0 : (y == -1 ? mml__wrap_sub(0, x) : x / y);
}

MML_EW_BINARY_EVAL(eval_s8, divide_t, int8_t, div_q(d, x, y))
// int32: with the fused activation's integer bounds (TFLite CalculateActivationRange<int32>).
MML_EW_BINARY_EVAL(eval_s32, divide_t, int32_t,
    mml__clamp_i32(div_s32(x, y), d->q.act_min, d->q.act_max))
MML_EW_BINARY_EVAL(eval_f32, divide_t, float, mml__clamp_f32(x / y, d->q.act_min_f, d->q.act_max_f))

mml_status_t mml__prepare_div(mml_prep_t *p) {
    mml__tensor_t a, b, out;
    divide_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_binary(p, 2, &a, &b, &out, &r.io.bc);
    if (st != MML_OK) {
        return st;
    }
    int32_t act = mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE);
    if (out.dtype == MML_INT8) {
        float s1, s2, so;
        if ((st = mml__ew_arith_quant(p, &a, &b, &out, &s1, &s2, &so, &r.q)) != MML_OK) {
            return st;
        }
        // TFLite Micro computes this ratio in float.
        double m = (double)(s1 / (s2 * so));
        if ((st = mml__ew_multiplier(p, m, &r.out_mult, &r.out_shift, -31, 31)) != MML_OK ||
            (st = mml__ew_act_range_q(p, act, out.dtype, so, r.q.out_offset, &r.q.act_min,
                 &r.q.act_max)) != MML_OK) {
            return st;
        }
        p->eval = eval_s8;
    } else if ((st = mml__ew_arith_plain(p, "DIV", act, &a, &b, &out, &r.q, eval_s32, eval_f32)) !=
        MML_OK) {
        return st;
    }
    return mml__ew_binary_store(p, &r, sizeof(r), &a, &b, &out);
}
#endif // MML_OP_ON(DIV)
