// SPDX-License-Identifier: MIT
// SignalFilterBankSpectralSubtraction (TFLM signal library): a per-channel noise estimate (a
// one-pole smoother, alternate coefficients on odd channels; state kept across invocations,
// zeroed by reset) subtracted from each uint32 channel, floored at min_signal_remaining of the
// input. Output 0 is the cleaned signal, output 1 a copy of the noise estimate.
#include <string.h>
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALFILTERBANKSPECTRALSUBTRACTION)

typedef struct {
    uint32_t in, out, noise_out, noise; // locations (noise: the state)
    uint32_t n;
    uint32_t smoothing, one_minus_smoothing, alt_smoothing, alt_one_minus_smoothing;
    uint32_t min_signal_remaining, smoothing_bits, bits;
    uint8_t clamping;
} spectral_sub_t;

static mml_status_t eval_spectral_sub(const mml_eval_ctx_t *ctx, void *data) {
    const spectral_sub_t *d = (const spectral_sub_t *)data;
    const uint32_t *in = (const uint32_t *)mml__ptr(ctx, d->in);
    uint32_t *out = (uint32_t *)mml__ptr(ctx, d->out);
    uint32_t *noise = (uint32_t *)mml__ptr(ctx, d->noise);
    for (uint32_t i = 0; i < d->n; i++) {
        const uint32_t s = (i & 1) ? d->alt_smoothing : d->smoothing;
        const uint32_t oms = (i & 1) ? d->alt_one_minus_smoothing : d->one_minus_smoothing;
        const uint32_t x = in[i];
        const uint32_t up = x << d->smoothing_bits;
        noise[i] = (uint32_t)(((uint64_t)up * s + (uint64_t)noise[i] * oms) >> d->bits);
        uint32_t est = noise[i];
        if (est > up) {
            est = up;
            if (d->clamping) {
                noise[i] = est;
            }
        }
        const uint32_t floor = (uint32_t)(((uint64_t)x * d->min_signal_remaining) >> d->bits);
        const uint32_t sub = (up - est) >> d->smoothing_bits;
        out[i] = sub > floor ? sub : floor;
    }
    memcpy(mml__ptr(ctx, d->noise_out), noise, d->n * sizeof(uint32_t));
    return MML_OK;
}

mml_status_t mml__prepare_signal_filter_bank_spectral_subtraction(mml_prep_t *p) {
    mml__tensor_t in, out, noise;
    mml__flex_t map;
    int32_t n, s, oms, as, aoms, msr, sbits, bits;
    bool clamping;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 2)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 0, MML_UINT32, 1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_UINT32, 1, &out)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 1, MML_UINT32, 1, &noise)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "num_channels", 1, 65536, &n)) != MML_OK ||
        (st = mml__signal_int(p, &map, "smoothing", INT32_MIN, INT32_MAX, &s)) != MML_OK ||
        (st = mml__signal_int(p, &map, "one_minus_smoothing", INT32_MIN, INT32_MAX, &oms)) !=
            MML_OK ||
        (st = mml__signal_int(p, &map, "alternate_smoothing", INT32_MIN, INT32_MAX, &as)) !=
            MML_OK ||
        (st = mml__signal_int(p, &map, "alternate_one_minus_smoothing", INT32_MIN, INT32_MAX,
             &aoms)) != MML_OK ||
        (st = mml__signal_int(p, &map, "min_signal_remaining", INT32_MIN, INT32_MAX, &msr)) !=
            MML_OK ||
        (st = mml__signal_int(p, &map, "smoothing_bits", 0, 31, &sbits)) != MML_OK ||
        (st = mml__signal_int(p, &map, "spectral_subtraction_bits", 0, 63, &bits)) != MML_OK ||
        (st = mml__signal_bool(p, &map, "clamping", &clamping)) != MML_OK) {
        return st;
    }
    if (in.elems != (uint32_t)n || out.elems != (uint32_t)n || noise.elems != (uint32_t)n) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "%u inputs, %u outputs, %u noise estimates: expected num_channels %d", in.elems,
            out.elems, noise.elems, n);
    }
    p->eval = eval_spectral_sub;
    mml__prep_state(p, (uint32_t)n * sizeof(uint32_t));
    spectral_sub_t *d = (spectral_sub_t *)mml__prep_persist(p, sizeof(spectral_sub_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->out = mml__prep_loc(p, &out);
        d->noise_out = mml__prep_loc(p, &noise);
        d->noise = mml__prep_state_loc(p);
        d->n = (uint32_t)n;
        d->smoothing = (uint32_t)s;
        d->one_minus_smoothing = (uint32_t)oms;
        d->alt_smoothing = (uint32_t)as;
        d->alt_one_minus_smoothing = (uint32_t)aoms;
        d->min_signal_remaining = (uint32_t)msr;
        d->smoothing_bits = (uint32_t)sbits;
        d->bits = (uint32_t)bits;
        d->clamping = clamping;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALFILTERBANKSPECTRALSUBTRACTION)
