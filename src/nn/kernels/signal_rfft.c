// SPDX-License-Identifier: MIT
// SignalRfft (TFLM signal library): the real FFT of each frame (the input's last dimension,
// zero-padded to fft_length), fft_length / 2 + 1 complex bins interleaved re, im. int16: KISS
// FFT's FIXED_POINT=16 arithmetic bit for bit (src/dsp/fft.c, the one TFLM runs); int32: KISS's
// FIXED_POINT=32 arithmetic (signal_kiss.c); float32: src/dsp/fft.c's float FFT (TFLM runs KISS in float,
// the results agree to float rounding). fft_length: a power of two from 4 to 4096.
#include <string.h>
#include "microml/mml_dsp.h"
#include "nn/kernels/signal.h"
#include "nn/kernels/signal_kiss.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALRFFT)

typedef struct {
    uint32_t in, out, scratch, table; // locations
    uint32_t frames, in_len;          // frames, samples per input frame
    int32_t n;                        // fft_length
    int32_t nfactors;
    int32_t factors[24];
} rfft_t;

static mml_status_t eval_rfft_s16(const mml_eval_ctx_t *ctx, void *data) {
    const rfft_t *d = (const rfft_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    int16_t *frame = (int16_t *)mml__ptr(ctx, d->scratch);
    int16_t *work = frame + d->n;
    mml_rfft_s16_t fft;
    fft.n = d->n;
    fft.nfactors = d->nfactors;
    memcpy(fft.factors, d->factors, sizeof(fft.factors));
    fft.table = (const int16_t *)mml__ptr(ctx, d->table);
    for (uint32_t f = 0; f < d->frames; f++) {
        memcpy(frame, in + f * d->in_len, d->in_len * sizeof(int16_t));
        memset(frame + d->in_len, 0, (d->n - d->in_len) * sizeof(int16_t));
        mml_rfft_s16(&fft, frame, work, out + f * (uint32_t)(d->n + 2));
    }
    return MML_OK;
}

#if MML_ENABLE_FLOAT
static mml_status_t eval_rfft_f32(const mml_eval_ctx_t *ctx, void *data) {
    const rfft_t *d = (const rfft_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    float *frame = (float *)mml__ptr(ctx, d->scratch);
    mml_rfft_f32_t fft;
    fft.n = d->n;
    fft.table = (const float *)mml__ptr(ctx, d->table);
    for (uint32_t f = 0; f < d->frames; f++) {
        memcpy(frame, in + f * d->in_len, d->in_len * sizeof(float));
        memset(frame + d->in_len, 0, (d->n - d->in_len) * sizeof(float));
        mml_rfft_f32(&fft, frame, out + f * (uint32_t)(d->n + 2));
    }
    return MML_OK;
}
#endif

// int32: KISS's FIXED_POINT=32 arithmetic (signal_kiss.c).
static mml_status_t eval_rfft_s32(const mml_eval_ctx_t *ctx, void *data) {
    const rfft_t *d = (const rfft_t *)data;
    const int32_t *in = (const int32_t *)mml__ptr(ctx, d->in);
    int32_t *out = (int32_t *)mml__ptr(ctx, d->out);
    int32_t *frame = (int32_t *)mml__ptr(ctx, d->scratch);
    mml__kiss_t k;
    k.n = d->n;
    k.bits = 32;
    k.inverse = 0;
    k.nfactors = d->nfactors;
    memcpy(k.factors, d->factors, sizeof(k.factors));
    for (uint32_t f = 0; f < d->frames; f++) {
        memcpy(frame, in + f * d->in_len, d->in_len * sizeof(int32_t));
        memset(frame + d->in_len, 0, (d->n - d->in_len) * sizeof(int32_t));
        mml__kiss_run(&k, (const int32_t *)mml__ptr(ctx, d->table), frame, frame + d->n,
            out + f * (uint32_t)(d->n + 2));
    }
    return MML_OK;
}

mml_status_t mml__prepare_signal_rfft(mml_prep_t *p) {
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
    if (in_len == 0 || in_len > (uint32_t)n || out_len != (uint32_t)n + 2 ||
        out.elems != frames * out_len) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "frames of %u samples to %u values: expected at most fft_length %d samples, "
            "fft_length + 2 values, as many frames", in_len, out_len, n);
    }
    const uint32_t elem = mml_dtype_size(dtype);
    uint32_t table_bytes = dtype == MML_INT16 ? (uint32_t)MML_RFFT_S16_TABLE_LEN(n) * 2
        : dtype == MML_INT32                  ? (uint32_t)MML__KISS_TABLE_LEN(n) * 4
                                              : (uint32_t)MML_RFFT_F32_TABLE_LEN(n) * 4;
    mml__prep_scratch(p, (dtype == MML_FLOAT32 ? 1 : 2) * (uint32_t)n * elem);
#if MML_ENABLE_FLOAT
    p->eval = dtype == MML_INT16 ? eval_rfft_s16 : dtype == MML_INT32 ? eval_rfft_s32 : eval_rfft_f32;
#else
    p->eval = dtype == MML_INT16 ? eval_rfft_s16 : eval_rfft_s32;
#endif
    p->macs = (uint64_t)frames * (uint64_t)n * 8;
    rfft_t *d = (rfft_t *)mml__prep_persist(p, sizeof(rfft_t));
    void *table = mml__prep_persist(p, table_bytes);
    if (!d) {
        return MML_OK;
    }
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    d->scratch = mml__prep_scratch_loc(p);
    d->table = mml__prep_persist_loc(p, table);
    d->frames = frames;
    d->in_len = in_len;
    d->n = n;
    if (dtype == MML_INT16) {
        mml_rfft_s16_t fft;
        mml_rfft_s16_init(&fft, n, (int16_t *)table);
        d->nfactors = fft.nfactors;
        memcpy(d->factors, fft.factors, sizeof(fft.factors));
    } else if (dtype == MML_INT32) {
        mml__kiss_t k;
        mml__kiss_init(&k, n, 32, 0, (int32_t *)table);
        d->nfactors = k.nfactors;
        memcpy(d->factors, k.factors, sizeof(d->factors));
#if MML_ENABLE_FLOAT
    } else {
        mml_rfft_f32_t fft;
        mml_rfft_f32_init(&fft, n, (float *)table);
#endif
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALRFFT)
