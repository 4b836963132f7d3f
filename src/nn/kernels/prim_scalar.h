// SPDX-License-Identifier: MIT
// Micro-kernels of the scalar variants (cores without DSP instructions: Cortex-M0/M0+/M3,
// RISC-V rv32imc), written once for conv, depthwise and fully connected: int8 values plus the
// input offset widened to int32 (so that the inner loops load each value with one instruction,
// or several with one LDM, and add no offset), and int8 x int32 dot products unrolled by 4 with
// each weight loaded once for two columns or each column value once for two weight rows.
// Sums wrap at 32 bits as TFLite's int32 (unsigned arithmetic, no UB).
#ifndef MICROML_NN_KERNELS_PRIM_SCALAR_H
#define MICROML_NN_KERNELS_PRIM_SCALAR_H

#include <stddef.h>
#include <stdint.h>
#include "nn/kernels/mml_arch.h"

#if MML_ARCH_SCALAR

// dst[i * step] = src[i] + offset for i < n (offset in [-127, 128]: values in [-255, 255]).
static inline void mml__widen_s8_step(const int8_t *src, int32_t *dst, int32_t n, int32_t offset,
    int32_t step) {
    for (int32_t i = 0; i < n; i++, dst += step) {
        *dst = (int32_t)src[i] + offset;
    }
}

static inline void mml__widen_s8(const int8_t *src, int32_t *dst, int32_t n, int32_t offset) {
    int32_t i = 0;
    for (; i + 3 < n; i += 4) {
        const int32_t a = src[i], b = src[i + 1], c = src[i + 2], d = src[i + 3];
        dst[i] = a + offset;
        dst[i + 1] = b + offset;
        dst[i + 2] = c + offset;
        dst[i + 3] = d + offset;
    }
    for (; i < n; i++) {
        dst[i] = (int32_t)src[i] + offset;
    }
}

// acc + sum over i < n of w[i] * x[i].
static inline uint32_t mml__dot_1r_s8_i32(const int8_t *w, const int32_t *x, int32_t n,
    uint32_t acc) {
    for (; n >= 4; n -= 4, w += 4, x += 4) {
        acc += (uint32_t)(x[0] * (int32_t)w[0]);
        acc += (uint32_t)(x[1] * (int32_t)w[1]);
        acc += (uint32_t)(x[2] * (int32_t)w[2]);
        acc += (uint32_t)(x[3] * (int32_t)w[3]);
    }
    for (; n > 0; n--) {
        acc += (uint32_t)(*x++ * (int32_t)*w++);
    }
    return acc;
}

// Two weight rows against one column: acc[r] += sum over i < n of wr[i] * x[i].
static inline void mml__dot_2r_s8_i32(const int8_t *w0, const int8_t *w1, const int32_t *x,
    int32_t n, uint32_t *acc) {
    uint32_t a0 = acc[0], a1 = acc[1];
    for (; n >= 4; n -= 4, w0 += 4, w1 += 4, x += 4) {
        const int32_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        a0 += (uint32_t)(x0 * (int32_t)w0[0]);
        a1 += (uint32_t)(x0 * (int32_t)w1[0]);
        a0 += (uint32_t)(x1 * (int32_t)w0[1]);
        a1 += (uint32_t)(x1 * (int32_t)w1[1]);
        a0 += (uint32_t)(x2 * (int32_t)w0[2]);
        a1 += (uint32_t)(x2 * (int32_t)w1[2]);
        a0 += (uint32_t)(x3 * (int32_t)w0[3]);
        a1 += (uint32_t)(x3 * (int32_t)w1[3]);
    }
    for (; n > 0; n--, x++) {
        a0 += (uint32_t)(*x * (int32_t)*w0++);
        a1 += (uint32_t)(*x * (int32_t)*w1++);
    }
    acc[0] = a0;
    acc[1] = a1;
}

// One weight row against two interleaved columns (x[2 * i] and x[2 * i + 1]):
// acc[c] += sum over i < n of w[i] * x[2 * i + c].
static inline void mml__dot_1r_s8_i32x2(const int8_t *w, const int32_t *x, int32_t n,
    uint32_t *acc) {
    uint32_t a0 = acc[0], a1 = acc[1];
    for (; n >= 4; n -= 4, w += 4, x += 8) {
        int32_t f = w[0];
        a0 += (uint32_t)(x[0] * f);
        a1 += (uint32_t)(x[1] * f);
        f = w[1];
        a0 += (uint32_t)(x[2] * f);
        a1 += (uint32_t)(x[3] * f);
        f = w[2];
        a0 += (uint32_t)(x[4] * f);
        a1 += (uint32_t)(x[5] * f);
        f = w[3];
        a0 += (uint32_t)(x[6] * f);
        a1 += (uint32_t)(x[7] * f);
    }
    for (; n > 0; n--, x += 2) {
        const int32_t f = *w++;
        a0 += (uint32_t)(x[0] * f);
        a1 += (uint32_t)(x[1] * f);
    }
    acc[0] = a0;
    acc[1] = a1;
}

#endif // MML_ARCH_SCALAR
#endif // MICROML_NN_KERNELS_PRIM_SCALAR_H
