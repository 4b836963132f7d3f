// SPDX-License-Identifier: MIT
// Shared pieces of TFLite Micro's signal-library ops (signal_*.c, the ops of its audio front
// ends): reading their FlexBuffers options with a clear error for each bad or missing one, the
// tensor checks they all make. Their integer arithmetic (most significant bit, rounded square
// roots, fixed-point log, PCAN), shared with the microfrontend, is in dsp/audio_fixed.h.
#ifndef MICROML_NN_KERNELS_SIGNAL_H
#define MICROML_NN_KERNELS_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "core/flexbuf.h"
#include "dsp/audio_fixed.h"
#include "nn/kernel.h"

// The op's options map (custom_options, a FlexBuffers map). Fails if absent or malformed.
MML__PREPARE mml_status_t mml__signal_options(mml_prep_t *p, mml__flex_t *map);
// Option key, required, an integer in [lo, hi] ("option 'shift' missing", "... is 40, expected
// 0 to 31").
MML__PREPARE mml_status_t mml__signal_int(mml_prep_t *p, const mml__flex_t *map, const char *key,
    int32_t lo, int32_t hi, int32_t *v);
MML__PREPARE mml_status_t mml__signal_bool(mml_prep_t *p, const mml__flex_t *map, const char *key,
    bool *v);

// Input (out = 0) or output (out = 1) i, of dtype and rank (rank < 0: at least 1).
MML__PREPARE mml_status_t mml__signal_tensor(mml_prep_t *p, int out, uint32_t i, mml_dtype_t dtype,
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

#endif // MICROML_NN_KERNELS_SIGNAL_H
