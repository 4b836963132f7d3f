// SPDX-License-Identifier: MIT
// SignalPCAN (TFLM signal library): per-channel automatic gain control. The gain at each
// channel's noise estimate comes from a piecewise-quadratic table (input 2, int16, 125 entries
// cover every uint32 estimate), the gained signal-to-noise ratio goes through PCAN's shrink curve
// (x^2 / 4 below 2, x - 1 above; 12 fractional bits in, 6 out). uint32 in and out.
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALPCAN)

#define GAIN_LUT_MIN 125 // 4 * 32 - 6 + 3: the segment of the largest uint32 estimate

typedef struct {
    uint32_t in, noise, lut, out; // locations
    uint32_t n;
    int32_t snr_shift;
} pcan_t;

static mml_status_t eval_pcan(const mml_eval_ctx_t *ctx, void *data) {
    const pcan_t *d = (const pcan_t *)data;
    const uint32_t *in = (const uint32_t *)mml__ptr(ctx, d->in);
    const uint32_t *noise = (const uint32_t *)mml__ptr(ctx, d->noise);
    const int16_t *lut = (const int16_t *)mml__ptr(ctx, d->lut);
    uint32_t *out = (uint32_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        const uint32_t gain = (uint32_t)(int32_t)mml__audio_pcan_gain(noise[i], lut);
        const uint32_t snr = (uint32_t)(((uint64_t)in[i] * gain) >> d->snr_shift);
        out[i] = mml__audio_pcan_shrink(snr);
    }
    return MML_OK;
}

mml_status_t mml__prepare_signal_pcan(mml_prep_t *p) {
    mml__tensor_t in, noise, lut, out;
    mml__flex_t map;
    int32_t snr_shift;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 3, 3, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 0, MML_UINT32, 1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 1, MML_UINT32, 1, &noise)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 2, MML_INT16, 1, &lut)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_UINT32, 1, &out)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "snr_shift", 0, 63, &snr_shift)) != MML_OK) {
        return st;
    }
    if (in.elems == 0 || noise.elems != in.elems || out.elems != in.elems) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "%u inputs, %u noise estimates, %u outputs: expected as many", in.elems, noise.elems,
            out.elems);
    }
    if (lut.elems < GAIN_LUT_MIN) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "gain table has %u entries, expected %u",
            lut.elems, GAIN_LUT_MIN);
    }
    p->eval = eval_pcan;
    p->inplace = 1; // each channel is read before it is written
    pcan_t *d = (pcan_t *)mml__prep_persist(p, sizeof(pcan_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->noise = mml__prep_loc(p, &noise);
        d->lut = mml__prep_loc(p, &lut);
        d->out = mml__prep_loc(p, &out);
        d->n = in.elems;
        d->snr_shift = snr_shift;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALPCAN)
