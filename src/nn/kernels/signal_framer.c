// SPDX-License-Identifier: MIT
// SignalFramer (TFLM signal library): cuts each row of an int16 stream (the input's last
// dimension, frame_step samples per frame) into overlapping frames of frame_size samples; output
// 0 is [..., frames, frame_size], output 1 (bool) says whether every frame was complete. The
// samples not yet framed are state kept across invocations; with prefill the stream starts with
// frame_size - frame_step zeros. An incomplete frame's output is zeros (TFLM leaves it unwritten).
#include <string.h>
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALFRAMER)

typedef struct {
    uint32_t in, out, valid, state; // locations
    uint32_t rows, frames, size, step, prefill, capacity;
} framer_t;

// A row's state: int32 count of held samples beyond the prefill (0 after reset), then capacity
// int16 samples, oldest first. The prefill zeros are the zeroed buffer itself.
static uint32_t row_bytes(uint32_t capacity) {
    return (4 + 2 * capacity + 3) & ~3u;
}

static mml_status_t eval_framer(const mml_eval_ctx_t *ctx, void *data) {
    const framer_t *d = (const framer_t *)data;
    uint8_t all_valid = 1;
    for (uint32_t r = 0; r < d->rows; r++) {
        uint8_t *row = (uint8_t *)mml__ptr(ctx, d->state) + r * row_bytes(d->capacity);
        int32_t *extra = (int32_t *)row;
        int16_t *buf = (int16_t *)(row + 4);
        uint32_t held = d->prefill + (uint32_t)*extra;
        for (uint32_t f = 0; f < d->frames; f++) {
            const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in) + (r * d->frames + f) * d->step;
            int16_t *out = (int16_t *)mml__ptr(ctx, d->out) + (r * d->frames + f) * d->size;
            memcpy(buf + held, in, d->step * sizeof(int16_t));
            held += d->step;
            if (held >= d->size) {
                memcpy(out, buf, d->size * sizeof(int16_t));
                memmove(buf, buf + d->step, (held - d->step) * sizeof(int16_t));
                held -= d->step;
            } else {
                memset(out, 0, d->size * sizeof(int16_t));
                all_valid = 0;
            }
        }
        *extra = (int32_t)(held - d->prefill);
    }
    *(uint8_t *)mml__ptr(ctx, d->valid) = all_valid;
    return MML_OK;
}

mml_status_t mml__prepare_signal_framer(mml_prep_t *p) {
    mml__tensor_t in, out, valid;
    mml__flex_t map;
    int32_t size, step;
    bool prefill;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 2)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 0, MML_INT16, -1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_INT16, in.rank + 1, &out)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 1, MML_BOOL, 0, &valid)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "frame_size", 1, 1 << 20, &size)) != MML_OK ||
        (st = mml__signal_int(p, &map, "frame_step", 1, 1 << 20, &step)) != MML_OK ||
        (st = mml__signal_bool(p, &map, "prefill", &prefill)) != MML_OK) {
        return st;
    }
    const uint32_t len = (uint32_t)in.dims[in.rank - 1];
    if (len < (uint32_t)step || len % (uint32_t)step != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "rows of %u samples: expected a multiple of frame_step %d", len, step);
    }
    if (prefill && size < step) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "prefill needs frame_size %d at least frame_step %d", size, step);
    }
    const uint32_t rows = in.elems / len, frames = len / (uint32_t)step;
    if ((uint64_t)out.elems != (uint64_t)rows * frames * (uint32_t)size) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "%u outputs, expected %u rows of %u frames of %d", out.elems, rows, frames, size);
    }
    // Room for the frame being completed: frame_size rounded up to whole steps (TFLM's).
    const uint32_t capacity = ((uint32_t)size + (uint32_t)step - 1) / (uint32_t)step * (uint32_t)step;
    if ((uint64_t)rows * row_bytes(capacity) > INT32_MAX) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "state too large");
    }
    p->eval = eval_framer;
    mml__prep_state(p, rows * row_bytes(capacity));
    framer_t *d = (framer_t *)mml__prep_persist(p, sizeof(framer_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->out = mml__prep_loc(p, &out);
        d->valid = mml__prep_loc(p, &valid);
        d->state = mml__prep_state_loc(p);
        d->rows = rows;
        d->frames = frames;
        d->size = (uint32_t)size;
        d->step = (uint32_t)step;
        d->prefill = prefill ? (uint32_t)(size - step) : 0;
        d->capacity = capacity;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALFRAMER)
