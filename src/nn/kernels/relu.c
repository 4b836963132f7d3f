// SPDX-License-Identifier: MIT
// RELU: max(x, 0). int8/int16 requantize to the output's scale (TFLite ReluQuantized); float32.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(RELU)

typedef struct {
    mml__ew_unary_t io;
    int32_t in_zp, out_zp, mult, shift, act_min, act_max;
} relu_t;

static int32_t relu_q(const relu_t *d, int32_t x) {
    int32_t v = mml__wrap_add(mml__mul_by_qm(x - d->in_zp, d->mult, d->shift), d->out_zp);
    return mml__clamp_i32(v, d->act_min, d->act_max);
}

MML_EW_UNARY_EVAL(eval_s8, relu_t, int8_t, relu_q(d, x))
MML_EW_UNARY_EVAL(eval_s16, relu_t, int16_t, relu_q(d, x))
MML_EW_UNARY_EVAL(eval_f32, relu_t, float, x < 0.0f ? 0.0f : x)

mml_status_t mml__prepare_relu(mml_prep_t *p) {
    mml__tensor_t in, out;
    relu_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 3, &in, &out, &r.io);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        float si, so;
        if ((st = mml__ew_quant(p, &in, &si, &r.in_zp)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &r.out_zp)) != MML_OK ||
            (st = mml__ew_multiplier(p, (double)si / (double)so, &r.mult, &r.shift, -31, 31)) !=
                MML_OK) {
            return st;
        }
        if (in.dtype == MML_INT16 && (r.in_zp != 0 || r.out_zp != 0)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 RELU needs zero points 0");
        }
        // Lower bound: the output's zero (zero point + round(0 / scale)); no upper bound.
        mml__ew_qrange(in.dtype, &r.act_min, &r.act_max);
        r.act_min = r.out_zp > r.act_min ? r.out_zp : r.act_min;
        p->eval = in.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}
#endif // MML_OP_ON(RELU)
