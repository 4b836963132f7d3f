// SPDX-License-Identifier: MIT
// SignalFilterBank (TFLM signal library): triangular filters over uint32 power bins, uint64
// outputs. Channel c sums its bins times weight, plus channel c - 1's bins times unweight (1 -
// weight); the band layout is given by constant int16 tensors (start bin, start weight, width per
// channel, num_channels + 1 of each: entry 0 only feeds channel 0's unweighted part). All of
// them are checked at prepare so that eval stays inside every tensor.
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALFILTERBANK)

enum { IN_POWER = 0, IN_WEIGHTS, IN_UNWEIGHTS, IN_FREQ_STARTS, IN_WEIGHT_STARTS, IN_WIDTHS };

typedef struct {
    uint32_t in, weights, unweights, freq_starts, weight_starts, widths, out; // locations
    int32_t channels;
} filter_bank_t;

static mml_status_t eval_filter_bank(const mml_eval_ctx_t *ctx, void *data) {
    const filter_bank_t *d = (const filter_bank_t *)data;
    const uint32_t *in = (const uint32_t *)mml__ptr(ctx, d->in);
    const int16_t *w = (const int16_t *)mml__ptr(ctx, d->weights);
    const int16_t *uw = (const int16_t *)mml__ptr(ctx, d->unweights);
    const int16_t *fs = (const int16_t *)mml__ptr(ctx, d->freq_starts);
    const int16_t *ws = (const int16_t *)mml__ptr(ctx, d->weight_starts);
    const int16_t *widths = (const int16_t *)mml__ptr(ctx, d->widths);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->out);
    uint64_t acc = 0, next = 0;
    for (int32_t c = 0; c <= d->channels; c++) {
        for (int32_t j = 0; j < widths[c]; j++) {
            const uint64_t x = in[fs[c] + j];
            // int16 weights times uint64, as TFLM's (the weight converts to uint64).
            acc += (uint64_t)(int64_t)w[ws[c] + j] * x;
            next += (uint64_t)(int64_t)uw[ws[c] + j] * x;
        }
        if (c > 0) {
            mml__signal_st64(out + 8 * (uint32_t)(c - 1), acc);
        }
        acc = next;
        next = 0;
    }
    return MML_OK;
}

// Input i: int16, rank 1, constant, at least n values.
static mml_status_t layout_tensor(mml_prep_t *p, uint32_t i, uint32_t n, mml__tensor_t *t) {
    mml_status_t st = mml__signal_tensor(p, 0, i, MML_INT16, 1, t);
    if (st != MML_OK) {
        return st;
    }
    if (!t->is_constant || t->data_len < t->bytes) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input %u must be a constant", i);
    }
    if (t->elems < n) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input %u has %u values, expected %u", i,
            t->elems, n);
    }
    return MML_OK;
}

static int16_t at(const mml__tensor_t *t, uint32_t i) {
    return (int16_t)(uint16_t)(t->data[2 * i] | (t->data[2 * i + 1] << 8));
}

mml_status_t mml__prepare_signal_filter_bank(mml_prep_t *p) {
    mml__tensor_t in, w, uw, fs, ws, widths, out;
    mml__flex_t map;
    int32_t channels;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 6, 6, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "num_channels", 1, 4096, &channels)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, IN_POWER, MML_UINT32, 1, &in)) != MML_OK ||
        (st = layout_tensor(p, IN_WEIGHTS, 0, &w)) != MML_OK ||
        (st = layout_tensor(p, IN_UNWEIGHTS, 0, &uw)) != MML_OK ||
        (st = layout_tensor(p, IN_FREQ_STARTS, (uint32_t)channels + 1, &fs)) != MML_OK ||
        (st = layout_tensor(p, IN_WEIGHT_STARTS, (uint32_t)channels + 1, &ws)) != MML_OK ||
        (st = layout_tensor(p, IN_WIDTHS, (uint32_t)channels + 1, &widths)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_UINT64, 1, &out)) != MML_OK) {
        return st;
    }
    if (out.elems != (uint32_t)channels) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%u outputs for %d channels", out.elems,
            channels);
    }
    for (uint32_t c = 0; c <= (uint32_t)channels; c++) {
        const int32_t f = at(&fs, c), s = at(&ws, c), n = at(&widths, c);
        if (f < 0 || s < 0 || n < 0 || (uint32_t)(f + n) > in.elems ||
            (uint32_t)(s + n) > w.elems || (uint32_t)(s + n) > uw.elems) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "channel %u: bins %d + %d or weights %d + %d out of range", c, f, n, s, n);
        }
    }
    p->eval = eval_filter_bank;
    filter_bank_t *d = (filter_bank_t *)mml__prep_persist(p, sizeof(filter_bank_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->weights = mml__prep_loc(p, &w);
        d->unweights = mml__prep_loc(p, &uw);
        d->freq_starts = mml__prep_loc(p, &fs);
        d->weight_starts = mml__prep_loc(p, &ws);
        d->widths = mml__prep_loc(p, &widths);
        d->out = mml__prep_loc(p, &out);
        d->channels = channels;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALFILTERBANK)
