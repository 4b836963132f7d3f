// SPDX-License-Identifier: MIT
// KISS FFT's fixed-point real FFT and inverse, bit for bit, for the signal ops' int32 SignalRfft
// and int16 / int32 SignalIrfft (the int16 forward one is src/dsp/fft.c's). Values are held in
// int32 whatever the width; every store wraps to the width (16 or 32 bits) and every product sum
// to KISS's product type (int32 or int64), as the two's-complement reference does. n: the real
// length, a power of two from 4 to 4096. No allocation.
#ifndef MICROML_NN_KERNELS_SIGNAL_KISS_H
#define MICROML_NN_KERNELS_SIGNAL_KISS_H

#include <stdint.h>
#include "nn/kernel.h"

typedef struct {
    int32_t n;        // real length (the complex FFT has n / 2 points)
    int32_t bits;     // 16 or 32: KISS's FIXED_POINT
    int32_t inverse;  // 0: kiss_fftr, 1: kiss_fftri
    int32_t nfactors;
    int32_t factors[24]; // (radix, remaining length) per stage
} mml__kiss_t;

// int32 count of the twiddle table: n / 2 twiddles, then n / 4 super twiddles, complex.
#define MML__KISS_TABLE_LEN(n) ((n) + (n) / 2)

// Fills k and its table (init-time double math, src/dsp/dsp_math.c).
void mml__kiss_init(mml__kiss_t *k, int32_t n, int32_t bits, int32_t inverse, int32_t *table);
// Forward: x [n] real -> out [n + 2] (n / 2 + 1 complex, re, im), scaled by 1 / n as KISS's.
// Inverse: x [n + 2] complex -> out [n] real (unscaled, as kiss_fftri). work: n int32.
void mml__kiss_run(const mml__kiss_t *k, const int32_t *table, const int32_t *x, int32_t *work,
    int32_t *out);

// SignalRfft's and SignalIrfft's common checks: options T (int16, int32 or float32; float32 only
// with MML_ENABLE_FLOAT) and fft_length (a power of two in [4, 4096]) into dtype and n, input 0
// (rank >= 1) and output 0 of that dtype and the same rank into in and out.
MML__PREPARE mml_status_t mml__signal_fft_prepare(mml_prep_t *p, mml_dtype_t *dtype, int32_t *n,
    mml__tensor_t *in, mml__tensor_t *out);

#endif // MICROML_NN_KERNELS_SIGNAL_KISS_H
