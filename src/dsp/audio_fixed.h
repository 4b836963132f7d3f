// SPDX-License-Identifier: MIT
// The integer arithmetic of TFLM's audio front end, once for its two users here: the
// signal-library ops (src/nn/kernels/signal_*.c) and the microfrontend (src/dsp/microfrontend.c).
// Rounded square roots, the fixed-point natural log and PCAN's gain and shrink curve, each
// bit-exact with TFLM's. Built when either user is (MML_ENABLE_AUDIO_FIXED).
#ifndef MICROML_DSP_AUDIO_FIXED_H
#define MICROML_DSP_AUDIO_FIXED_H

#include <stdint.h>
#include "microml/mml_config.h"

// PCAN's signal-to-noise ratio and output fractional bits (TFLM's kPcanSnrBits, kPcanOutputBits).
#define MML__PCAN_SNR_BITS 12
#define MML__PCAN_OUTPUT_BITS 6

// Bits needed for x (32 - clz(x)), and 32 for x = 0 as TFLM's GCC build computes it.
static inline uint32_t mml__audio_msb32(uint32_t x) {
    uint32_t b = 0;
    if (x == 0) {
        return 32;
    }
    while (x) {
        b++;
        x >>= 1;
    }
    return b;
}

// Rounded integer square root (TFLM's Sqrt64: the 32-bit path when the high word is clear).
uint32_t mml__audio_sqrt64(uint64_t x);
// ln(x) * out_scale in TFLM's fixed point (Log32, x > 1).
uint32_t mml__audio_log32(uint32_t x, uint32_t out_scale);
// PCAN's gain at noise estimate x: quadratic interpolation inside x's power-of-two segment of
// lut (4 * 32 - 3 int16 entries; TFLM's WideDynamicFunction, sums wrap in 32 bits as its do).
int16_t mml__audio_pcan_gain(uint32_t x, const int16_t *lut);
// PCAN's shrink curve of a gained signal-to-noise ratio x (x^2 / 4 below 2, x - 1 above;
// MML__PCAN_SNR_BITS fractional bits in, MML__PCAN_OUTPUT_BITS out).
uint32_t mml__audio_pcan_shrink(uint32_t x);

#endif // MICROML_DSP_AUDIO_FIXED_H
