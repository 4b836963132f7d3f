// SPDX-License-Identifier: MIT
// ADD: output = act(input1 + input2), NumPy broadcasting. int8/int16 (TFLite's rescale of both
// inputs to a common scale, left shift 20 / 15), int32 and float32, as TFLite Micro.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(ADD)

enum { OPT_ACTIVATION = 0 };

typedef mml__ew_addsub_t add_t;

// TFLite AddElementwise for one pair of quantized values.
static inline int32_t add_q(const add_t *d, int32_t x, int32_t y) {
    int32_t a = mml__ew_addsub_input(x, d->q.in1_offset, d->left_shift, d->in1_mult, d->in1_shift);
    int32_t b = mml__ew_addsub_input(y, d->q.in2_offset, d->left_shift, d->in2_mult, d->in2_shift);
    return mml__ew_addsub_output(d, mml__wrap_add(a, b));
}

MML_EW_BINARY_EVAL(eval_s8, add_t, int8_t, add_q(d, x, y))
MML_EW_BINARY_EVAL(eval_s16, add_t, int16_t, add_q(d, x, y))
// int32: TFLite Micro ignores the fused activation here (clamps to the full int32 range).
MML_EW_BINARY_EVAL(eval_s32, add_t, int32_t, mml__wrap_add(x, y))
MML_EW_BINARY_EVAL(eval_f32, add_t, float, mml__clamp_f32(x + y, d->q.act_min_f, d->q.act_max_f))

mml_status_t mml__prepare_add(mml_prep_t *p) {
    mml__tensor_t a, b, out;
    add_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_binary(p, 5, &a, &b, &out, &r.io.bc);
    if (st != MML_OK) {
        return st;
    }
    int32_t act = mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE);
    if (out.dtype == MML_INT8 || out.dtype == MML_INT16) {
        float s1, s2, so;
        if ((st = mml__ew_arith_quant(p, &a, &b, &out, &s1, &s2, &so, &r.q)) != MML_OK) {
            return st;
        }
        // TFLite: both inputs rescaled to twice the larger input scale, in double.
        r.left_shift = out.dtype == MML_INT16 ? 15 : 20;
        double twice_max = 2.0 * (double)(s1 > s2 ? s1 : s2);
        double m1 = (double)s1 / twice_max, m2 = (double)s2 / twice_max;
        double mo = twice_max / ((double)((int32_t)1 << r.left_shift) * (double)so);
        if ((st = mml__ew_multiplier_lt1(p, m1, &r.in1_mult, &r.in1_shift)) != MML_OK ||
            (st = mml__ew_multiplier_lt1(p, m2, &r.in2_mult, &r.in2_shift)) != MML_OK ||
            (st = mml__ew_multiplier_lt1(p, mo, &r.out_mult, &r.out_shift)) != MML_OK ||
            (st = mml__ew_act_range_q(p, act, out.dtype, so, r.q.out_offset, &r.q.act_min,
                 &r.q.act_max)) != MML_OK) {
            return st;
        }
        p->eval = out.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (out.dtype == MML_INT32) {
        if (a.scales.n || b.scales.n) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "quantized int32 ADD unsupported");
        }
        p->eval = eval_s32;
    } else if (out.dtype == MML_FLOAT32) {
        if ((st = mml__ew_act_range_f(p, act, &r.q.act_min_f, &r.q.act_max_f)) != MML_OK) {
            return st;
        }
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, out.dtype);
    }
    return mml__ew_binary_store(p, &r, sizeof(r), &a, &b, &out);
}
#endif // MML_OP_ON(ADD)
