// SPDX-License-Identifier: MIT
// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL: bool output = input1 OP input2, NumPy
// broadcasting. float32, int32, int64, bool (EQUAL and NOT_EQUAL only), int8 and (GREATER only)
// int16; quantized values are first rescaled as TFLite Micro does ((x - zp) << 8 times the
// tensor's scale as a multiplier below one), so inputs of different quantization compare by value.
#include <stdbool.h>
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(EQUAL) || MML_OP_ON(NOT_EQUAL) || MML_OP_ON(LESS) || MML_OP_ON(LESS_EQUAL) || MML_OP_ON(GREATER) || MML_OP_ON(GREATER_EQUAL)

typedef struct {
    mml__ew_binary_t io;
    int32_t in1_offset, in1_mult, in1_shift;
    int32_t in2_offset, in2_mult, in2_shift;
} comparison_t;

static inline int32_t scaled1(const comparison_t *d, int32_t x) {
    return mml__mul_by_qm((x + d->in1_offset) * 256, d->in1_mult, d->in1_shift);
}

static inline int32_t scaled2(const comparison_t *d, int32_t y) {
    return mml__mul_by_qm((y + d->in2_offset) * 256, d->in2_mult, d->in2_shift);
}

// The evals of one comparison: OP on raw float32, int32, int64 and bool values and on rescaled
// int8 values. Bools are read and written as bytes (any nonzero byte is true; out 0 or 1).
#define COMPARISON_EVALS(NAME, OP)                                                                 \
    MML_EW_BINARY_EVAL_TO(NAME##_f32, comparison_t, float, uint8_t, x OP y)                        \
    MML_EW_BINARY_EVAL_TO(NAME##_s32, comparison_t, int32_t, uint8_t, x OP y)                      \
    MML_EW_BINARY_EVAL_TO(NAME##_s64, comparison_t, int64_t, uint8_t, x OP y)                      \
    MML_EW_BINARY_EVAL_TO(NAME##_b, comparison_t, uint8_t, uint8_t, (x != 0) OP(y != 0))           \
    MML_EW_BINARY_EVAL_TO(NAME##_s8, comparison_t, int8_t, uint8_t,                                \
        scaled1(d, x) OP scaled2(d, y))                                                            \
    static const mml__eval_fn NAME##_evals[] = {NAME##_f32, NAME##_s32, NAME##_s64, NAME##_b,      \
        NAME##_s8};

COMPARISON_EVALS(equal, ==)
COMPARISON_EVALS(not_equal, !=)
COMPARISON_EVALS(less, <)
COMPARISON_EVALS(less_equal, <=)
COMPARISON_EVALS(greater, >)
COMPARISON_EVALS(greater_equal, >=)

// TFLite Micro has int16 (rescaled like int8) for GREATER only.
MML_EW_BINARY_EVAL_TO(greater_s16, comparison_t, int16_t, uint8_t, scaled1(d, x) > scaled2(d, y))

enum { E_F32 = 0, E_S32, E_S64, E_BOOL, E_S8 };

static mml_status_t prepare(mml_prep_t *p, const mml__eval_fn *evals, bool allow_bool,
    mml__eval_fn eval_s16) {
    mml__tensor_t a, b, out;
    comparison_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_binary_any(p, 4, &a, &b, &out, &r.io.bc);
    if (st != MML_OK || (st = mml__prep_check_dtype(p, &out, MML_BOOL)) != MML_OK) {
        return st;
    }
    if (a.dtype != b.dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "inputs are %s and %s",
            mml_dtype_name((mml_dtype_t)a.dtype), mml_dtype_name((mml_dtype_t)b.dtype));
    }
    switch (a.dtype) {
        case MML_FLOAT32:
            p->eval = evals[E_F32];
            break;
        case MML_INT32:
            p->eval = evals[E_S32];
            break;
        case MML_INT64:
            p->eval = evals[E_S64];
            break;
        case MML_BOOL:
            if (!allow_bool) {
                return mml__ew_fail_dtype(p, a.dtype);
            }
            p->eval = evals[E_BOOL];
            break;
        case MML_INT8:
        case MML_INT16: {
            if (a.dtype == MML_INT16 && !eval_s16) {
                return mml__ew_fail_dtype(p, a.dtype);
            }
            float s1, s2;
            int32_t z1, z2;
            if ((st = mml__ew_quant(p, &a, &s1, &z1)) != MML_OK ||
                (st = mml__ew_quant(p, &b, &s2, &z2)) != MML_OK ||
                (st = mml__ew_multiplier_lt1(p, (double)s1, &r.in1_mult, &r.in1_shift)) != MML_OK ||
                (st = mml__ew_multiplier_lt1(p, (double)s2, &r.in2_mult, &r.in2_shift)) != MML_OK) {
                return st;
            }
            r.in1_offset = -z1;
            r.in2_offset = -z2;
            p->eval = a.dtype == MML_INT8 ? evals[E_S8] : eval_s16;
            break;
        }
        default:
            return mml__ew_fail_dtype(p, a.dtype);
    }
    return mml__ew_binary_store(p, &r, sizeof(r), &a, &b, &out);
}

mml_status_t mml__prepare_equal(mml_prep_t *p) {
    return prepare(p, equal_evals, true, NULL);
}

mml_status_t mml__prepare_not_equal(mml_prep_t *p) {
    return prepare(p, not_equal_evals, true, NULL);
}

mml_status_t mml__prepare_less(mml_prep_t *p) {
    return prepare(p, less_evals, false, NULL);
}

mml_status_t mml__prepare_less_equal(mml_prep_t *p) {
    return prepare(p, less_equal_evals, false, NULL);
}

mml_status_t mml__prepare_greater(mml_prep_t *p) {
    return prepare(p, greater_evals, false, greater_s16);
}

mml_status_t mml__prepare_greater_equal(mml_prep_t *p) {
    return prepare(p, greater_equal_evals, false, NULL);
}

#endif // MML_OP_ON(EQUAL) || MML_OP_ON(NOT_EQUAL) || MML_OP_ON(LESS) || MML_OP_ON(LESS_EQUAL) || MML_OP_ON(GREATER) || MML_OP_ON(GREATER_EQUAL)
