// SPDX-License-Identifier: MIT
// CAST between int8, uint8, int16, uint16, int32, uint32, float32 and bool, as C++ static_cast
// (integers wrap; float -> integer truncates, out-of-range and NaN give what x86 converts to).
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(CAST)

typedef struct {
    uint32_t in, out; // locations
    uint32_t n;
    uint8_t in_dtype, out_dtype;
} cast_t;

// float -> int64 as x86-64's cvttss2si: truncation; NaN and out of range give INT64_MIN.
static int64_t f2i64(float f) {
    if (!(f > -9223372036854775808.0f && f < 9223372036854775808.0f)) {
        return INT64_MIN;
    }
    return (int64_t)f;
}

// float -> int32 as x86's 32-bit cvttss2si (used for int8/int16/int32 targets).
static int32_t f2i32(float f) {
    if (!(f > -2147483904.0f && f < 2147483648.0f)) {
        return INT32_MIN;
    }
    return (int32_t)f;
}

static mml_status_t eval_cast(const mml_eval_ctx_t *ctx, void *data) {
    const cast_t *d = (const cast_t *)data;
    const void *in = mml__ptr(ctx, d->in);
    void *out = mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        int64_t v = 0; // integer source value
        float f = 0.0f;
        int is_float = d->in_dtype == MML_FLOAT32;
        switch (d->in_dtype) {
            case MML_INT8:
                v = ((const int8_t *)in)[i];
                break;
            case MML_UINT8:
            case MML_BOOL:
                v = ((const uint8_t *)in)[i];
                break;
            case MML_INT16:
                v = ((const int16_t *)in)[i];
                break;
            case MML_UINT16:
                v = ((const uint16_t *)in)[i];
                break;
            case MML_INT32:
                v = ((const int32_t *)in)[i];
                break;
            case MML_UINT32:
                v = ((const uint32_t *)in)[i];
                break;
            default:
                f = ((const float *)in)[i];
                break;
        }
        if (d->in_dtype == MML_BOOL) {
            v = v != 0;
        }
        switch (d->out_dtype) {
            case MML_FLOAT32:
                ((float *)out)[i] = is_float ? f : (float)v;
                break;
            case MML_BOOL:
                ((uint8_t *)out)[i] = (uint8_t)(is_float ? f != 0.0f : v != 0);
                break;
            case MML_UINT32:
                ((uint32_t *)out)[i] = (uint32_t)(is_float ? (uint64_t)f2i64(f) : (uint64_t)v);
                break;
            default: {
                uint32_t u = (uint32_t)(is_float ? f2i32(f) : (int32_t)(uint32_t)(uint64_t)v);
                if (d->out_dtype == MML_INT8) {
                    ((int8_t *)out)[i] = (int8_t)(uint8_t)u;
                } else if (d->out_dtype == MML_UINT8) {
                    ((uint8_t *)out)[i] = (uint8_t)u;
                } else if (d->out_dtype == MML_INT16) {
                    ((int16_t *)out)[i] = (int16_t)(uint16_t)u;
                } else if (d->out_dtype == MML_UINT16) {
                    ((uint16_t *)out)[i] = (uint16_t)u;
                } else {
                    ((int32_t *)out)[i] = (int32_t)u;
                }
                break;
            }
        }
    }
    return MML_OK;
}

static int castable(uint8_t t) {
    return t == MML_INT8 || t == MML_UINT8 || t == MML_INT16 || t == MML_UINT16 || t == MML_INT32 ||
        t == MML_UINT32 || t == MML_FLOAT32 || t == MML_BOOL;
}

mml_status_t mml__prepare_cast(mml_prep_t *p) {
    mml__tensor_t in, out;
    cast_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary(p, 7, &in, &out);
    if (st != MML_OK) {
        return st;
    }
    if (!castable(in.dtype) || !castable(out.dtype)) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "%s -> %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype), mml_dtype_name((mml_dtype_t)out.dtype));
    }
    r.n = out.elems;
    r.in_dtype = in.dtype;
    r.out_dtype = out.dtype;
    p->eval = eval_cast;
    uint32_t in_size = mml_dtype_size((mml_dtype_t)in.dtype);
    uint32_t out_size = mml_dtype_size((mml_dtype_t)out.dtype);
    if (in_size == out_size) {
        p->inplace = 1;
    } else if (in_size == 1 || out_size == 1) {
        mml__prep_allow_elementwise_overlap(p, out.elems, in_size, out_size);
    }
    cast_t *d = (cast_t *)mml__prep_persist(p, sizeof(cast_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
#endif // MML_OP_ON(CAST)
