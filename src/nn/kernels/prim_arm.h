// SPDX-License-Identifier: MIT
// Micro-kernels of the Cortex-M DSP variants (SMLAD, SXTB16, SXTAB16 through ACLE intrinsics),
// written once for conv, depthwise and fully connected: int8 -> int16 column expansion, the
// 2x2 and 2x1 int8 x int16 dot products, and the fast int8 requantization. With
// MML_ARM_DSP_EMULATE the intrinsics are portable C (for the host variant tests).
#ifndef MICROML_NN_KERNELS_PRIM_ARM_H
#define MICROML_NN_KERNELS_PRIM_ARM_H

#include <stdint.h>
#include <string.h>
#include "nn/kernels/mml_arch.h"

#if MML_ARCH_ARM_DSP

#if MML_ISA_ARM_DSP
#include <arm_acle.h>
#define mml__sxtb16(x) ((uint32_t)__sxtb16((int8x4_t)(x)))
#define mml__sxtab16(a, x) ((uint32_t)__sxtab16((int16x2_t)(a), (int8x4_t)(x)))
#define mml__smlad(a, b, acc) ((uint32_t)__smlad((int16x2_t)(a), (int16x2_t)(b), (int32_t)(acc)))
#define mml__smlabb(a, b, acc) ((uint32_t)__smlabb((int32_t)(a), (int32_t)(b), (int32_t)(acc)))
#define mml__smlatt(a, b, acc) ((uint32_t)__smlatt((int32_t)(a), (int32_t)(b), (int32_t)(acc)))
#define mml__smlabt(a, b, acc) ((uint32_t)__smlabt((int32_t)(a), (int32_t)(b), (int32_t)(acc)))
// x saturated to int16 / int8 (SSAT).
#define mml__ssat16(x) ((int32_t)__ssat((int32_t)(x), 16))
#define mml__ssat8(x) ((int32_t)__ssat((int32_t)(x), 8))
// SXTB16 and SXTAB16 of x rotated right by 8 in one instruction (GCC 12 does not fold the ROR).
static inline uint32_t mml__sxtb16_ror8(uint32_t x) {
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
static inline uint32_t mml__sxtab16_ror8(uint32_t a, uint32_t x) {
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
}
#else
// Portable stand-ins, lane for lane what the instructions compute; sums wrap (SMLAD's Q flag
// is never read).
static inline uint32_t mml__lane16(uint32_t x, int hi) {
    return hi ? x >> 16 : x & 0xFFFFu;
}
static inline int32_t mml__s16(uint32_t x) {
    return (int32_t)(x & 0xFFFFu) - (int32_t)((x & 0x8000u) << 1);
}
static inline uint32_t mml__sxtb16(uint32_t x) {
    uint32_t lo = (uint32_t)(int32_t)(int8_t)(x & 0xFFu) & 0xFFFFu;
    uint32_t hi = (uint32_t)(int32_t)(int8_t)((x >> 16) & 0xFFu) & 0xFFFFu;
    return lo | (hi << 16);
}
static inline uint32_t mml__sxtab16(uint32_t a, uint32_t x) {
    uint32_t e = mml__sxtb16(x);
    uint32_t lo = (mml__lane16(a, 0) + mml__lane16(e, 0)) & 0xFFFFu;
    uint32_t hi = (mml__lane16(a, 1) + mml__lane16(e, 1)) & 0xFFFFu;
    return lo | (hi << 16);
}
static inline uint32_t mml__smlad(uint32_t a, uint32_t b, uint32_t acc) {
    return acc + (uint32_t)(mml__s16(a) * mml__s16(b)) +
        (uint32_t)(mml__s16(a >> 16) * mml__s16(b >> 16));
}
static inline uint32_t mml__smlabb(uint32_t a, uint32_t b, uint32_t acc) {
    return acc + (uint32_t)(mml__s16(a) * mml__s16(b));
}
static inline uint32_t mml__smlatt(uint32_t a, uint32_t b, uint32_t acc) {
    return acc + (uint32_t)(mml__s16(a >> 16) * mml__s16(b >> 16));
}
static inline uint32_t mml__smlabt(uint32_t a, uint32_t b, uint32_t acc) {
    return acc + (uint32_t)(mml__s16(a) * mml__s16(b >> 16));
}
static inline int32_t mml__ssat16(int32_t x) {
    return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}
static inline int32_t mml__ssat8(int32_t x) {
    return x < -128 ? -128 : x > 127 ? 127 : x;
}
#endif

#if !MML_ISA_ARM_DSP
static inline uint32_t mml__sxtb16_ror8(uint32_t x) {
    return mml__sxtb16((x >> 8) | (x << 24));
}
static inline uint32_t mml__sxtab16_ror8(uint32_t a, uint32_t x) {
    return mml__sxtab16(a, (x >> 8) | (x << 24));
}
#endif

// 4 bytes from any address (an LDR: Cortex-M3/M4/M7 load words unaligned).
static inline uint32_t mml__ld32(const void *p) {
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

// Two consecutive words from a 4-aligned address (one LDRD, which needs only word alignment).
static inline void mml__ld2x32(const int16_t *p, uint32_t *a, uint32_t *b) {
#if MML_ISA_ARM_DSP
    uint64_t v;
    memcpy(&v, __builtin_assume_aligned(p, 8), sizeof(v));
    *a = (uint32_t)v;
    *b = (uint32_t)(v >> 32);
#else
    memcpy(a, p, 4);
    memcpy(b, p + 2, 4);
#endif
}

// n int8 values to int16 plus offset (wrapping at 16 bits; callers keep values in range), in
// the "reordered" layout the dot products read: each group of 4, x0 x1 x2 x3, becomes
// x0 x2 x1 x3 (SXTB16's lanes), the last n % 4 in order. Groups are step int16 apart (4: one
// column; 8: two columns interleaved group by group, the second at dst + 4).
static inline void mml__expand_q15r_step(const int8_t *src, int16_t *dst, int32_t n, int32_t offset,
    int32_t step) {
    const uint32_t off2 = ((uint32_t)offset & 0xFFFFu) * 0x00010001u;
    int32_t k = n >> 2;
    while (k-- > 0) {
        uint32_t x = mml__ld32(src);
        uint32_t even = mml__sxtab16(off2, x), odd = mml__sxtab16_ror8(off2, x);
        memcpy(dst, &even, 4);
        memcpy(dst + 2, &odd, 4);
        src += 4;
        dst += step;
    }
    for (k = 0; k < (n & 3); k++) {
        dst[k] = (int16_t)(src[k] + offset);
    }
}

static inline void mml__expand_q15r(const int8_t *src, int16_t *dst, int32_t n, int32_t offset) {
    mml__expand_q15r_step(src, dst, n, offset, 4);
}

// Dot products of two int8 rows (w0 and w0 + k: k bytes each) with two int16 columns cc
// (mml__expand_q15r_step's layout with step 8: both columns interleaved), added to
// acc[0] = w0.c0, acc[1] = w0.c1, acc[2] = w1.c0, acc[3] = w1.c1 (wrapping). Per 4 values:
// 2 + 4 loads, 4 SXTB16, 8 SMLAD.
static inline void mml__dot_2x2_s8_q15r(const int8_t *w0, int32_t k, const int16_t *cc,
    uint32_t acc[4]) {
    uint32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    const int8_t *end = w0 + (k & ~3);
#if MML_ISA_ARM_DSP
    // The loop as GCC 12 does not schedule it: 13 registers, no spills, 20 instructions per
    // 16 products (the C below takes 23-27).
    if (w0 != end) {
        uint32_t wa, wb, t1, t2, x;
        __asm__("1:\n"
                "ldr %[wb], [%[w], %[k]]\n"
                "ldr %[wa], [%[w]], #4\n"
                "sxtb16 %[t1], %[wa]\n"
                "sxtb16 %[wa], %[wa], ror #8\n"
                "sxtb16 %[t2], %[wb]\n"
                "sxtb16 %[wb], %[wb], ror #8\n"
                "ldr %[x], [%[c]], #4\n"
                "smlad %[a00], %[t1], %[x], %[a00]\n"
                "smlad %[a10], %[t2], %[x], %[a10]\n"
                "ldr %[x], [%[c]], #4\n"
                "smlad %[a00], %[wa], %[x], %[a00]\n"
                "smlad %[a10], %[wb], %[x], %[a10]\n"
                "ldr %[x], [%[c]], #4\n"
                "smlad %[a01], %[t1], %[x], %[a01]\n"
                "smlad %[a11], %[t2], %[x], %[a11]\n"
                "ldr %[x], [%[c]], #4\n"
                "smlad %[a01], %[wa], %[x], %[a01]\n"
                "smlad %[a11], %[wb], %[x], %[a11]\n"
                "cmp %[w], %[end]\n"
                "bne 1b\n"
                : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [w] "+r"(w0),
                [c] "+r"(cc), [wa] "=&r"(wa), [wb] "=&r"(wb), [t1] "=&r"(t1), [t2] "=&r"(t2),
                [x] "=&r"(x)
                : [k] "r"(k), [end] "r"(end)
                : "cc", "memory");
    }
#else
    while (w0 != end) {
        const uint32_t wa = mml__ld32(w0), wb = mml__ld32(w0 + k);
        uint32_t x02, x13, y02, y13;
        mml__ld2x32(cc, &x02, &x13);
        mml__ld2x32(cc + 4, &y02, &y13);
        const uint32_t wa02 = mml__sxtb16(wa), wa13 = mml__sxtb16_ror8(wa);
        a00 = mml__smlad(wa02, x02, a00);
        a00 = mml__smlad(wa13, x13, a00);
        a01 = mml__smlad(wa02, y02, a01);
        a01 = mml__smlad(wa13, y13, a01);
        const uint32_t wb02 = mml__sxtb16(wb), wb13 = mml__sxtb16_ror8(wb);
        a10 = mml__smlad(wb02, x02, a10);
        a10 = mml__smlad(wb13, x13, a10);
        a11 = mml__smlad(wb02, y02, a11);
        a11 = mml__smlad(wb13, y13, a11);
        w0 += 4;
        cc += 8;
    }
#endif
    for (int32_t n = 0; n < (k & 3); n++) {
        a00 += (uint32_t)(w0[n] * cc[n]);
        a01 += (uint32_t)(w0[n] * cc[4 + n]);
        a10 += (uint32_t)(w0[k + n] * cc[n]);
        a11 += (uint32_t)(w0[k + n] * cc[4 + n]);
    }
    acc[0] = a00;
    acc[1] = a01;
    acc[2] = a10;
    acc[3] = a11;
}

// Dot products of two int8 rows with one int16 column (layout as above), added to acc[0] =
// w0.c, acc[1] = w1.c.
static inline void mml__dot_2x1_s8_q15r(const int8_t *w0, const int8_t *w1, const int16_t *c,
    int32_t k, uint32_t acc[2]) {
    uint32_t a0 = acc[0], a1 = acc[1];
    const int32_t stride = (int32_t)(w1 - w0);
    const int8_t *end = w0 + (k & ~3);
#if MML_ISA_ARM_DSP
    // 13 instructions per 8 products (the column by one LDRD: c is 4-aligned).
    if (w0 != end) {
        uint32_t wa, wb, t, x02, x13;
        __asm__("1:\n"
                "ldr %[wb], [%[w], %[s]]\n"
                "ldr %[wa], [%[w]], #4\n"
                "ldrd %[x02], %[x13], [%[c]], #8\n"
                "sxtb16 %[t], %[wa]\n"
                "sxtb16 %[wa], %[wa], ror #8\n"
                "smlad %[a0], %[t], %[x02], %[a0]\n"
                "smlad %[a0], %[wa], %[x13], %[a0]\n"
                "sxtb16 %[t], %[wb]\n"
                "sxtb16 %[wb], %[wb], ror #8\n"
                "smlad %[a1], %[t], %[x02], %[a1]\n"
                "smlad %[a1], %[wb], %[x13], %[a1]\n"
                "cmp %[w], %[end]\n"
                "bne 1b\n"
                : [a0] "+r"(a0), [a1] "+r"(a1), [w] "+r"(w0), [c] "+r"(c), [wa] "=&r"(wa),
                [wb] "=&r"(wb), [t] "=&r"(t), [x02] "=&r"(x02), [x13] "=&r"(x13)
                : [s] "r"(stride), [end] "r"(end)
                : "cc", "memory");
    }
#else
    while (w0 != end) {
        const uint32_t wa = mml__ld32(w0), wb = mml__ld32(w0 + stride);
        const uint32_t x02 = mml__ld32(c), x13 = mml__ld32(c + 2);
        a0 = mml__smlad(mml__sxtb16(wa), x02, a0);
        a0 = mml__smlad(mml__sxtb16_ror8(wa), x13, a0);
        a1 = mml__smlad(mml__sxtb16(wb), x02, a1);
        a1 = mml__smlad(mml__sxtb16_ror8(wb), x13, a1);
        w0 += 4;
        c += 4;
    }
#endif
    for (int32_t n = 0; n < (k & 3); n++) {
        a0 += (uint32_t)(w0[n] * c[n]);
        a1 += (uint32_t)(w0[stride + n] * c[n]);
    }
    acc[0] = a0;
    acc[1] = a1;
}

// Dot products of four int8 rows (wi = w0 + i * stride, n bytes each) with one int16 column of
// n values (layout as above), added to acc[i] = wi.c. Per 4 values: 1 + 4 loads, 8 SXTB16,
// 8 SMLAD.
static inline void mml__dot_4x1_s8_q15r(const int8_t *w0, int32_t stride, int32_t n,
    const int16_t *c, uint32_t acc[4]) {
    uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    const int32_t k = stride;
    const int8_t *w2 = w0 + 2 * k;
    const int8_t *end = w0 + (n & ~3);
#if MML_ISA_ARM_DSP
    // 24 instructions per 16 products in 12 registers (the .mpy's -fpic leaves 13, and GCC needs
    // one more around the asm): the loop's end is read from memory.
    if (w0 != end) {
        uint32_t x02, x13, v, t;
        const int32_t km4 = k - 4; // rows 1 and 3 from the rows 0 and 2 pointers, once advanced
        __asm__("1:\n"
                "ldrd %[x02], %[x13], [%[c]], #8\n"
                "ldr %[t], [%[w]], #4\n"
                "sxtb16 %[v], %[t]\n"
                "sxtb16 %[t], %[t], ror #8\n"
                "smlad %[a0], %[v], %[x02], %[a0]\n"
                "smlad %[a0], %[t], %[x13], %[a0]\n"
                "ldr %[t], [%[w], %[km4]]\n"
                "sxtb16 %[v], %[t]\n"
                "sxtb16 %[t], %[t], ror #8\n"
                "smlad %[a1], %[v], %[x02], %[a1]\n"
                "smlad %[a1], %[t], %[x13], %[a1]\n"
                "ldr %[t], [%[w2]], #4\n"
                "sxtb16 %[v], %[t]\n"
                "sxtb16 %[t], %[t], ror #8\n"
                "smlad %[a2], %[v], %[x02], %[a2]\n"
                "smlad %[a2], %[t], %[x13], %[a2]\n"
                "ldr %[t], [%[w2], %[km4]]\n"
                "sxtb16 %[v], %[t]\n"
                "sxtb16 %[t], %[t], ror #8\n"
                "smlad %[a3], %[v], %[x02], %[a3]\n"
                "smlad %[a3], %[t], %[x13], %[a3]\n"
                "ldr %[t], %[end]\n"
                "cmp %[w], %[t]\n"
                "bne 1b\n"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w0),
                [w2] "+r"(w2), [c] "+r"(c), [x02] "=&r"(x02), [x13] "=&r"(x13), [v] "=&r"(v),
                [t] "=&r"(t)
                : [km4] "r"(km4), [end] "m"(end)
                : "cc", "memory");
    }
#else
    while (w0 != end) {
        const uint32_t x02 = mml__ld32(c), x13 = mml__ld32(c + 2);
        const uint32_t r0 = mml__ld32(w0), r1 = mml__ld32(w0 + k);
        const uint32_t r2 = mml__ld32(w2), r3 = mml__ld32(w2 + k);
        a0 = mml__smlad(mml__sxtb16_ror8(r0), x13, mml__smlad(mml__sxtb16(r0), x02, a0));
        a1 = mml__smlad(mml__sxtb16_ror8(r1), x13, mml__smlad(mml__sxtb16(r1), x02, a1));
        a2 = mml__smlad(mml__sxtb16_ror8(r2), x13, mml__smlad(mml__sxtb16(r2), x02, a2));
        a3 = mml__smlad(mml__sxtb16_ror8(r3), x13, mml__smlad(mml__sxtb16(r3), x02, a3));
        w0 += 4;
        w2 += 4;
        c += 4;
    }
#endif
    for (int32_t i = 0; i < (n & 3); i++) {
        a0 += (uint32_t)(w0[i] * c[i]);
        a1 += (uint32_t)(w0[k + i] * c[i]);
        a2 += (uint32_t)(w2[i] * c[i]);
        a3 += (uint32_t)(w2[k + i] * c[i]);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

// mml__dot_4x1_s8_q15r over blocks of four rows (4 * blocks rows, stride bytes apart, from w):
// sums[o] += w_o . c over the first k & ~3 values (the caller adds the last k & 3). The whole
// loop in assembly: 8 values a time (45 instructions per 32 MACs), 24 instructions per block,
// the outer loop's state in memory so that the block needs only 12 registers.
static inline void mml__dot_4xn_s8_q15r(const int8_t *w, int32_t stride, const int16_t *c,
    int32_t k, uint32_t blocks, uint32_t *sums) {
    const int32_t k4 = k & ~3;
    if (blocks == 0 || k4 == 0) {
        return;
    }
#if MML_ISA_ARM_DSP
    const int32_t advance = 4 * stride - k4; // from a block's row 0 end to the next block's row 0
    const int8_t *end;
    uint32_t a0, a1, a2, a3, wa, t, x02, x13;
    const int8_t *w2;
    const int16_t *cc;
    __asm__("2:\n"
            "ldr %[t], %[sums]\n"
            "ldrd %[a0], %[a1], [%[t]]\n"
            "ldrd %[a2], %[a3], [%[t], #8]\n"
            "ldr %[cc], %[c0]\n"
            "add %[w2], %[w], %[s], lsl #1\n"
            "ldr %[t], %[k4]\n"
            "tst %[t], #4\n"
            "add %[t], %[w], %[t]\n"
            "str %[t], %[end]\n"
            "bne 3f\n"
            "1:\n"
            "ldrd %[x02], %[x13], [%[cc]], #8\n"
            "ldr %[wa], [%[w], %[s]]\n"
            "sxtb16 %[t], %[wa]\n"
            "sxtb16 %[wa], %[wa], ror #8\n"
            "smlad %[a1], %[t], %[x02], %[a1]\n"
            "smlad %[a1], %[wa], %[x13], %[a1]\n"
            "ldr %[wa], [%[w]], #4\n"
            "sxtb16 %[t], %[wa]\n"
            "sxtb16 %[wa], %[wa], ror #8\n"
            "smlad %[a0], %[t], %[x02], %[a0]\n"
            "smlad %[a0], %[wa], %[x13], %[a0]\n"
            "ldr %[wa], [%[w2], %[s]]\n"
            "sxtb16 %[t], %[wa]\n"
            "sxtb16 %[wa], %[wa], ror #8\n"
            "smlad %[a3], %[t], %[x02], %[a3]\n"
            "smlad %[a3], %[wa], %[x13], %[a3]\n"
            "ldr %[wa], [%[w2]], #4\n"
            "sxtb16 %[t], %[wa]\n"
            "sxtb16 %[wa], %[wa], ror #8\n"
            "smlad %[a2], %[t], %[x02], %[a2]\n"
            "smlad %[a2], %[wa], %[x13], %[a2]\n"
            "3:\n"
            "ldrd %[x02], %[x13], [%[cc]], #8\n"
            "ldr %[wa], [%[w], %[s]]\n"
            "sxtb16 %[t], %[wa]\n"
            "sxtb16 %[wa], %[wa], ror #8\n"
            "smlad %[a1], %[t], %[x02], %[a1]\n"
            "smlad %[a1], %[wa], %[x13], %[a1]\n"
            "ldr %[wa], [%[w]], #4\n"
            "sxtb16 %[t], %[wa]\n"
            "sxtb16 %[wa], %[wa], ror #8\n"
            "smlad %[a0], %[t], %[x02], %[a0]\n"
            "smlad %[a0], %[wa], %[x13], %[a0]\n"
            "ldr %[wa], [%[w2], %[s]]\n"
            "sxtb16 %[t], %[wa]\n"
            "sxtb16 %[wa], %[wa], ror #8\n"
            "smlad %[a3], %[t], %[x02], %[a3]\n"
            "smlad %[a3], %[wa], %[x13], %[a3]\n"
            "ldr %[wa], [%[w2]], #4\n"
            "sxtb16 %[t], %[wa]\n"
            "sxtb16 %[wa], %[wa], ror #8\n"
            "smlad %[a2], %[t], %[x02], %[a2]\n"
            "smlad %[a2], %[wa], %[x13], %[a2]\n"
            "ldr %[t], %[end]\n"
            "cmp %[w], %[t]\n"
            "bne 1b\n"
            "ldr %[t], %[sums]\n"
            "strd %[a0], %[a1], [%[t]], #8\n"
            "strd %[a2], %[a3], [%[t]], #8\n"
            "str %[t], %[sums]\n"
            "ldr %[t], %[adv]\n"
            "add %[w], %[w], %[t]\n"
            "ldr %[t], %[n]\n"
            "subs %[t], %[t], #1\n"
            "str %[t], %[n]\n"
            "bne 2b\n"
            : [w] "+r"(w), [w2] "=&r"(w2), [cc] "=&r"(cc), [a0] "=&r"(a0), [a1] "=&r"(a1),
            [a2] "=&r"(a2), [a3] "=&r"(a3), [wa] "=&r"(wa), [t] "=&r"(t), [x02] "=&r"(x02),
            [x13] "=&r"(x13), [end] "=m"(end), [sums] "+m"(sums), [n] "+m"(blocks)
            : [s] "r"(stride), [c0] "m"(c), [k4] "m"(k4), [adv] "m"(advance)
            : "cc", "memory");
#else
    for (uint32_t b = 0; b < blocks; b++, w += 4 * stride, sums += 4) {
        mml__dot_4x1_s8_q15r(w, stride, k4, c, sums);
    }
#endif
}

// One int8 row with one int16 column: w.c added to acc.
static inline uint32_t mml__dot_1x1_s8_q15r(const int8_t *w, const int16_t *c, int32_t k,
    uint32_t acc) {
    for (int32_t n = k >> 2; n > 0; n--) {
        const uint32_t wa = mml__ld32(w);
        acc = mml__smlad(mml__sxtb16(wa), mml__ld32(c), acc);
        acc = mml__smlad(mml__sxtb16_ror8(wa), mml__ld32(c + 2), acc);
        w += 4;
        c += 4;
    }
    for (int32_t n = 0; n < (k & 3); n++) {
        acc += (uint32_t)(w[n] * c[n]);
    }
    return acc;
}

#endif // MML_ARCH_ARM_DSP
#endif // MICROML_NN_KERNELS_PRIM_ARM_H
