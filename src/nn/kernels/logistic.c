// SPDX-License-Identifier: MIT
// LOGISTIC: 1 / (1 + exp(-x)). int8 with gemmlowp fixed point on a Q4.27 input (output zero point
// -128, scale 1/256), int16 with TFLite's interpolated table, float32 as TFLite's reference.
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(LOGISTIC)

typedef struct {
    mml__ew_unary_t io;
    mml__ew_q4_t q;
} logistic_t;

static int8_t logistic_s8(const logistic_t *d, int32_t x) {
    int32_t q4;
    int sat = mml__ew_q4_input(&d->q, x, &q4);
    if (sat) {
        return sat < 0 ? -128 : 127;
    }
    int32_t q0 = mml__fp_logistic(q4, 4);
    return (int8_t)mml__clamp_i32(mml__rdbpot(q0, 23) - 128, -128, 127);
}

// TFLite's cut-offs: 1 above 16.619, exp(x) below -9.
static float logistic_f32(float x) {
    return x > 16.619047164916992188f ? 1.0f
        : x < -9.0f                   ? mml__expf(x)
                                      : 1.0f / (1.0f + mml__expf(-x));
}

MML_EW_UNARY_EVAL(eval_s8, logistic_t, int8_t, logistic_s8(d, x))
MML_EW_UNARY_EVAL(eval_s16, logistic_t, int16_t, mml__logistic_s16(x, d->q.mult, d->q.left_shift))
MML_EW_UNARY_EVAL(eval_f32, logistic_t, float, logistic_f32(x))

mml_status_t mml__prepare_logistic(mml_prep_t *p) {
    mml__tensor_t in, out;
    logistic_t r;
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
        if (zo != -128) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int8 output zero point must be -128");
        }
        p->eval = eval_s8;
    } else if (in.dtype == MML_INT16) {
        if ((st = mml__ew_lut16_params(p, &in, &out, 0, &r.q.mult, &r.q.left_shift)) != MML_OK) {
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
#endif // MML_OP_ON(LOGISTIC)
