// SPDX-License-Identifier: MIT
// SignalFftAutoScale (TFLM signal library): shifts an int16 frame left by as many bits as its
// largest magnitude leaves free (output 1, int32 scalar), for the int16 FFT's headroom. TFLM's
// running maximum is kept exactly, quirks included: -32768 counts as -32768 (scale 0), and an
// all-zero frame gets scale 0 (GCC's most-significant-bit of 0 is 32).
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALFFTAUTOSCALE)

typedef struct {
    uint32_t in, out, scale; // locations
    uint32_t n;
} auto_scale_t;

static mml_status_t eval_auto_scale(const mml_eval_ctx_t *ctx, void *data) {
    const auto_scale_t *d = (const auto_scale_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    int16_t max = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        const int16_t v = in[i];
        if (v > max) {
            max = v;
        } else if (-(int32_t)v > max) {
            max = (int16_t)(uint16_t)(-(int32_t)v);
        }
    }
    int32_t bits = 16 - (int32_t)mml__audio_msb32((uint32_t)(int32_t)max) - 1;
    if (bits < 0) {
        bits = 0;
    }
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = (int16_t)(uint16_t)((uint32_t)(int32_t)in[i] << bits);
    }
    *(int32_t *)mml__ptr(ctx, d->scale) = bits;
    return MML_OK;
}

mml_status_t mml__prepare_signal_fft_auto_scale(mml_prep_t *p) {
    mml__tensor_t in, out, scale;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 2)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 0, MML_INT16, 1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_INT16, 1, &out)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 1, MML_INT32, 0, &scale)) != MML_OK) {
        return st;
    }
    if (out.elems != in.elems) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%u input samples, %u output",
            in.elems, out.elems);
    }
    p->eval = eval_auto_scale;
    p->inplace = 1; // the maximum is found before anything is written
    auto_scale_t *d = (auto_scale_t *)mml__prep_persist(p, sizeof(auto_scale_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->out = mml__prep_loc(p, &out);
        d->scale = mml__prep_loc(p, &scale);
        d->n = in.elems;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALFFTAUTOSCALE)
