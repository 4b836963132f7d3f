// SPDX-License-Identifier: MIT
// RELU6: min(max(x, 0), 6). int8/int16 clamp between the input's quantized 0 and 6 (TFLite Micro
// does not requantize: input and output share quantization); float32.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(RELU6)

typedef struct {
    mml__ew_unary_t io;
    int32_t zero, six;
} relu6_t;

MML_EW_UNARY_EVAL(eval_s8, relu6_t, int8_t, x > d->six ? d->six : x < d->zero ? d->zero : x)
MML_EW_UNARY_EVAL(eval_s16, relu6_t, int16_t, x > d->six ? d->six : x < d->zero ? d->zero : x)
MML_EW_UNARY_EVAL(eval_f32, relu6_t, float, x > 6.0f ? 6.0f : x < 0.0f ? 0.0f : x)

mml_status_t mml__prepare_relu6(mml_prep_t *p) {
    mml__tensor_t in, out;
    relu6_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 3, &in, &out, &r.io);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        float si;
        int32_t lo, hi;
        if ((st = mml__ew_quant(p, &in, &si, &r.zero)) != MML_OK) {
            return st;
        }
        // TFLite FloatToQuantizedType(6): round(6 / scale) + zero point, clamped to the dtype.
        int64_t six = (int64_t)mml__round_to_i32(6.0f / si) + r.zero;
        mml__ew_qrange(in.dtype, &lo, &hi);
        r.six = (int32_t)(six < lo ? lo : six > hi ? hi : six);
        p->eval = in.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}
#endif // MML_OP_ON(RELU6)
