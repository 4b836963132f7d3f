// SPDX-License-Identifier: MIT
// SignalRfft (TFLM signal library): the real FFT of each frame (the input's last dimension,
// zero-padded to fft_length), fft_length / 2 + 1 complex bins interleaved re, im. int16: KISS
// FFT's FIXED_POINT=16 arithmetic bit for bit (src/dsp/fft.c, the one TFLM runs); int32: KISS's
// FIXED_POINT=32 arithmetic (below); float32: src/dsp/fft.c's float FFT (TFLM runs KISS in float,
// the results agree to float rounding). fft_length: a power of two from 4 to 4096.
#include <string.h>
#include "microml/mml_dsp.h"
#include "dsp/dsp_math.h"
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALRFFT)

// TFLite's TensorType codes of option T.
enum { TT_FLOAT32 = 0, TT_INT32 = 2, TT_INT16 = 7 };

typedef struct {
    uint32_t in, out, scratch, table; // locations
    uint32_t frames, in_len;          // frames, samples per input frame
    int32_t n;                        // fft_length
    int32_t nfactors;
    int32_t factors[12];
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

// ---- int32: KISS FFT's FIXED_POINT=32 arithmetic ----
// Products in int64 rounded back by (x + 2^30) >> 31; a stage divides by its radix as KISS's
// C_FIXDIV does (multiply by INT32_MAX / radix, rounded); sums wrap in 32 bits as KISS's do on
// the reference's two's-complement targets. Twiddles round(INT32_MAX * e^{i phase}) as KISS's
// floor(0.5 + ...). Table: n/2 twiddles then n/4 super twiddles of the real split, complex.

typedef struct {
    int32_t r, i;
} cpx32_t;

static int32_t sround32(int64_t x) {
    return (int32_t)((x + ((int64_t)1 << 30)) >> 31);
}

static int32_t wadd(int32_t a, int32_t b) {
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static int32_t wsub(int32_t a, int32_t b) {
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

static cpx32_t cmul32(cpx32_t a, cpx32_t b) {
    cpx32_t m;
    m.r = sround32((int64_t)a.r * b.r - (int64_t)a.i * b.i);
    m.i = sround32((int64_t)a.r * b.i + (int64_t)a.i * b.r);
    return m;
}

static cpx32_t fixdiv32(cpx32_t c, int32_t radix) {
    const int64_t k = INT32_MAX / radix;
    c.r = sround32(c.r * k);
    c.i = sround32(c.i * k);
    return c;
}

static cpx32_t cadd32(cpx32_t a, cpx32_t b) {
    cpx32_t s = {wadd(a.r, b.r), wadd(a.i, b.i)};
    return s;
}

static cpx32_t csub32(cpx32_t a, cpx32_t b) {
    cpx32_t s = {wsub(a.r, b.r), wsub(a.i, b.i)};
    return s;
}

static void stage32(cpx32_t *out, int32_t fstride, const cpx32_t *tw, int32_t p, int32_t m) {
    for (int32_t j = 0; j < m; j++) {
        if (p == 2) {
            cpx32_t a = fixdiv32(out[j], 2), b = fixdiv32(out[j + m], 2);
            cpx32_t t = cmul32(b, tw[j * fstride]);
            out[j + m] = csub32(a, t);
            out[j] = cadd32(a, t);
            continue;
        }
        cpx32_t a0 = fixdiv32(out[j], 4), a1 = fixdiv32(out[j + m], 4);
        cpx32_t a2 = fixdiv32(out[j + 2 * m], 4), a3 = fixdiv32(out[j + 3 * m], 4);
        cpx32_t s0 = cmul32(a1, tw[j * fstride]);
        cpx32_t s1 = cmul32(a2, tw[2 * j * fstride]);
        cpx32_t s2 = cmul32(a3, tw[3 * j * fstride]);
        cpx32_t s5 = csub32(a0, s1);
        a0 = cadd32(a0, s1);
        cpx32_t s3 = cadd32(s0, s2), s4 = csub32(s0, s2);
        out[j + 2 * m] = csub32(a0, s3);
        out[j] = cadd32(a0, s3);
        out[j + m].r = wadd(s5.r, s4.i);
        out[j + m].i = wsub(s5.i, s4.r);
        out[j + 3 * m].r = wsub(s5.r, s4.i);
        out[j + 3 * m].i = wadd(s5.i, s4.r);
    }
}

// The stages of factors (radix, remaining length), decimation in time, depth first.
static void work32(cpx32_t *out, const cpx32_t *in, int32_t fstride, const int32_t *factors,
    const cpx32_t *tw) {
    const int32_t p = factors[0], m = factors[1];
    for (int32_t q = 0; q < p; q++) {
        if (m == 1) {
            out[q] = in[q * fstride];
        } else {
            work32(out + q * m, in + q * fstride, fstride * p, factors + 2, tw);
        }
    }
    stage32(out, fstride, tw, p, m);
}

static int32_t q31_round(double v) {
    return (int32_t)mml__floor(0.5 + 2147483647.0 * v);
}

static void rfft_s32_init(rfft_t *d, int32_t *table) {
    const int32_t m = d->n / 2;
    for (int32_t j = 0; j < m; j++) {
        table[2 * j] = q31_round(mml__cos_turn(-j, m));
        table[2 * j + 1] = q31_round(mml__sin_turn(-j, m));
    }
    for (int32_t j = 0; j < m / 2; j++) {
        const long num = -(2 * (j + 1) + m), den = 4L * m;
        table[2 * m + 2 * j] = q31_round(mml__cos_turn(num, den));
        table[2 * m + 2 * j + 1] = q31_round(mml__sin_turn(num, den));
    }
    int32_t k = 0, rest = m;
    while (rest > 1) {
        const int32_t p = rest % 4 == 0 ? 4 : 2;
        rest /= p;
        d->factors[2 * k] = p;
        d->factors[2 * k + 1] = rest;
        k++;
    }
    d->nfactors = k;
}

static mml_status_t eval_rfft_s32(const mml_eval_ctx_t *ctx, void *data) {
    const rfft_t *d = (const rfft_t *)data;
    const int32_t *in = (const int32_t *)mml__ptr(ctx, d->in);
    int32_t *frame = (int32_t *)mml__ptr(ctx, d->scratch);
    cpx32_t *z = (cpx32_t *)(frame + d->n);
    const cpx32_t *tw = (const cpx32_t *)mml__ptr(ctx, d->table);
    const cpx32_t *super = tw + d->n / 2;
    const int32_t m = d->n / 2;
    for (uint32_t f = 0; f < d->frames; f++) {
        cpx32_t *o = (cpx32_t *)mml__ptr(ctx, d->out) + f * (uint32_t)(m + 1);
        memcpy(frame, in + f * d->in_len, d->in_len * sizeof(int32_t));
        memset(frame + d->in_len, 0, (d->n - d->in_len) * sizeof(int32_t));
        work32(z, (const cpx32_t *)frame, 1, d->factors, tw);
        const cpx32_t dc = fixdiv32(z[0], 2);
        o[0].r = wadd(dc.r, dc.i);
        o[0].i = 0;
        o[m].r = wsub(dc.r, dc.i);
        o[m].i = 0;
        for (int32_t k = 1; k <= m / 2; k++) {
            cpx32_t fpk = fixdiv32(z[k], 2), fpnk = z[m - k];
            fpnk.i = wsub(0, fpnk.i);
            fpnk = fixdiv32(fpnk, 2);
            const cpx32_t f1k = cadd32(fpk, fpnk), f2k = csub32(fpk, fpnk);
            const cpx32_t t = cmul32(f2k, super[k - 1]);
            o[k].r = wadd(f1k.r, t.r) >> 1;
            o[k].i = wadd(f1k.i, t.i) >> 1;
            o[m - k].r = wsub(f1k.r, t.r) >> 1;
            o[m - k].i = wsub(t.i, f1k.i) >> 1;
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_signal_rfft(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__flex_t map;
    int32_t type, n;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "T", INT32_MIN, INT32_MAX, &type)) != MML_OK ||
        (st = mml__signal_int(p, &map, "fft_length", 4, 4096, &n)) != MML_OK) {
        return st;
    }
    mml_dtype_t dtype = type == TT_INT16 ? MML_INT16
        : type == TT_INT32               ? MML_INT32
        : type == TT_FLOAT32             ? MML_FLOAT32
                                         : MML_BOOL;
    if (dtype == MML_BOOL || (dtype == MML_FLOAT32 && !MML_ENABLE_FLOAT)) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "option 'T' is %d, expected %d (int16), "
            "%d (int32) or %d (float32)", type, TT_INT16, TT_INT32, TT_FLOAT32);
    }
    if ((n & (n - 1)) != 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
            "option 'fft_length' is %d, expected a power of two", n);
    }
    if ((st = mml__signal_tensor(p, 0, 0, dtype, -1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, dtype, in.rank, &out)) != MML_OK) {
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
        : dtype == MML_INT32                  ? (uint32_t)(3 * n / 2) * 4
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
        memcpy(d->factors, fft.factors, sizeof(d->factors));
    } else if (dtype == MML_INT32) {
        rfft_s32_init(d, (int32_t *)table);
#if MML_ENABLE_FLOAT
    } else {
        mml_rfft_f32_t fft;
        mml_rfft_f32_init(&fft, n, (float *)table);
#endif
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALRFFT)
