// SPDX-License-Identifier: MIT
// Table-driven int8 requantization of the Cortex-M DSP variants: per output channel a multiplier
// and one high-word addend that carries both the rounding and the output offset, so that an
// output costs SMLAL, ASR, SSAT (about 10 instructions with its loads and store, against about 24
// for mml__requant_s8 + offset + clamp). Bit for bit mml__requant_s8 on the channels it accepts.
#ifndef MICROML_NN_KERNELS_PRIM_RQ_ARM_H
#define MICROML_NN_KERNELS_PRIM_RQ_ARM_H

#include <stdint.h>
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_arm.h"

#if MML_ARCH_ARM_DSP

// One channel: mult (Q0.31, >= 0) and add = 2^(r-2) + output_offset * 2^(r-1), r = -shift.
// With a = acc, s = [a < 0] and prim_s8.h's one-rounding form of the requantization,
//   requant(a) + offset = floor((a*mult + 2^30 - s*2^31 + add*2^32) / 2^(31+r))
//                       = hi(a*mult + 2^30 - s*2^31 + add*2^32) >> (r-1)
// (nested floors merge; the offset moves inside as offset * 2^(31+r)). The 64-bit addend is
// lo = 2^30 | s*2^31, hi = add - s, so one SMLAL gives the high word. Its range: |hi(a*mult)| <
// 2^30, 2^(r-2) + 2^7 * 2^(r-1) < 2^30 for r <= 23, so the sum stays in int32 and needs no
// wrapping: the reference adds the offset after the requantization without overflow either.
typedef struct {
    int32_t mult, add;
} mml__rq_t;

// Scratch bytes of a table of n channels (4-aligned): n records, then n shift counts r - 1.
static inline uint32_t mml__rq_bytes(uint32_t n) {
    return 8u * n + ((n + 3u) & ~3u);
}

// Fills the table of q's first n channels at scratch (mml__rq_bytes(n) bytes, 4-aligned): rq[c]
// and the shift counts *sh_out[c] = r - 1. Returns 1 if every channel suits the table (shift in
// [-23, -2], mult >= 0) and the output offset is an int8 zero point, else 0: the caller then
// takes mml__requant_s8 for the whole call.
static inline int mml__rq_build(const mml__quant_s8_t *q, uint32_t n, void *scratch,
    mml__rq_t **rq_out, uint8_t **sh_out) {
    mml__rq_t *rq = (mml__rq_t *)scratch;
    uint8_t *sh = (uint8_t *)(rq + n);
    *rq_out = rq;
    *sh_out = sh;
    if (q->output_offset < -128 || q->output_offset > 127) {
        return 0;
    }
    for (uint32_t c = 0; c < n; c++) {
        const int32_t r = -(int32_t)q->shift[c];
        if (r < 2 || r > 23 || q->mult[c] < 0) {
            return 0;
        }
        rq[c].mult = q->mult[c];
        rq[c].add = (int32_t)((1u << (r - 2)) + (uint32_t)q->output_offset * (1u << (r - 1)));
        sh[c] = (uint8_t)(r - 1);
    }
    return 1;
}

// requant(acc) + offset for a channel of the table, not yet clamped.
static inline int32_t mml__rq_i32(uint32_t acc, const mml__rq_t *rq, uint32_t sh) {
#if MML_ISA_ARM_DSP
    int32_t lo, hi;
    __asm__("and %[lo], %[a], #0x80000000\n"
            "orr %[lo], %[lo], #0x40000000\n"
            "add %[hi], %[add], %[a], asr #31\n"
            "smlal %[lo], %[hi], %[a], %[m]\n"
            : [lo] "=&r"(lo), [hi] "=&r"(hi)
            : [a] "r"(acc), [m] "r"(rq->mult), [add] "r"(rq->add));
    return hi >> sh;
#else
    const int32_t a = (int32_t)acc;
    const int64_t s = a < 0;
    const int64_t sum = (int64_t)a * rq->mult + ((int64_t)1 << 30) - s * ((int64_t)1 << 31) +
        (int64_t)rq->add * ((int64_t)1 << 32);
    return (int32_t)(sum >> 32) >> sh; // arithmetic shifts (GCC, Clang): floor division
#endif
}

// The output: requantized, offset, clamped to [lo, hi] (lo >= -128, hi <= 127; full: both the
// int8 limits, which SSAT alone gives).
static inline int8_t mml__rq_s8(uint32_t acc, const mml__rq_t *rq, uint32_t sh, int full,
    int32_t lo, int32_t hi) {
    int32_t x = mml__ssat8(mml__rq_i32(acc, rq, sh));
    if (!full) {
        x = x < lo ? lo : x;
        x = x > hi ? hi : x;
    }
    return (int8_t)x;
}

#endif // MML_ARCH_ARM_DSP
#endif // MICROML_NN_KERNELS_PRIM_RQ_ARM_H
