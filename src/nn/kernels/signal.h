// SPDX-License-Identifier: MIT
// Shared pieces of TFLite Micro's signal-library ops (signal_*.c, the ops of its audio front
// ends): reading their FlexBuffers options with a clear error for each bad or missing one, the
// tensor checks they all make, and the integer arithmetic of TFLM's signal/src (most significant
// bit, rounded square roots, fixed-point log), each bit-exact with TFLM's.
#ifndef MICROML_NN_KERNELS_SIGNAL_H
#define MICROML_NN_KERNELS_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "core/flexbuf.h"
#include "nn/kernel.h"

// The op's options map (custom_options, a FlexBuffers map). Fails if absent or malformed.
mml_status_t mml__signal_options(mml_prep_t *p, mml__flex_t *map);
// Option key, required, an integer in [lo, hi] ("option 'shift' missing", "... is 40, expected
// 0 to 31").
mml_status_t mml__signal_int(mml_prep_t *p, const mml__flex_t *map, const char *key, int32_t lo,
    int32_t hi, int32_t *v);
mml_status_t mml__signal_bool(mml_prep_t *p, const mml__flex_t *map, const char *key, bool *v);

// Input (out = 0) or output (out = 1) i, of dtype and rank (rank < 0: at least 1).
mml_status_t mml__signal_tensor(mml_prep_t *p, int out, uint32_t i, mml_dtype_t dtype,
    int32_t rank, mml__tensor_t *t);

// uint64 tensors are only MML_ARENA_ALIGN (4) aligned: read and write them bytewise.
static inline uint64_t mml__signal_ld64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static inline void mml__signal_st64(uint8_t *p, uint64_t v) {
    memcpy(p, &v, sizeof(v));
}

// Bits needed for x (32 - clz(x)), and 32 for x = 0 as TFLM's GCC build computes it.
static inline uint32_t mml__signal_msb32(uint32_t x) {
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
uint32_t mml__signal_sqrt64(uint64_t x);
// ln(x) * out_scale in TFLM's fixed point (Log32, x > 1).
uint32_t mml__signal_log32(uint32_t x, uint32_t out_scale);

#endif // MICROML_NN_KERNELS_SIGNAL_H
