// SPDX-License-Identifier: MIT
// MINIMUM: output = input1 < input2 ? input1 : input2, NumPy broadcasting; int8, uint8, int16,
// int32, float32. Quantized values compare raw (TFLite assumes equal quantization everywhere).
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

typedef struct {
    uint32_t in1, in2, out; // locations
    mml__bcast_t bc;
} minimum_t;

#define MINIMUM_EVAL(NAME, T)                                                  \
    static mml_status_t NAME(const mml_eval_ctx_t *ctx, void *data) {          \
        const minimum_t *d = (const minimum_t *)data;                          \
        const T *a = (const T *)mml__ptr(ctx, d->in1);                         \
        const T *b = (const T *)mml__ptr(ctx, d->in2);                         \
        T *out = (T *)mml__ptr(ctx, d->out);                                   \
        mml__bcast_it_t it;                                                    \
        mml__bcast_begin(&it);                                                 \
        for (uint32_t i = 0; i < d->bc.n; i++) {                               \
            T x = a[it.i1], y = b[it.i2];                                      \
            out[i] = x < y ? x : y;                                            \
            mml__bcast_next(&d->bc, &it);                                      \
        }                                                                      \
        return MML_OK;                                                         \
    }

MINIMUM_EVAL(eval_s8, int8_t)
MINIMUM_EVAL(eval_u8, uint8_t)
MINIMUM_EVAL(eval_s16, int16_t)
MINIMUM_EVAL(eval_s32, int32_t)
MINIMUM_EVAL(eval_f32, float)

mml_status_t mml__prepare_minimum(mml_prep_t *p) {
    mml__tensor_t a, b, out;
    minimum_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_binary(p, 4, &a, &b, &out, &r.bc);
    if (st != MML_OK) {
        return st;
    }
    switch (out.dtype) {
        case MML_INT8:
            p->eval = eval_s8;
            break;
        case MML_UINT8:
            p->eval = eval_u8;
            break;
        case MML_INT16:
            p->eval = eval_s16;
            break;
        case MML_INT32:
            p->eval = eval_s32;
            break;
        case MML_FLOAT32:
            p->eval = eval_f32;
            break;
        default:
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
                mml_dtype_name((mml_dtype_t)out.dtype));
    }
    minimum_t *d = (minimum_t *)mml__prep_persist(p, sizeof(minimum_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in1 = mml__prep_loc(p, &a);
    d->in2 = mml__prep_loc(p, &b);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
