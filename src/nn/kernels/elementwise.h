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
    uint32_t n;              // output elements
    uint32_t rank;           // dimensions used in dims/s1/s2, 1..MML_MAX_DIMS
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

// Advances to the next output element (row-major order).
static inline void mml__bcast_next(const mml__bcast_t *b, mml__bcast_it_t *it) {
    for (uint32_t k = b->rank; k-- > 0;) {
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

// Checks a two-input, one-output op (inputs 0 and 1 of the same dtype as output 0, shapes that
// broadcast to the output's) and fills bc. Sets p->inplace when input 0 has the output's shape.
mml_status_t mml__ew_binary(mml_prep_t *p, int32_t max_version, mml__tensor_t *a,
    mml__tensor_t *b, mml__tensor_t *out, mml__bcast_t *bc);

// Checks a one-input, one-output op with as many output as input elements.
mml_status_t mml__ew_unary(mml_prep_t *p, int32_t max_version, mml__tensor_t *in,
    mml__tensor_t *out);

// Per-tensor quantization of t: exactly one scale, finite and > 0 (and < 2^32), and a zero
// point inside t's integer range. Fails with MML_ERR_INVALID_MODEL otherwise.
mml_status_t mml__ew_quant(mml_prep_t *p, const mml__tensor_t *t, float *scale, int32_t *zp);

// Fails unless a multiplier's shift is in [lo, hi] (keeps every shift in eval defined).
mml_status_t mml__ew_check_shift(mml_prep_t *p, int32_t shift, int32_t lo, int32_t hi);

// TFLite QuantizeMultiplierSmallerThanOneExp: m in (0, 1) -> (q, shift <= 0); fails otherwise
// (where TFLite aborts).
mml_status_t mml__ew_multiplier_lt1(mml_prep_t *p, double m, int32_t *q, int32_t *shift);

// TFLite QuantizeMultiplier, failing unless the shift lands in [lo, hi].
mml_status_t mml__ew_multiplier(mml_prep_t *p, double m, int32_t *q, int32_t *shift, int32_t lo,
    int32_t hi);

// TFLite CheckedLog2: *log2 = round(log2(x)); returns 1 if x is within 1e-3 (in log2) of 2^*log2.
int mml__ew_checked_log2(float x, int32_t *log2);

// TFLite's int16 LOGISTIC / TANH rescale of the input (Q3.12 domain of the shared table):
// (multiplier, left_shift) with multiplier 0 for a power-of-two input scale whose left shift is
// at most max_pot_shift. Fails unless both zero points are 0 and the output scale is 2^-15.
mml_status_t mml__ew_lut16_params(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *out, int32_t max_pot_shift, int32_t *mult, int32_t *left_shift);

// TFLite's int8 LOGISTIC / TANH input rescale (defined in logistic.c): scale * 2^27 as a
// multiplier (frexp mantissa in Q31, exponent as left shift >= 0) and the input radius beyond
// which outputs saturate.
mml_status_t mml__ew_q4_params(mml_prep_t *p, float scale, int32_t *mult, int32_t *shift,
    int32_t *radius);

// TFLite CalculateActivationRange<int32_t>: fused activation -> integer clamp bounds (0: unknown).
int mml__ew_act_range_i32(int32_t act, int32_t *lo, int32_t *hi);

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

#endif // MICROML_NN_KERNELS_ELEMENTWISE_H
