// SPDX-License-Identifier: MIT
// Quantization arithmetic, bit-exact with TFLite's reference kernels. The one home of this math.
//
// A real multiplier M > 0 is stored as a 32-bit fixed-point mantissa q in [2^30, 2^31) (Q0.31)
// and an exponent shift, M = q * 2^(shift - 31). Applying it to an int32 accumulator x is
//   SaturatingRoundingDoublingHighMul(x * 2^max(shift,0), q)  -- (x*q + 2^30) >> 31, rounding
//                                                                 half away from zero, saturating
//   then RoundingDivideByPOT(., max(-shift,0))                 -- arithmetic shift right,
//                                                                 rounding half away from zero
// which is gemmlowp's "double rounding" as used by TFLite Micro's reference kernels.
#ifndef MICROML_CORE_QUANT_H
#define MICROML_CORE_QUANT_H

#include <stdint.h>

// TFLite's ActivationFunctionType values (fused activations).
enum {
    MML_ACT_NONE = 0,
    MML_ACT_RELU = 1,
    MML_ACT_RELU_N1_TO_1 = 2,
    MML_ACT_RELU6 = 3,
    MML_ACT_TANH = 4,
    MML_ACT_SIGN_BIT = 5
};

// TFLite QuantizeMultiplier: M (double) -> (q, shift), shift in [-31, 31]; q has M's sign.
// M == 0 gives q = 0, shift = 0; NaN counts as 0, |M| > 2^30 as 2^30.
void mml__quantize_multiplier(double m, int32_t *q, int32_t *shift);

// gemmlowp SaturatingRoundingDoublingHighMul: round(a*b / 2^31), saturating INT32_MIN*INT32_MIN.
static inline int32_t mml__srdhm(int32_t a, int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    int64_t ab = (int64_t)a * (int64_t)b;
    int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

// gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero (0 <= exponent <= 31).
static inline int32_t mml__rdbpot(int32_t x, int32_t exponent) {
    int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// TFLite MultiplyByQuantizedMultiplier(int32 x, q, shift).
static inline int32_t mml__mul_by_qm(int32_t x, int32_t q, int32_t shift) {
    int32_t left = shift > 0 ? shift : 0;
    int32_t right = shift > 0 ? 0 : -shift;
    return mml__rdbpot(mml__srdhm((int32_t)((uint32_t)x << left), q), right);
}

// TFLite MultiplyByQuantizedMultiplier(int64 x, q, shift) used by int16 kernels:
// q rounded to 16 bits, one rounding shift (half up). x in [-2^47, 2^47), shift in [-31, 14]
// (TFLite asserts shift < 8); the int32 result is truncated like TFLite's static_cast.
static inline int32_t mml__mul_by_qm64(int64_t x, int32_t q, int32_t shift) {
    int32_t reduced = q < 0x7FFF0000 ? ((q + (1 << 15)) >> 16) : 0x7FFF;
    int32_t total_shift = 15 - shift;
    // Unsigned product and sum: the same bits where TFLite's int64 arithmetic is defined, and
    // wrapping (instead of undefined) for an out-of-range x from a corrupted model.
    uint64_t v = (uint64_t)x * (uint64_t)(int64_t)reduced + ((uint64_t)1 << (total_shift - 1));
    return (int32_t)((int64_t)v >> total_shift);
}

// TFLite CalculateActivationRangeQuantized for an output with scale/zero point and dtype range
// [qmin, qmax]: fused activation (MML_ACT_*) -> clamp bounds. Returns 0 for unsupported act.
int mml__activation_range_q(int32_t act, float scale, int32_t zero_point, int32_t qmin,
    int32_t qmax, int32_t *lo, int32_t *hi);
// The float version: bounds for float kernels.
int mml__activation_range_f(int32_t act, float *lo, float *hi);

// (int32_t)round(x), saturating at the int32 range; NaN gives 0 (no undefined conversion).
int32_t mml__round_to_i32(float x);
// std::round for float and double (half away from zero), without libm.
float mml__roundf(float x);
double mml__round(double x);

// The run-time input quantization of TFLite's hybrid (dynamic-range) kernels, over n floats x
// (one batch): int8 q, and the factor and offset with x ~ factor * (q - offset).
//  - symmetric (SymmetricQuantizeFloats): range = max |x|; factor = range / 127,
//    q = round(x * (127 / range)) in [-127, 127], offset 0;
//  - asymmetric (AsymmetricQuantizeFloats): [min(0, min x), max(0, max x)] mapped onto
//    [-128, 127] in double, zero point nudged to an integer (offset), factor = that scale as
//    float, q = round(offset + x * (1 / factor)) in [-128, 127].
// All-zero input (range 0): q = 0, factor 1, offset 0. Rounding half away from zero, in float
// where TFLite computes in float. NaN inputs give some q, never undefined behaviour.
void mml__hybrid_quantize(const float *x, uint32_t n, int symmetric, int8_t *q, float *factor,
    int32_t *offset);
// std::frexp for double: x = m * 2^e, m in [0.5, 1) (or 0).
double mml__frexp(double x, int32_t *e);

// TFLite's int16 sigmoid and tanh (reference_integer_ops::Logistic / Tanh, int16 versions), one
// element. Both interpolate linearly in TFLite's 256-entry table of sigmoid(i/24) in Q0.16,
// using tanh(x) = 2*sigmoid(2x) - 1. The input is first rescaled to v = (x * multiplier + r) >>
// left_shift (r = 2^(left_shift-1), or 0), where multiplier == 0 is the power-of-two case:
// multiplier = 3 << left_shift, left_shift = 0 (the 3 maps the Q3.12 range [-8, 8] onto the
// table's [-10.7, 10.7]). sigmoid: Q3.12 in (with multiplier 0, left_shift 0) -> Q0.15 in
// [0, 32767]; tanh: Q3.12 in -> Q0.15 in [-32767, 32767]. The caller keeps |x * multiplier|
// below 2^31 and left_shift in [0, 30].
int16_t mml__logistic_s16(int16_t x, int32_t multiplier, int32_t left_shift);
int16_t mml__tanh_s16(int16_t x, int32_t multiplier, int32_t left_shift);
// Their table: 256 entries of sigmoid(i / 24) in Q0.16 (for the kernel variants' inline copies
// of the two functions, nn/kernels/prim_s8.h).
const uint16_t *mml__sigmoid_table_u16(void);

// gemmlowp fixed point (int32 raw values; "Qm" = m integer bits, 31 - m fraction bits), as used
// by TFLite's softmax, logistic, tanh and quantized div. Rounding as gemmlowp: products through
// mml__srdhm, right shifts through mml__rdbpot, left shifts saturating.
// x * 2^exponent, saturating for exponent > 0, rounding (mml__rdbpot) for exponent < 0.
int32_t mml__fp_mul_pot(int32_t x, int32_t exponent);
// exp(a) for a <= 0 given in Q(int_bits) (0 <= int_bits <= 30); result in Q0 (1.0 saturates to
// INT32_MAX). gemmlowp exp_on_negative_values.
int32_t mml__fp_exp_neg(int32_t a, int32_t int_bits);
// 1 / (1 + a) for a in [0, 1) in Q0; result in Q0. gemmlowp one_over_one_plus_x_for_x_in_0_1.
int32_t mml__fp_one_over_one_plus_x(int32_t a);
// logistic(a) and tanh(a) for a in Q(int_bits); results in Q0. gemmlowp logistic / tanh.
int32_t mml__fp_logistic(int32_t a, int32_t int_bits);
int32_t mml__fp_tanh(int32_t a, int32_t int_bits);
// TFLite GetReciprocal: x > 0 in Q(x_int_bits) -> 1/x as a Q0 mantissa in [0.5, 1) and the
// number of bits the result must be shifted right (*bits_over_unit).
int32_t mml__fp_reciprocal(int32_t x, int32_t x_int_bits, int32_t *bits_over_unit);
// Count of leading zero bits (32 for 0) and TFLite CountLeadingSignBits (31 for 0 and -1).
int32_t mml__clz32(uint32_t x);
int32_t mml__clrsb32(int32_t x);
// TFLite PreprocessSoftmaxScaling: beta * input_scale * 2^(31 - int_bits), capped at 2^31 - 1,
// as a multiplier > 1 (q, left_shift). Returns 0 if that product is not > 1 (TFLite aborts).
int mml__softmax_scaling(double beta, double input_scale, int32_t int_bits, int32_t *q,
    int32_t *left_shift);
// TFLite CalculateInputRadius(int_bits, left_shift, 31): floor((2^int_bits - 1) *
// 2^(31 - int_bits) / 2^left_shift), for left_shift >= 0 (0 when it underflows).
int32_t mml__input_radius(int32_t int_bits, int32_t left_shift);

#endif // MICROML_CORE_QUANT_H
