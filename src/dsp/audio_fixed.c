// SPDX-License-Identifier: MIT
// TFLM's audio front-end integer arithmetic (see audio_fixed.h), shared by the signal-library ops
// and the microfrontend. No allocation, no libm, no writable statics.
#include "dsp/audio_fixed.h"

#if MML_ENABLE_AUDIO_FIXED

// Digit-by-digit square root of x below 2^bits (32 or 64), rounded up when the remainder
// exceeds the root and the root is below its maximum, as TFLM's Sqrt32 / Sqrt64.
static uint64_t isqrt(uint64_t x, int bits, uint64_t max_root) {
    uint64_t res = 0;
    int top = bits - (int)(x >> 32 ? 32 + mml__audio_msb32((uint32_t)(x >> 32))
                                    : mml__audio_msb32((uint32_t)x));
    top |= 1;
    uint64_t bit = (uint64_t)1 << (bits - 1 - top);
    for (int it = (bits - 1 - top) / 2 + 1; it > 0; it--) {
        if (x >= res + bit) {
            x -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (x > res && res != max_root) {
        res++;
    }
    return res;
}

uint32_t mml__audio_sqrt64(uint64_t x) {
    if ((x >> 32) == 0) {
        return x == 0 ? 0 : (uint32_t)(uint16_t)isqrt(x, 32, 0xFFFFu);
    }
    return (uint32_t)isqrt(x, 64, 0xFFFFFFFFu);
}

// round(65536 * (log2(1 + i / 128) - i / 128)) for i = 0..128, then a 0: the correction that
// turns the linear fraction of log2 into the true one, interpolated between segments.
static const uint16_t log_lut[130] = {
    0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163,
    2329, 2490, 2646, 2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848,
    3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934,
    5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507,
    5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
    5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370,
    5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762,
    4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848,
    3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659,
    2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
    1094, 963, 830, 695, 559, 421, 282, 142, 0, 0,
};

#define LOG_SCALE_BITS 16
#define LOG_SEGMENT_BITS 7
#define LOG_LN2_Q16 45426 // ln 2 * 65536, rounded

uint32_t mml__audio_log32(uint32_t x, uint32_t out_scale) {
    const uint32_t integer = mml__audio_msb32(x) - 1;
    int32_t frac = (int32_t)(x - ((uint32_t)1 << integer));
    if (integer < LOG_SCALE_BITS) {
        frac = (int32_t)((uint32_t)frac << (LOG_SCALE_BITS - integer));
    } else {
        frac >>= integer - LOG_SCALE_BITS;
    }
    const uint32_t seg = (uint32_t)frac >> (LOG_SCALE_BITS - LOG_SEGMENT_BITS);
    const uint32_t seg_unit = (1u << LOG_SCALE_BITS) >> LOG_SEGMENT_BITS;
    const int32_t c0 = log_lut[seg], c1 = log_lut[seg + 1];
    const int32_t rel = ((c1 - c0) * (frac - (int32_t)(seg_unit * seg))) >> LOG_SCALE_BITS;
    const uint32_t log2 = (integer << LOG_SCALE_BITS) + (uint32_t)(frac + c0 + rel);
    const uint32_t round = 1u << (LOG_SCALE_BITS - 1);
    const uint32_t ln = (uint32_t)(((uint64_t)LOG_LN2_Q16 * log2 + round) >> LOG_SCALE_BITS);
    return (out_scale * ln + round) >> LOG_SCALE_BITS;
}

// PCAN

int16_t mml__audio_pcan_gain(uint32_t x, const int16_t *lut) {
    if (x <= 2) {
        return lut[x];
    }
    const int32_t interval = (int32_t)mml__audio_msb32(x);
    lut += 4 * interval - 6;
    const int32_t frac =
        (int16_t)((interval < 11 ? (x << (11 - interval)) : (x >> (interval - 11))) & 0x3FF);
    int32_t r = ((int32_t)lut[2] * frac) >> 5;
    r = (int32_t)((uint32_t)r + ((uint32_t)(int32_t)lut[1] << 5));
    r = (int32_t)((uint32_t)r * (uint32_t)frac);
    r = (int32_t)((uint32_t)r + (1u << 14)) >> 15;
    r += lut[0];
    return (int16_t)r;
}

uint32_t mml__audio_pcan_shrink(uint32_t x) {
    if (x < (2u << MML__PCAN_SNR_BITS)) {
        return (x * x) >> (2 + 2 * MML__PCAN_SNR_BITS - MML__PCAN_OUTPUT_BITS);
    }
    return (x >> (MML__PCAN_SNR_BITS - MML__PCAN_OUTPUT_BITS)) - (1u << MML__PCAN_OUTPUT_BITS);
}

#endif // MML_ENABLE_AUDIO_FIXED
