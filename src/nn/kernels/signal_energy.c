// SPDX-License-Identifier: MIT
// SignalEnergy (TFLM signal library): the power re^2 + im^2 of the int16 complex bins
// start_index .. end_index - 1 (uint32, wrapping as TFLM's int32 sum does); the bins outside
// that range are set to 0 (TFLM leaves them unwritten).
#include <string.h>
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALENERGY)

typedef struct {
    uint32_t in, out; // locations
    uint32_t n;       // output bins
    int32_t start, end;
} energy_t;

static mml_status_t eval_energy(const mml_eval_ctx_t *ctx, void *data) {
    const energy_t *d = (const energy_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    uint32_t *out = (uint32_t *)mml__ptr(ctx, d->out);
    memset(out, 0, d->n * sizeof(uint32_t));
    for (int32_t i = d->start; i < d->end; i++) {
        const int32_t re = in[2 * i], im = in[2 * i + 1];
        out[i] = (uint32_t)(re * re) + (uint32_t)(im * im);
    }
    return MML_OK;
}

mml_status_t mml__prepare_signal_energy(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__flex_t map;
    int32_t start, end;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 0, MML_INT16, 1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_UINT32, 1, &out)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "start_index", 0, INT32_MAX, &start)) != MML_OK ||
        (st = mml__signal_int(p, &map, "end_index", start, INT32_MAX, &end)) != MML_OK) {
        return st;
    }
    if ((uint32_t)end > out.elems || (uint32_t)end > in.elems / 2) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "option 'end_index' %d beyond %u complex input bins or %u outputs", end,
            in.elems / 2, out.elems);
    }
    p->eval = eval_energy;
    energy_t *d = (energy_t *)mml__prep_persist(p, sizeof(energy_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->out = mml__prep_loc(p, &out);
        d->n = out.elems;
        d->start = start;
        d->end = end;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALENERGY)
