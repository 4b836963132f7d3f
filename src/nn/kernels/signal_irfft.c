// SPDX-License-Identifier: MIT
// SignalIrfft (TFLM signal library): the inverse real FFT of each frame of fft_length / 2 + 1
// complex bins (re, im interleaved) into fft_length real samples. int16 / int32: KISS FFT's
// fixed-point kiss_fftri bit for bit (signal_kiss.c), unscaled as TFLM leaves it; float32: the
// true inverse (numpy.fft.irfft, TFLM divides KISS's result by fft_length), through an n/2-point
// complex FFT; the imaginary parts of bins 0 and n/2 are ignored, as KISS does.
#include <string.h>
#include "dsp/dsp_math.h"
#include "nn/kernels/signal.h"
#include "nn/kernels/signal_kiss.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALIRFFT)

typedef struct {
    uint32_t in, out, scratch, table; // locations
    uint32_t frames;
    mml__kiss_t kiss; // n, and the fixed-point plan (int16 / int32)
} irfft_t;

static mml_status_t eval_irfft_s16(const mml_eval_ctx_t *ctx, void *data) {
    const irfft_t *d = (const irfft_t *)data;
    const int32_t n = d->kiss.n;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    int32_t *x = (int32_t *)mml__ptr(ctx, d->scratch), *work = x + n + 2, *y = work + n;
    const int32_t *table = (const int32_t *)mml__ptr(ctx, d->table);
    for (uint32_t f = 0; f < d->frames; f++) {
        for (int32_t i = 0; i < n + 2; i++) {
            x[i] = in[f * (uint32_t)(n + 2) + (uint32_t)i];
        }
        mml__kiss_run(&d->kiss, table, x, work, y);
        for (int32_t i = 0; i < n; i++) {
            out[f * (uint32_t)n + (uint32_t)i] = (int16_t)y[i];
        }
    }
    return MML_OK;
}

static mml_status_t eval_irfft_s32(const mml_eval_ctx_t *ctx, void *data) {
    const irfft_t *d = (const irfft_t *)data;
    const int32_t n = d->kiss.n;
    const int32_t *in = (const int32_t *)mml__ptr(ctx, d->in);
    int32_t *out = (int32_t *)mml__ptr(ctx, d->out);
    int32_t *work = (int32_t *)mml__ptr(ctx, d->scratch);
    const int32_t *table = (const int32_t *)mml__ptr(ctx, d->table);
    for (uint32_t f = 0; f < d->frames; f++) {
        mml__kiss_run(&d->kiss, table, in + f * (uint32_t)(n + 2), work, out + f * (uint32_t)n);
    }
    return MML_OK;
}

#if MML_ENABLE_FLOAT
// table: e^{+2 pi i k / n} for k < n / 2 (cos, sin pairs).
static mml_status_t eval_irfft_f32(const mml_eval_ctx_t *ctx, void *data) {
    const irfft_t *d = (const irfft_t *)data;
    const int32_t n = d->kiss.n, m = n / 2;
    const float *tw = (const float *)mml__ptr(ctx, d->table);
    float *z = (float *)mml__ptr(ctx, d->scratch);
    for (uint32_t f = 0; f < d->frames; f++) {
        const float *X = (const float *)mml__ptr(ctx, d->in) + f * (uint32_t)(n + 2);
        float *x = (float *)mml__ptr(ctx, d->out) + f * (uint32_t)n;
        // z[k] = E[k] + i O[k]: the DFTs of the even and odd samples, from X[k] and X[m-k]*.
        z[0] = 0.5f * (X[0] + X[2 * m]);
        z[1] = 0.5f * (X[0] - X[2 * m]);
        for (int32_t k = 1; k < m; k++) {
            const float ar = X[2 * k], ai = X[2 * k + 1];
            const float br = X[2 * (m - k)], bi = -X[2 * (m - k) + 1]; // conj X[m-k]
            const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
            const float dr = 0.5f * (ar - br), di = 0.5f * (ai - bi);
            const float c = tw[2 * k], s = tw[2 * k + 1]; // O = (X - conj X[m-k]) e^{+i..} / 2
            const float or_ = dr * c - di * s, oi = dr * s + di * c;
            z[2 * k] = er - oi;
            z[2 * k + 1] = ei + or_;
        }
        // Inverse complex FFT of m points (tw holds e^{+i...}: the inverse), then 1 / m.
        mml__cfft_f32(z, n, tw);
        const float scale = 1.0f / (float)m;
        for (int32_t i = 0; i < n; i++) {
            x[i] = z[i] * scale;
        }
    }
    return MML_OK;
}
#endif

mml_status_t mml__prepare_signal_irfft(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml_dtype_t dtype;
    int32_t n;
    mml_status_t st = mml__signal_fft_prepare(p, &dtype, &n, &in, &out);
    if (st != MML_OK) {
        return st;
    }
    const uint32_t in_len = (uint32_t)in.dims[in.rank - 1];
    const uint32_t out_len = (uint32_t)out.dims[out.rank - 1];
    const uint32_t frames = in_len ? in.elems / in_len : 0;
    if (in_len != (uint32_t)n + 2 || out_len != (uint32_t)n || out.elems != frames * out_len) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "frames of %u values to %u samples: expected fft_length + 2 values, fft_length %d "
            "samples, as many frames", in_len, out_len, n);
    }
    const uint32_t un = (uint32_t)n;
    mml__prep_scratch(p, 4 * (dtype == MML_INT16 ? 3 * un + 2 : un));
    const uint32_t table_bytes = dtype == MML_FLOAT32 ? 4 * un : 4 * MML__KISS_TABLE_LEN(un);
#if MML_ENABLE_FLOAT
    p->eval = dtype == MML_INT16 ? eval_irfft_s16 : dtype == MML_INT32 ? eval_irfft_s32 : eval_irfft_f32;
#else
    p->eval = dtype == MML_INT16 ? eval_irfft_s16 : eval_irfft_s32;
#endif
    p->macs = (uint64_t)frames * un * 8;
    irfft_t *d = (irfft_t *)mml__prep_persist(p, sizeof(irfft_t));
    int32_t *table = (int32_t *)mml__prep_persist(p, table_bytes);
    if (!d) {
        return MML_OK;
    }
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    d->scratch = mml__prep_scratch_loc(p);
    d->table = mml__prep_persist_loc(p, table);
    d->frames = frames;
    if (dtype == MML_FLOAT32) {
        d->kiss.n = n;
#if MML_ENABLE_FLOAT
        float *tw = (float *)table;
        for (int32_t k = 0; k < n / 2; k++) {
            tw[2 * k] = (float)mml__cos_turn(k, n);
            tw[2 * k + 1] = (float)mml__sin_turn(k, n);
        }
#endif
    } else {
        mml__kiss_init(&d->kiss, n, dtype == MML_INT16 ? 16 : 32, 1, table);
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALIRFFT)
