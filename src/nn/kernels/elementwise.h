// SPDX-License-Identifier: MIT
// Shared pieces of the elementwise kernels (ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM and the unary
// activations): NumPy-style broadcasting of two inputs onto the output, and prepare checks.
#ifndef MICROML_NN_KERNELS_ELEMENTWISE_H
#define MICROML_NN_KERNELS_ELEMENTWISE_H

#include <string.h>
#include "nn/kernel.h"

// Two inputs broadcast onto the output, with adjacent dimensions merged where both inputs are
// contiguous (or both broadcast) across them: same shapes become one dimension of n elements.
typedef struct {
    uint32_t n;                  // output elements
    uint32_t rank;               // dimensions used in dims/s1/s2, 1..MML_MAX_DIMS
    uint32_t dims[MML_MAX_DIMS]; // output extents, outermost first
    uint32_t s1[MML_MAX_DIMS];   // element strides of input 0 (0: broadcast along this dim)
    uint32_t s2[MML_MAX_DIMS];   // element strides of input 1
} mml__bcast_t;

// Position of the walk: element indices into input 0 and input 1 for output element i.
typedef struct {
    uint32_t idx[MML_MAX_DIMS];
    uint32_t i1, i2;
} mml__bcast_it_t;

static inline void mml__bcast_begin(mml__bcast_it_t *it) {
    memset(it, 0, sizeof(*it));
}

// Advances to the next output element (row-major order) of the first rank dimensions of b
// (b->rank: every dimension; b->rank - 1: to the next row of the innermost dimension).
static inline void mml__bcast_next_in(const mml__bcast_t *b, mml__bcast_it_t *it, uint32_t rank) {
    for (uint32_t k = rank; k-- > 0;) {
        it->i1 += b->s1[k];
        it->i2 += b->s2[k];
        if (++it->idx[k] < b->dims[k]) {
            return;
        }
        it->idx[k] = 0;
        it->i1 -= b->s1[k] * b->dims[k];
        it->i2 -= b->s2[k] * b->dims[k];
    }
}

// Advances to the next output element (row-major order).
static inline void mml__bcast_next(const mml__bcast_t *b, mml__bcast_it_t *it) {
    mml__bcast_next_in(b, it, b->rank);
}

// The head of every binary elementwise op's record: where the operands are, how they broadcast.
typedef struct {
    uint32_t in1, in2, out; // locations
    mml__bcast_t bc;
} mml__ew_binary_t;

// The part of ADD, SUB, MUL and DIV's records their prepares fill alike.
typedef struct {
    int32_t in1_offset, in2_offset, out_offset; // int8/int16: -zp(input 1), -zp(input 2), zp(out)
    int32_t act_min, act_max;                   // int8/int16/int32 clamp bounds
    float act_min_f, act_max_f;                 // float32 clamp bounds
} mml__ew_arith_t;

// The head of every unary elementwise op's record.
typedef struct {
    uint32_t in, out; // locations
    uint32_t n;       // elements
} mml__ew_unary_t;

// Defines `static mml_status_t NAME(ctx, data)`, the eval of a binary op on element type T:
// out[i] = (T)(EXPR) for every output element i, where EXPR may read x and y (the elements of
// inputs 1 and 2 that broadcast onto i) and d (the record, a REC that starts with an
// mml__ew_binary_t). Both inputs are read before the output is written (p->inplace holds).
// Walks the innermost dimension with strides and broadcasts only from row to row (same shapes
// are one row of n elements). d points to a local copy of the record: the output's stores
// cannot alias it, so its fields stay in registers.
#define MML_EW_BINARY_EVAL(NAME, REC, T, EXPR) MML_EW_BINARY_EVAL_TO(NAME, REC, T, T, EXPR)

// MML_EW_BINARY_EVAL with an output element type TO that may differ from the inputs' T
// (comparisons: T in, bool out).
#define MML_EW_BINARY_EVAL_TO(NAME, REC, T, TO, EXPR)                                              \
    MML_EW_BINARY_EVAL_MIXED(NAME, REC, T, T, TO, EXPR)

// MML_EW_BINARY_EVAL with element types T1 (input 1, x), T2 (input 2, y) and TO (output).
#define MML_EW_BINARY_EVAL_MIXED(NAME, REC, T1, T2, TO, EXPR)                                      \
    static mml_status_t NAME(const mml_eval_ctx_t *ctx, void *data) {                              \
        const REC rec = *(const REC *)data;                                                        \
        const REC *d = &rec;                                                                       \
        const mml__bcast_t *bc = &((const mml__ew_binary_t *)data)->bc;                            \
        const T1 *a = (const T1 *)mml__ptr(ctx, ((const mml__ew_binary_t *)d)->in1);               \
        const T2 *b = (const T2 *)mml__ptr(ctx, ((const mml__ew_binary_t *)d)->in2);               \
        TO *out = (TO *)mml__ptr(ctx, ((const mml__ew_binary_t *)d)->out);                         \
        const uint32_t inner_rank = bc->rank - 1, n = bc->n;                                       \
        const uint32_t row = bc->dims[inner_rank];                                                 \
        const uint32_t s1 = bc->s1[inner_rank], s2 = bc->s2[inner_rank];                           \
        mml__bcast_it_t it;                                                                        \
        (void)d;                                                                                   \
        mml__bcast_begin(&it);                                                                     \
        for (uint32_t i = 0; i < n; i += row) {                                                    \
            const T1 *pa = a + it.i1;                                                              \
            const T2 *pb = b + it.i2;                                                              \
            TO *po = out + i;                                                                      \
            for (uint32_t j = 0; j < row; j++) {                                                   \
                const T1 x = *pa;                                                                  \
                const T2 y = *pb;                                                                  \
                po[j] = (TO)(EXPR);                                                                \
                pa += s1;                                                                          \
                pb += s2;                                                                          \
            }                                                                                      \
            mml__bcast_next_in(bc, &it, inner_rank);                                               \
        }                                                                                          \
        return MML_OK;                                                                             \
    }

// Defines `static mml_status_t NAME(ctx, data)`, the eval of a unary op on element type T:
// out[i] = (T)(EXPR) for i < n, where EXPR may read x (in[i]) and d (the record, a REC that starts
// with an mml__ew_unary_t).
#define MML_EW_UNARY_EVAL(NAME, REC, T, EXPR)                                                      \
    static mml_status_t NAME(const mml_eval_ctx_t *ctx, void *data) {                              \
        const mml__ew_unary_t *io = (const mml__ew_unary_t *)data;                                 \
        const REC *d = (const REC *)data;                                                          \
        const T *in = (const T *)mml__ptr(ctx, io->in);                                            \
        T *out = (T *)mml__ptr(ctx, io->out);                                                      \
        (void)d;                                                                                   \
        for (uint32_t i = 0; i < io->n; i++) {                                                     \
            const T x = in[i];                                                                     \
            out[i] = (T)(EXPR);                                                                    \
        }                                                                                          \
        return MML_OK;                                                                             \
    }

// Checks a two-input, one-output op (inputs 0 and 1 of the same dtype as output 0, shapes that
// broadcast to the output's) and fills bc. Sets p->inplace when input 0 has the output's shape.
// mml__ew_binary_any: the same without any dtype check (the caller's: comparisons, PRELU's int16
// input with int8 alpha) and without p->inplace.
MML__PREPARE mml_status_t mml__ew_binary(mml_prep_t *p, int32_t max_version, mml__tensor_t *a,
    mml__tensor_t *b, mml__tensor_t *out, mml__bcast_t *bc);
MML__PREPARE mml_status_t mml__ew_binary_any(mml_prep_t *p, int32_t max_version, mml__tensor_t *a,
    mml__tensor_t *b, mml__tensor_t *out, mml__bcast_t *bc);

// Checks a one-input, one-output op with as many output as input elements.
MML__PREPARE mml_status_t mml__ew_unary(mml_prep_t *p, int32_t max_version, mml__tensor_t *in,
    mml__tensor_t *out);

// mml__ew_unary for an op whose output has the input's dtype; sets io->n.
MML__PREPARE mml_status_t mml__ew_unary_same(mml_prep_t *p, int32_t max_version, mml__tensor_t *in,
    mml__tensor_t *out, mml__ew_unary_t *io);

// The whole prepare of a float32-only unary op (TFLite Micro's EXP, LOG, SQRT ...): checks, eval,
// store.
MML__PREPARE mml_status_t mml__ew_unary_f32_prepare(mml_prep_t *p, int32_t max_version,
    mml__eval_fn eval);

// The last step of a binary op's prepare: in FILL mode, copies the record r (bytes long, starting
// with an mml__ew_binary_t) to persistent memory and sets the locations of a, b and out in it.
MML__PREPARE mml_status_t mml__ew_binary_store(mml_prep_t *p, const void *r, uint32_t bytes,
    const mml__tensor_t *a, const mml__tensor_t *b, const mml__tensor_t *out);

// The last step of a unary op's prepare: lets the output overwrite the input (p->inplace) and, in
// FILL mode, copies the record r (bytes long, starting with an mml__ew_unary_t) to persistent
// memory with the locations of in and out.
MML__PREPARE mml_status_t mml__ew_unary_store(mml_prep_t *p, const void *r, uint32_t bytes,
    const mml__tensor_t *in, const mml__tensor_t *out);

// The int8/int16 quantization of a binary arithmetic op (mml__ew_quant on a, b and out, in that
// order): scales s1, s2, so, and the zero-point offsets in q.
MML__PREPARE mml_status_t mml__ew_arith_quant(mml_prep_t *p, const mml__tensor_t *a,
    const mml__tensor_t *b, const mml__tensor_t *out, float *s1, float *s2, float *so,
    mml__ew_arith_t *q);

// The unquantized dtypes of SUB, MUL and DIV (name): int32 (quantization rejected, integer clamp
// bounds of act) with eval_s32, float32 with eval_f32; fails for any other dtype.
MML__PREPARE mml_status_t mml__ew_arith_plain(mml_prep_t *p, const char *name, int32_t act,
    const mml__tensor_t *a, const mml__tensor_t *b, const mml__tensor_t *out, mml__ew_arith_t *q,
    mml__eval_fn eval_s32, mml__eval_fn eval_f32);

// The evals of an op that works on raw values of each dtype it supports (NULL: unsupported).
typedef struct {
    mml__eval_fn s8, u8, s16, s32, f32;
} mml__ew_evals_t;

// The whole prepare of a binary op on raw values (MAXIMUM, MINIMUM): mml__ew_binary, the eval
// for out's dtype, then mml__ew_binary_store of a bare mml__ew_binary_t record.
MML__PREPARE mml_status_t mml__ew_binary_raw_prepare(mml_prep_t *p, int32_t max_version,
    const mml__ew_evals_t *evals);

// The shape check of an op working row by row along the last dimension, its output of the
// input's shape (L2_NORMALIZATION, LOG_SOFTMAX): rank >= 1, equal dimensions, a last dimension
// of depth >= 1 elements; rows = elements / depth.
MML__PREPARE mml_status_t mml__ew_rows(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *out, uint32_t *depth, uint32_t *rows);

// Fails with "dtype <name> unsupported".
MML__PREPARE mml_status_t mml__ew_fail_dtype(mml_prep_t *p, uint8_t dtype);

// Per-tensor quantization of t: exactly one scale, finite and > 0 (and < 2^32), and a zero
// point inside t's integer range. Fails with MML_ERR_INVALID_MODEL otherwise.
MML__PREPARE mml_status_t mml__ew_quant(mml_prep_t *p, const mml__tensor_t *t, float *scale,
    int32_t *zp);

// Fails unless a multiplier's shift is in [lo, hi] (keeps every shift in eval defined).
MML__PREPARE mml_status_t mml__ew_check_shift(mml_prep_t *p, int32_t shift, int32_t lo, int32_t hi);

// TFLite QuantizeMultiplierSmallerThanOneExp: m in (0, 1) -> (q, shift <= 0); fails otherwise
// (where TFLite aborts).
MML__PREPARE mml_status_t mml__ew_multiplier_lt1(mml_prep_t *p, double m, int32_t *q,
    int32_t *shift);

// TFLite QuantizeMultiplier, failing unless the shift lands in [lo, hi].
MML__PREPARE mml_status_t mml__ew_multiplier(mml_prep_t *p, double m, int32_t *q, int32_t *shift,
    int32_t lo, int32_t hi);

// TFLite CheckedLog2: *log2 = round(log2(x)); returns 1 if x is within 1e-3 (in log2) of 2^*log2.
int mml__ew_checked_log2(float x, int32_t *log2);

// TFLite's int16 LOGISTIC / TANH rescale of the input (Q3.12 domain of the shared table):
// (multiplier, left_shift) with multiplier 0 for a power-of-two input scale whose left shift is
// at most max_pot_shift. Fails unless both zero points are 0 and the output scale is 2^-15.
MML__PREPARE mml_status_t mml__ew_lut16_params(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *out, int32_t max_pot_shift, int32_t *mult, int32_t *left_shift);

// The input rescale of LOGISTIC and TANH. int8: x - in_zp to Q4.27 (mult, left_shift >= 0),
// saturating beyond the radius; int16: to the Q3.12 domain of the shared table.
typedef struct {
    int32_t in_zp, radius, mult, left_shift;
} mml__ew_q4_t;

// TFLite's int8 LOGISTIC / TANH prepare: checks the quantization of in and out (*out_zp: the
// output's zero point) and fills q: in's scale * 2^27 as frexp mantissa (rounded to Q31, not
// renormalized) and exponent, and the input radius beyond which outputs saturate.
MML__PREPARE mml_status_t mml__ew_q4_params(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *out, int32_t *out_zp, mml__ew_q4_t *q);

// The int8 LOGISTIC / TANH input stage: -1 or 1 if x is beyond the radius below or above the
// zero point (the output saturates), else 0 with *q4 the input in Q4.27.
static inline int mml__ew_q4_input(const mml__ew_q4_t *q, int32_t x, int32_t *q4) {
    int32_t v = x - q->in_zp;
    if (v <= -q->radius) {
        return -1;
    }
    if (v >= q->radius) {
        return 1;
    }
    *q4 = mml__mul_by_qm(v, q->mult, q->left_shift);
    return 0;
}

// Clamp bounds of fused activation act, failing for an unsupported one. _q: on an int8 or int16
// output of scale and zero point zp (TFLite CalculateActivationRangeQuantized); _i32: on int32
// (TFLite CalculateActivationRange<int32_t>); _f: on float32.
MML__PREPARE mml_status_t mml__ew_act_range_q(mml_prep_t *p, int32_t act, uint8_t dtype,
    float scale, int32_t zp, int32_t *lo, int32_t *hi);
MML__PREPARE mml_status_t mml__ew_act_range_i32(mml_prep_t *p, int32_t act, int32_t *lo,
    int32_t *hi);
MML__PREPARE mml_status_t mml__ew_act_range_f(mml_prep_t *p, int32_t act, float *lo, float *hi);

// TFLite GetInvSqrtQuantizedMultiplierExp(x, reverse_shift -1): 1 / sqrt(x) for x >= 0 as a
// multiplier (q, shift <= 0) for mml__mul_by_qm; x = 0 and 1 give (INT32_MAX, 0). Integer only.
void mml__ew_inv_sqrt(int32_t x, int32_t *q, int32_t *shift);

// TFLite Micro's PopulateLookupTable for an int8 op computed by fn in float: for every input value
// v, round(fn(in_scale * (v - in_zp)) / out_scale) + out_zp saturated to int8, at table[v + 128].
// Checks the quantization of in and out (prepare time only; fn may use core/mathf.h).
MML__PREPARE mml_status_t mml__ew_lut_s8(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *out, float (*fn)(float), int8_t *table);

// The range of an int8 or int16 dtype.
static inline void mml__ew_qrange(uint8_t dtype, int32_t *lo, int32_t *hi) {
    *lo = dtype == MML_INT8 ? -128 : -32768;
    *hi = dtype == MML_INT8 ? 127 : 32767;
}

// The record of ADD and SUB: both inputs rescaled to a common scale (left shift 20 for int8, 15
// for int16), summed or subtracted, then rescaled to the output's.
typedef struct {
    mml__ew_binary_t io;
    mml__ew_arith_t q;
    int32_t left_shift;
    int32_t in1_mult, in1_shift, in2_mult, in2_shift, out_mult, out_shift; // shifts <= 0
} mml__ew_addsub_t;

// TFLite's ADD / SUB rescale of one int8/int16 input to the common scale: (x + offset) shifted
// left by left_shift, then times the multiplier (mult, shift <= 0).
static inline int32_t mml__ew_addsub_input(int32_t x, int32_t offset, int32_t left_shift,
    int32_t mult, int32_t shift) {
    int32_t v = (int32_t)((uint32_t)(x + offset) << left_shift);
    return mml__rdbpot(mml__srdhm(v, mult), -shift);
}

// Wrapping int32 arithmetic (as TFLite's kernels behave on overflow, without undefined behavior).
static inline int32_t mml__wrap_add(int32_t a, int32_t b) {
    return (int32_t)((uint32_t)a + (uint32_t)b);
}
static inline int32_t mml__wrap_sub(int32_t a, int32_t b) {
    return (int32_t)((uint32_t)a - (uint32_t)b);
}
static inline int32_t mml__wrap_mul(int32_t a, int32_t b) {
    return (int32_t)((uint32_t)a * (uint32_t)b);
}

static inline int32_t mml__clamp_i32(int32_t x, int32_t lo, int32_t hi) {
    return x < lo ? lo : x > hi ? hi : x;
}

static inline float mml__clamp_f32(float x, float lo, float hi) {
    return x < lo ? lo : x > hi ? hi : x;
}

// ADD / SUB: the rescaled sum or difference of both inputs to the output's scale, offset and
// clamped (TFLite's AddElementwise / SubElementwise after the input stage).
static inline int32_t mml__ew_addsub_output(const mml__ew_addsub_t *d, int32_t raw) {
    int32_t r = mml__rdbpot(mml__srdhm(raw, d->out_mult), -d->out_shift);
    return mml__clamp_i32(mml__wrap_add(r, d->q.out_offset), d->q.act_min, d->q.act_max);
}

#endif // MICROML_NN_KERNELS_ELEMENTWISE_H
