// SPDX-License-Identifier: MIT
// Portable micro-kernels shared by the int8 kernel variants: the requantization of one int32
// sum: the fast form of core/quant.h's mml__mul_by_qm, and of mml__conv_out_s8 on top of it.
#ifndef MICROML_NN_KERNELS_PRIM_S8_H
#define MICROML_NN_KERNELS_PRIM_S8_H

#include <stdint.h>
#include "nn/kernels/mml_arch.h"

// mml__mul_by_qm(acc, mult, shift) (core/quant.h's double rounding) with fewer instructions,
// bit for bit the same for every acc as long as mult is not INT32_MIN (TFLite's multipliers are
// 0 or in [2^30, 2^31)):
//  - SaturatingRoundingDoublingHighMul(a, q) = (a*q + 2^30) >> 31 with an arithmetic shift:
//    for a*q >= 0 that is TFLite's (a*q + 2^30) / 2^31; for a*q < 0 TFLite's
//    (a*q + 1 - 2^30) / 2^31 truncates toward zero, which is floor((a*q + 2^30) / 2^31).
//    Only a = q = INT32_MIN saturates, excluded above; |a*q| < 2^62 so the result fits.
//  - RoundingDivideByPOT as core/quant.h (half away from zero).
// Branch-free: left = max(shift, 0), right = max(-shift, 0); right 0 rounds nothing (mask 0).
static inline int32_t mml__requant_i32(uint32_t acc, int32_t mult, int32_t shift) {
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
    const int32_t x = (int32_t)((uint32_t)mml__requant_i32(acc, mult, shift) + (uint32_t)offset);
    return (int8_t)(x < lo ? lo : x > hi ? hi : x);
}

#endif // MICROML_NN_KERNELS_PRIM_S8_H
