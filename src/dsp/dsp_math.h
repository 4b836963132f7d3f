// SPDX-License-Identifier: MIT
// Double-precision cos, sin, log, log1p and exp for building DSP tables at init (never per sample),
// without libm. Accuracy: a few ulp of double over the ranges the tables use, far below the float
// and int16 roundings the tables end in.
#ifndef MICROML_DSP_DSP_MATH_H
#define MICROML_DSP_DSP_MATH_H

#include <stdint.h>

#define MML__PI 3.14159265358979323846

// cos(x) and sin(x) for any finite x.
double mml__cos(double x);
double mml__sin(double x);
// cos(2 pi num / den) and sin(...), with the turn reduced exactly in integers (den > 0).
double mml__cos_turn(long num, long den);
double mml__sin_turn(long num, long den);
// Natural logarithm (x > 0), log(1 + x) accurate near 0 (x > -1), e^x (|x| < 700).
double mml__log(double x);
double mml__log1p(double x);
double mml__exp(double x);
// log(1 + x) in float with the classic fdlibm algorithm (k ln2 + f - hfsq + s (hfsq + R(s^2)),
// all float arithmetic), whose roundings glibc's log1pf has: TFLite Micro builds its filterbank
// with log1pf, so the tables match the reference only with these exact roundings.
float mml__log1pf_fdlibm(float x);
// floor(x) for |x| < 2^62.
double mml__floor(double x);

// The complex FFT under src/dsp/fft.c's float RFFT and SignalIrfft's (in fft.c, MML_ENABLE_FFT):
// radix 2, in place, of the m = n / 2 complex values x (re, im pairs), unscaled; tw[2k], tw[2k+1]
// (k < m) is W^k of length n, e^{-2 pi i k / n} for the forward transform, e^{+...} for the
// inverse.
void mml__cfft_f32(float *x, int32_t n, const float *tw);

#endif // MICROML_DSP_DSP_MATH_H
