// SPDX-License-Identifier: MIT
// TANH. int8 with gemmlowp fixed point on a Q4.27 input (output read as scale 1/128, zero point
// 0, as TFLite Micro assumes), int16 with TFLite's interpolated table, float32 with mml__tanhf.
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(TANH)

typedef struct {
    mml__ew_unary_t io;
    mml__ew_q4_t q;
} tanh_t;

static int8_t tanh_s8(const tanh_t *d, int32_t x) {
    int32_t q4;
    int sat = mml__ew_q4_input(&d->q, x, &q4);
    if (sat) {
        return sat < 0 ? -128 : 127;
    }
    int32_t q0 = mml__fp_tanh(q4, 4);
    return (int8_t)mml__clamp_i32(mml__rdbpot(q0, 24), -128, 127);
}

MML_EW_UNARY_EVAL(eval_s8, tanh_t, int8_t, tanh_s8(d, x))
MML_EW_UNARY_EVAL(eval_s16, tanh_t, int16_t, mml__tanh_s16(x, d->q.mult, d->q.left_shift))
MML_EW_UNARY_EVAL(eval_f32, tanh_t, float, mml__tanhf(x))

mml_status_t mml__prepare_tanh(mml_prep_t *p) {
    mml__tensor_t in, out;
    tanh_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 3, &in, &out, &r.io);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8) {
        int32_t zo;
        if ((st = mml__ew_q4_params(p, &in, &out, &zo, &r.q)) != MML_OK) {
            return st;
        }
        p->eval = eval_s8;
    } else if (in.dtype == MML_INT16) {
        if ((st = mml__ew_lut16_params(p, &in, &out, 1, &r.q.mult, &r.q.left_shift)) != MML_OK) {
            return st;
        }
        p->eval = eval_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}
#endif // MML_OP_ON(TANH)
