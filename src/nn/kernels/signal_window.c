// SPDX-License-Identifier: MIT
// SignalWindow (TFLM signal library): out = saturate_int16((in * window) >> shift), the window
// applied to each frame of window-length samples. int16 input, window and output.
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALWINDOW)

typedef struct {
    uint32_t in, window, out; // locations
    uint32_t n, len;          // input elements, window length (n a multiple of it)
    int32_t shift;
} window_t;

static mml_status_t eval_window(const mml_eval_ctx_t *ctx, void *data) {
    const window_t *d = (const window_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    const int16_t *w = (const int16_t *)mml__ptr(ctx, d->window);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    for (uint32_t f = 0; f < d->n; f += d->len) {
        for (uint32_t i = 0; i < d->len; i++) {
            const int32_t v = ((int32_t)in[f + i] * w[i]) >> d->shift;
            out[f + i] = (int16_t)(v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : v);
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_signal_window(mml_prep_t *p) {
    mml__tensor_t in, w, out;
    mml__flex_t map;
    int32_t shift;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 0, MML_INT16, -1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 1, MML_INT16, 1, &w)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_INT16, in.rank, &out)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "shift", 0, 31, &shift)) != MML_OK) {
        return st;
    }
    if (w.elems == 0 || in.elems % w.elems != 0 || out.elems != in.elems) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "%u input samples, %u output, window of %u: expected whole frames", in.elems,
            out.elems, w.elems);
    }
    p->eval = eval_window;
    p->inplace = 1; // each sample is read before it is written
    window_t *d = (window_t *)mml__prep_persist(p, sizeof(window_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->window = mml__prep_loc(p, &w);
        d->out = mml__prep_loc(p, &out);
        d->n = in.elems;
        d->len = w.elems;
        d->shift = shift;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALWINDOW)
