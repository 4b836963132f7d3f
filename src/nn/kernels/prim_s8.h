// SPDX-License-Identifier: MIT
// Portable micro-kernels shared by the int8 kernel variants: the requantization of one int32
// sum: the fast form of core/quant.h's mml__mul_by_qm, and of mml__conv_out_s8 on top of it;
// inline forms of quant.h's int16 sigmoid and tanh (the LSTM's gates).
#ifndef MICROML_NN_KERNELS_PRIM_S8_H
#define MICROML_NN_KERNELS_PRIM_S8_H

#include <stdint.h>
#include "core/quant.h"
#include "nn/kernels/mml_arch.h"

// mml__mul_by_qm(acc, mult, shift) (core/quant.h's double rounding) with fewer instructions,
// bit for bit the same for every acc as long as mult is not INT32_MIN (TFLite's multipliers are
// 0 or in [2^30, 2^31)):
//  - SaturatingRoundingDoublingHighMul(a, q) = (a*q + 2^30) >> 31 with an arithmetic shift:
//    for a*q >= 0 that is TFLite's (a*q + 2^30) / 2^31; for a*q < 0 TFLite's
//    (a*q + 1 - 2^30) / 2^31 truncates toward zero, which is floor((a*q + 2^30) / 2^31).
//    Only a = q = INT32_MIN saturates, excluded above; |a*q| < 2^62 so the result fits.
//  - RoundingDivideByPOT as core/quant.h (half away from zero).
// Shifts of -2 and below (almost every real layer) take one rounding instead of two, the same
// result: with a = acc, r = -shift >= 1 and s = [a < 0],
//   RoundingDivideByPOT(x, r) = floor((x + 2^(r-1) - [x < 0]) / 2^r)   (remainder > threshold)
// and x = floor((a*q + 2^30) / 2^31) < 0 only if a < 0; where a < 0 but x = 0 the s-term still
// gives 0 (a*q >= -2^30 there), so [x < 0] may be replaced by s. Nested floors of integer
// quotients merge:
//   result = floor((a*q + 2^30 - s*2^31 + 2^(30+r)) / 2^(31+r))
// and for r >= 2, 2^(30+r) is 2^(r-2) in the high word:
//   result = (hi(a*q + 2^30 - s*2^31) + 2^(r-2)) >> (r-1)     (hi in (-2^30, 2^30): no overflow)
// Other shifts: left = max(shift, 0), right = max(-shift, 0), the two roundings branch-free.
// The high word of the 64-bit a * m + c. ARMv6-M has no 32x32->64 multiply (GCC calls libgcc's
// __aeabi_lmul): there, and in the scalar variants' host build (MML_ARCH_SCALAR_EMULATE, so that
// the host tests run it), from four 16x16 products, each exact in 32 bits: with a = ah*2^16 + al,
// m = mh*2^16 + ml (ah, mh signed, al, ml in [0, 2^16)), |ah*ml| and |al*mh| < 2^31, and
//   a*m + c = (ah*mh + hi(ah*ml) + hi(al*mh) + hi(c)) * 2^32 + (the 16-bit pieces below, with
//   their carries out of bit 31)
// where hi(x) = x >> 16 for the middle products (times 2^16), x >> 32 for c.
static inline int32_t mml__mul_hi(int32_t a, int32_t m, int32_t c) {
#if MML_ISA_ARM_V6M || (defined(MML_ARCH_SCALAR_EMULATE) && MML_ARCH_SCALAR_EMULATE)
    const int32_t ah = a >> 16, mh = m >> 16;
    const uint32_t al = (uint32_t)a & 0xFFFFu, ml = (uint32_t)m & 0xFFFFu, cl = (uint32_t)c;
    const uint32_t lo = al * ml;
    const int32_t m1 = ah * (int32_t)ml, m2 = (int32_t)al * mh;
    const uint32_t low16 = ((lo & 0xFFFFu) + (cl & 0xFFFFu)) >> 16;
    const uint32_t carry = (low16 + (lo >> 16) + (cl >> 16) + ((uint32_t)m1 & 0xFFFFu) +
                               ((uint32_t)m2 & 0xFFFFu)) >> 16;
    return (int32_t)((uint32_t)(ah * mh) + (uint32_t)(m1 >> 16) + (uint32_t)(m2 >> 16) +
        (uint32_t)(c >> 31) + carry);
#else
    return (int32_t)(((int64_t)a * m + c) >> 32);
#endif
}

static inline int32_t mml__requant_i32(uint32_t acc, int32_t mult, int32_t shift) {
    if (__builtin_expect(shift <= -2, 1)) { // GCC and Clang, the compilers of every face
        const int32_t a = (int32_t)acc;
        const int32_t c = (int32_t)(0x40000000u | ((uint32_t)(a >> 31) << 31)); // 2^30 - s*2^31
        const int32_t hi = mml__mul_hi(a, mult, c);
        return (hi + (1 << (-shift - 2))) >> (-shift - 1);
    }
    const uint32_t left = (uint32_t)(shift & ~(shift >> 31)), right = left - (uint32_t)shift;
    int32_t x;
#if MML_ISA_ARM_DSP
    // SMULL, then the 64-bit add of 2^30 and the shift by 31 on the register pair.
    uint32_t lo, hi;
    __asm__("smull %[lo], %[hi], %[a], %[m]\n"
            "adds %[lo], %[lo], #0x40000000\n"
            "adc %[hi], %[hi], #0\n"
            "lsrs %[lo], %[lo], #31\n"
            "orr %[x], %[lo], %[hi], lsl #1\n"
            : [lo] "=&r"(lo), [hi] "=&r"(hi), [x] "=r"(x)
            : [a] "r"(acc << left), [m] "r"(mult)
            : "cc");
#else
    const int64_t ab = (int64_t)(int32_t)(acc << left) * mult + ((int64_t)1 << 30);
    x = (int32_t)(ab >> 31); // arithmetic (GCC, Clang): floor division
#endif
    const int32_t mask = (int32_t)((1u << right) - 1u);
    const int32_t rem = x & mask, threshold = (mask >> 1) + (int32_t)((uint32_t)x >> 31);
    return (x >> right) + (rem > threshold);
}

// mml__conv_out_s8 on mml__requant_i32: plus offset (wrapping at 32 bits), clamped to [lo, hi].
static inline int8_t mml__requant_s8(uint32_t acc, int32_t mult, int32_t shift, int32_t offset,
    int32_t lo, int32_t hi) {
    int32_t x = (int32_t)((uint32_t)mml__requant_i32(acc, mult, shift) + (uint32_t)offset);
    x = x < lo ? lo : x;
    return (int8_t)(x > hi ? hi : x);
}

// A multiplier (mult, shift) prepared once for mml__requant_i32p, the same result as
// mml__mul_by_qm (mult not INT32_MIN) with the same instructions for every shift, for loops that
// apply a few multipliers with any shifts (the LSTM's gate FCs: shifts of -3 to +4).
// shift <= -1 (r = -shift): mml__requant_i32's merged rounding holds for every r >= 1:
//   result = floor((a*q + 2^30 - s*2^31 + 2^(30+r)) / 2^(31+r)),  s = [a < 0]
// so with k = 2^30 + 2^(30+r) (64-bit) it is ((a*q + k - s*2^31) >> 32) >> (r - 1).
// shift >= 0: ((a << shift) * q + 2^30) >> 31 (mml__requant_i32's first step, no rounding shift).
typedef struct {
    int64_t k;     // shift < 0: 2^30 + 2^(30 - shift)
    int32_t mult;  // q
    int32_t left;  // shift >= 0: shift; else -1
    int32_t right; // shift < 0: -shift - 1
} mml__qm_prep_t;

static inline mml__qm_prep_t mml__qm_prep(int32_t mult, int32_t shift) {
    mml__qm_prep_t q;
    q.mult = mult;
    q.left = shift >= 0 ? shift : -1;
    q.right = shift < 0 ? -shift - 1 : 0;
    q.k = shift < 0 ? ((int64_t)1 << 30) + ((int64_t)1 << (30 - shift)) : 0;
    return q;
}

static inline int32_t mml__requant_i32p(uint32_t acc, const mml__qm_prep_t *q) {
    if (q->left >= 0) {
        const int32_t a = (int32_t)(acc << q->left);
        return (int32_t)(((int64_t)a * q->mult + (1 << 30)) >> 31); // arithmetic (GCC, Clang)
    }
    const int64_t k = q->k - (int64_t)((acc >> 31) << 31); // - s * 2^31
    return (int32_t)(((int64_t)(int32_t)acc * q->mult + k) >> 32) >> q->right;
}

// mml__logistic_s16(x, 0, 0) (a Q3.12 int16 x, TFLite's power-of-two case) with quant.h's table
// t = mml__sigmoid_table_u16(): the same steps without the general input rescaling. v = 3x has
// |v| <= 3 * 2^15 < 255 * 2^9, so the table's saturated end is never reached.
static inline int16_t mml__logistic_q312_s16(int32_t x, const uint16_t *t) {
    const int32_t v = 3 * x;
    const uint32_t a = (uint32_t)(v < 0 ? -v : v);
    const uint32_t i = a >> 9, lo = t[i];
    uint32_t r = (lo << 9) + (a & 0x1FFu) * (t[i + 1] - lo);
    r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
    return (int16_t)(r >> 10);
}

// mml__tanh_s16 after its input rescaling: v = (x * multiplier + round) >> left_shift as quant.h
// says, |v| < 2^31 (the caller computes it in int32 where that cannot overflow).
static inline int16_t mml__tanh_lut_s16(int32_t v, const uint16_t *t) {
    const uint32_t a = (uint32_t)(v < 0 ? -v : v);
    const uint32_t i = a >> 8;
    int32_t r = 0xFFFF << 8;
    if (i < 255) {
        const uint32_t lo = t[i];
        r = (int32_t)((lo << 8) + (a & 0xFFu) * (t[i + 1] - lo));
    }
    r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return (int16_t)(r >> 8); // arithmetic shift, as TFLite
}

#endif // MICROML_NN_KERNELS_PRIM_S8_H
