// SPDX-License-Identifier: MIT
// SignalDelay (TFLM signal library): each row of the int16 input (its last dimension) comes out
// delay_length samples later, the first ones zeros; the last delay_length samples of each row are
// state kept across invocations (zeroed by reset, as TFLM's Reset refills them with zeros).
#include <string.h>
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALDELAY)

typedef struct {
    uint32_t in, out, state; // locations
    uint32_t rows, len, delay;
} delay_t;

static mml_status_t eval_delay(const mml_eval_ctx_t *ctx, void *data) {
    const delay_t *d = (const delay_t *)data;
    const uint32_t len = d->len, delay = d->delay;
    for (uint32_t r = 0; r < d->rows; r++) {
        const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in) + r * len;
        int16_t *out = (int16_t *)mml__ptr(ctx, d->out) + r * len;
        int16_t *held = (int16_t *)mml__ptr(ctx, d->state) + r * delay;
        // The row's stream is held samples then in: out takes its first len, held the rest.
        if (delay <= len) {
            memcpy(out, held, delay * sizeof(int16_t));
            memcpy(out + delay, in, (len - delay) * sizeof(int16_t));
            memcpy(held, in + (len - delay), delay * sizeof(int16_t));
        } else {
            memcpy(out, held, len * sizeof(int16_t));
            memmove(held, held + len, (delay - len) * sizeof(int16_t));
            memcpy(held + (delay - len), in, len * sizeof(int16_t));
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_signal_delay(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__flex_t map;
    int32_t delay;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 0, MML_INT16, -1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_INT16, -1, &out)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "delay_length", 0, 1 << 20, &delay)) != MML_OK) {
        return st;
    }
    const uint32_t len = (uint32_t)in.dims[in.rank - 1];
    if (len == 0 || out.elems != in.elems) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%u inputs, %u outputs in rows of %u",
            in.elems, out.elems, len);
    }
    const uint32_t rows = in.elems / len;
    if ((uint64_t)rows * (uint32_t)delay * sizeof(int16_t) > INT32_MAX) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "state of %u rows of %d samples too large",
            rows, delay);
    }
    p->eval = eval_delay;
    mml__prep_state(p, rows * (uint32_t)delay * (uint32_t)sizeof(int16_t));
    delay_t *d = (delay_t *)mml__prep_persist(p, sizeof(delay_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->out = mml__prep_loc(p, &out);
        d->state = mml__prep_state_loc(p);
        d->rows = rows;
        d->len = len;
        d->delay = (uint32_t)delay;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALDELAY)
