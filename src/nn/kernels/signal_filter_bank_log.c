// SPDX-License-Identifier: MIT
// SignalFilterBankLog (TFLM signal library): out = min(ln(in << input_correction_bits) *
// output_scale, INT16_MAX) in TFLM's fixed-point log (0 for inputs 0 and 1); uint32 in, int16 out.
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALFILTERBANKLOG)

typedef struct {
    uint32_t in, out; // locations
    uint32_t n, correction_bits, output_scale;
} fb_log_t;

static mml_status_t eval_fb_log(const mml_eval_ctx_t *ctx, void *data) {
    const fb_log_t *d = (const fb_log_t *)data;
    const uint32_t *in = (const uint32_t *)mml__ptr(ctx, d->in);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        const uint32_t x = in[i] << d->correction_bits;
        uint32_t v = 0;
        if (x > 1) {
            v = mml__audio_log32(x, d->output_scale);
            v = v < INT16_MAX ? v : INT16_MAX;
        }
        out[i] = (int16_t)v;
    }
    return MML_OK;
}

mml_status_t mml__prepare_signal_filter_bank_log(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__flex_t map;
    int32_t bits, scale;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 0, MML_UINT32, 1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_INT16, 1, &out)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "input_correction_bits", 0, 31, &bits)) != MML_OK ||
        (st = mml__signal_int(p, &map, "output_scale", INT32_MIN, INT32_MAX, &scale)) !=
            MML_OK) {
        return st;
    }
    if (out.elems != in.elems) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%u inputs, %u outputs", in.elems,
            out.elems);
    }
    p->eval = eval_fb_log;
    fb_log_t *d = (fb_log_t *)mml__prep_persist(p, sizeof(fb_log_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->out = mml__prep_loc(p, &out);
        d->n = in.elems;
        d->correction_bits = (uint32_t)bits;
        d->output_scale = (uint32_t)scale;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALFILTERBANKLOG)
