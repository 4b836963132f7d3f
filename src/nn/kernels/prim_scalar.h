// SPDX-License-Identifier: MIT
// Micro-kernels of the scalar variants (cores without DSP instructions: Cortex-M0/M0+/M3,
// RISC-V rv32imc), written once for conv, depthwise and fully connected: int8 values plus the
// input offset widened to int32 (so that the inner loops load each value with one instruction,
// and add no offset), int8 x int32 dot products: four weight rows at a time, each column value
// loaded once for the four, and the 3x3 depthwise window.
// Sums wrap at 32 bits as TFLite's int32 (unsigned arithmetic, no UB).
#ifndef MICROML_NN_KERNELS_PRIM_SCALAR_H
#define MICROML_NN_KERNELS_PRIM_SCALAR_H

#include <stddef.h>
#include <stdint.h>
#include "nn/kernels/mml_arch.h"

#if MML_ARCH_SCALAR

// dst[i] = src[i] + offset for i < n (offset in [-127, 128]: values in [-255, 255]; prim_scalar.c:
// assembly on ARMv6-M, 4 instructions a value).
void mml__widen_s8(const int8_t *src, int32_t *dst, int32_t n, int32_t offset);

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

// Four weight rows (w, w + stride, w + 2 * stride, w + 3 * stride) against one column:
// acc[r] += sum over i < n of w[r * stride + i] * x[i] (prim_scalar.c: assembly on ARMv6-M).
void mml__dot_4r_s8_i32(const int8_t *w, int32_t stride, const int32_t *x, int32_t n,
    uint32_t *acc);

// The 3x3 window (dilation 1) of channels 0..n-1 of one output pixel, depth multiplier 1, c
// channels: sums[ch] = sum over fy, fx < 3 of in[ch + fy * row_step + fx * c] *
// f[ch + (fy * 3 + fx) * c], in at the window's top-left tap, f the filter [3,3,c]
// (prim_scalar.c: assembly on ARMv6-M).
void mml__dw3x3_s8(const int8_t *in, const int8_t *f, int32_t n, int32_t c, int32_t row_step,
    uint32_t *sums);

#endif // MML_ARCH_SCALAR
#endif // MICROML_NN_KERNELS_PRIM_SCALAR_H
