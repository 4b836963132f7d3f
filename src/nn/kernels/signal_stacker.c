// SPDX-License-Identifier: MIT
// SignalStacker (TFLM signal library): stacks consecutive int16 frames of num_channels values
// into windows of left_context + 1 + right_context frames, one every stacker_step frames; the
// first frame after a reset is repeated left_context extra times as padding. Output 1 (bool) says
// whether output 0 holds a window this invocation (else output 0 is zeros; TFLM leaves it
// unwritten). The frames not yet stacked are state kept across invocations.
#include <string.h>
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALSTACKER)

typedef struct {
    uint32_t in, out, valid, state; // locations
    uint32_t channels, left, window, step; // values: num_channels, left_context, window size,
                                           // values dropped after each window
} stacker_t;

// State: int32 held values (0 after reset), int32 "first frame seen", then window int16 values,
// oldest first.
#define STATE_HEAD 8

static mml_status_t eval_stacker(const mml_eval_ctx_t *ctx, void *data) {
    const stacker_t *d = (const stacker_t *)data;
    uint8_t *state = (uint8_t *)mml__ptr(ctx, d->state);
    int32_t *held = (int32_t *)state, *started = held + 1;
    int16_t *buf = (int16_t *)(state + STATE_HEAD);
    const uint32_t nc = d->channels;
    uint32_t n = (uint32_t)*held;
    memcpy(buf + n, mml__ptr(ctx, d->in), nc * sizeof(int16_t));
    n += nc;
    if (!*started) { // the first frame again, left_context times
        for (uint32_t k = 0; k < d->left; k++, n += nc) {
            memcpy(buf + n, buf + n - nc, nc * sizeof(int16_t));
        }
        *started = 1;
    }
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    uint8_t valid = n >= d->window;
    if (valid) {
        memcpy(out, buf, d->window * sizeof(int16_t));
        memmove(buf, buf + d->step, (n - d->step) * sizeof(int16_t));
        n -= d->step;
    } else {
        memset(out, 0, d->window * sizeof(int16_t));
    }
    *held = (int32_t)n;
    *(uint8_t *)mml__ptr(ctx, d->valid) = valid;
    return MML_OK;
}

mml_status_t mml__prepare_signal_stacker(mml_prep_t *p) {
    mml__tensor_t in, out, valid;
    mml__flex_t map;
    int32_t nc, left, right, step;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 2)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 0, MML_INT16, 1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_INT16, 1, &out)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 1, MML_BOOL, 0, &valid)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "num_channels", 1, 1 << 16, &nc)) != MML_OK ||
        (st = mml__signal_int(p, &map, "stacker_left_context", 0, 1 << 10, &left)) != MML_OK ||
        (st = mml__signal_int(p, &map, "stacker_right_context", 0, 1 << 10, &right)) != MML_OK ||
        (st = mml__signal_int(p, &map, "stacker_step", 1, left + right + 1, &step)) != MML_OK) {
        return st;
    }
    const uint32_t window = (uint32_t)nc * (uint32_t)(left + right + 1);
    if (in.elems != (uint32_t)nc || out.elems != window) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "%u inputs, %u outputs: expected num_channels %d and %u", in.elems, out.elems, nc,
            window);
    }
    p->eval = eval_stacker;
    mml__prep_state(p, STATE_HEAD + ((window * (uint32_t)sizeof(int16_t) + 3) & ~3u));
    stacker_t *d = (stacker_t *)mml__prep_persist(p, sizeof(stacker_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->out = mml__prep_loc(p, &out);
        d->valid = mml__prep_loc(p, &valid);
        d->state = mml__prep_state_loc(p);
        d->channels = (uint32_t)nc;
        d->left = (uint32_t)left;
        d->window = window;
        d->step = (uint32_t)nc * (uint32_t)step;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALSTACKER)
