// SPDX-License-Identifier: MIT
// SQUARED_DIFFERENCE: output = (input1 - input2)^2, NumPy broadcasting. int8 / int16 (TFLite's
// rescale of both inputs to twice the larger scale, left shift 7 / 0, then the square rescaled to
// the output), int32 (wrapping) and float32, as TFLite Micro's reference kernel.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(SQUARED_DIFFERENCE)

typedef struct {
    mml__ew_binary_t io;
    mml__ew_arith_t q;
    int32_t left_shift;
    int32_t in1_mult, in1_shift, in2_mult, in2_shift, out_mult, out_shift;
} squared_difference_t;

static int32_t sqdiff_q(const squared_difference_t *d, int32_t x, int32_t y) {
    int32_t a = mml__mul_by_qm((int32_t)((uint32_t)(x + d->q.in1_offset) << d->left_shift),
        d->in1_mult, d->in1_shift);
    int32_t b = mml__mul_by_qm((int32_t)((uint32_t)(y + d->q.in2_offset) << d->left_shift),
        d->in2_mult, d->in2_shift);
    int32_t diff = mml__wrap_sub(a, b);
    int32_t o = mml__mul_by_qm(mml__wrap_mul(diff, diff), d->out_mult, d->out_shift);
    return mml__clamp_i32(mml__wrap_add(o, d->q.out_offset), d->q.act_min, d->q.act_max);
}

static float sqdiff_f32(float x, float y) {
    float v = x - y;
    return v * v;
}

static int32_t sqdiff_s32(int32_t x, int32_t y) {
    int32_t v = mml__wrap_sub(x, y);
    return mml__wrap_mul(v, v);
}

MML_EW_BINARY_EVAL(eval_s8, squared_difference_t, int8_t, sqdiff_q(d, x, y))
MML_EW_BINARY_EVAL(eval_s16, squared_difference_t, int16_t, sqdiff_q(d, x, y))
MML_EW_BINARY_EVAL(eval_s32, squared_difference_t, int32_t, sqdiff_s32(x, y))
MML_EW_BINARY_EVAL(eval_f32, squared_difference_t, float, sqdiff_f32(x, y))

mml_status_t mml__prepare_squared_difference(mml_prep_t *p) {
    mml__tensor_t a, b, out;
    squared_difference_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_binary(p, 2, &a, &b, &out, &r.io.bc);
    if (st != MML_OK) {
        return st;
    }
    if (out.dtype == MML_INT8 || out.dtype == MML_INT16) {
        float s1, s2, so;
        if ((st = mml__ew_arith_quant(p, &a, &b, &out, &s1, &s2, &so, &r.q)) != MML_OK) {
            return st;
        }
        if (out.dtype == MML_INT16 && (r.q.in1_offset || r.q.in2_offset || r.q.out_offset)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 needs zero points 0");
        }
        // TFLite: the larger scale in float, the ratios in double; the square's rescale divides
        // by 2^(2 * left_shift) * output scale (a float product).
        r.left_shift = out.dtype == MML_INT8 ? 7 : 0;
        double twice_max = 2.0 * (double)(s1 > s2 ? s1 : s2);
        float denom = (float)(1 << (2 * r.left_shift)) * so;
        double mo = twice_max * twice_max / (double)denom;
        if ((st = mml__ew_multiplier_lt1(p, (double)s1 / twice_max, &r.in1_mult, &r.in1_shift)) !=
                MML_OK ||
            (st = mml__ew_multiplier_lt1(p, (double)s2 / twice_max, &r.in2_mult, &r.in2_shift)) !=
                MML_OK ||
            (st = mml__ew_multiplier(p, mo, &r.out_mult, &r.out_shift, -31, 30)) != MML_OK) {
            return st;
        }
        mml__ew_qrange(out.dtype, &r.q.act_min, &r.q.act_max);
        p->eval = out.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (out.dtype == MML_INT32) {
        if (a.scales.n || b.scales.n || out.scales.n) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "quantized int32 unsupported");
        }
        p->eval = eval_s32;
    } else if (out.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, out.dtype);
    }
    return mml__ew_binary_store(p, &r, sizeof(r), &a, &b, &out);
}

#endif // MML_OP_ON(SQUARED_DIFFERENCE)
