// SPDX-License-Identifier: MIT
// SignalFilterBankSquareRoot (TFLM signal library): out = sqrt(in) >> scale_bits, the rounded
// integer square root of each uint64 channel, undoing the FFT's auto scale (input 1, an int32
// scalar computed at run time: a shift outside 0..31 is taken modulo 32, as the x86 shift of
// TFLM's reference build does).
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALFILTERBANKSQUAREROOT)

typedef struct {
    uint32_t in, scale, out; // locations
    uint32_t n;
} fb_sqrt_t;

static mml_status_t eval_fb_sqrt(const mml_eval_ctx_t *ctx, void *data) {
    const fb_sqrt_t *d = (const fb_sqrt_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->in);
    const uint32_t shift = (uint32_t)*(const int32_t *)mml__ptr(ctx, d->scale) & 31u;
    uint32_t *out = (uint32_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        out[i] = mml__audio_sqrt64(mml__signal_ld64(in + 8 * i)) >> shift;
    }
    return MML_OK;
}

mml_status_t mml__prepare_signal_filter_bank_square_root(mml_prep_t *p) {
    mml__tensor_t in, scale, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 0, MML_UINT64, 1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 0, 1, MML_INT32, 0, &scale)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, MML_UINT32, 1, &out)) != MML_OK) {
        return st;
    }
    if (out.elems != in.elems) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%u inputs, %u outputs", in.elems,
            out.elems);
    }
    p->eval = eval_fb_sqrt;
    fb_sqrt_t *d = (fb_sqrt_t *)mml__prep_persist(p, sizeof(fb_sqrt_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->scale = mml__prep_loc(p, &scale);
        d->out = mml__prep_loc(p, &out);
        d->n = in.elems;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALFILTERBANKSQUAREROOT)
