// SPDX-License-Identifier: MIT
// KISS FFT's fixed-point real FFT and inverse (see signal_kiss.h): mixed radix 4 / 2, decimation
// in time, each stage dividing by its radix with rounding (C_FIXDIV), products rounded back with
// (x + 2^(f-1)) >> f, f = 15 or 31 fractional bits.
#include "nn/kernels/signal_kiss.h"
#include "nn/kernels/signal.h"
#include "dsp/dsp_math.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALRFFT) || MML_OP_ON(SIGNALIRFFT)

typedef struct {
    int32_t r, i;
} cpx_t;

// A value stored as KISS's kiss_fft_scalar of this width.
static int32_t wrap(int64_t v, int32_t bits) {
    return bits == 16 ? (int32_t)(int16_t)(uint16_t)(uint64_t)v : (int32_t)(uint32_t)(uint64_t)v;
}

// sround of a product sum: wrapped to KISS's SAMPPROD (int32 or int64), rounded, stored.
static int32_t sround(uint64_t prod, int32_t bits) {
    if (bits == 16) {
        const int32_t p = (int32_t)(uint32_t)prod;
        return wrap((int32_t)((uint32_t)p + (1u << 14)) >> 15, 16);
    }
    return wrap((int64_t)(prod + (1u << 30)) >> 31, 32);
}

// KISS's HALF_OF(a + b): the sum in int for int16 scalars, in (wrapping) int32 for int32 ones.
static int32_t half_sum(int32_t a, int32_t b, int32_t bits) {
    return bits == 16 ? wrap(((int64_t)a + b) >> 1, 16) : wrap((int64_t)a + b, 32) >> 1;
}

static uint64_t mul(int32_t a, int32_t b) {
    return (uint64_t)((int64_t)a * b);
}

static cpx_t cmul(cpx_t a, cpx_t b, int32_t bits) {
    cpx_t m;
    m.r = sround(mul(a.r, b.r) - mul(a.i, b.i), bits);
    m.i = sround(mul(a.r, b.i) + mul(a.i, b.r), bits);
    return m;
}

static cpx_t fixdiv(cpx_t c, int32_t radix, int32_t bits) {
    const int32_t k = (bits == 16 ? 32767 : INT32_MAX) / radix;
    c.r = sround(mul(c.r, k), bits);
    c.i = sround(mul(c.i, k), bits);
    return c;
}

static cpx_t cadd(cpx_t a, cpx_t b, int32_t bits) {
    cpx_t s = {wrap((int64_t)a.r + b.r, bits), wrap((int64_t)a.i + b.i, bits)};
    return s;
}

static cpx_t csub(cpx_t a, cpx_t b, int32_t bits) {
    cpx_t s = {wrap((int64_t)a.r - b.r, bits), wrap((int64_t)a.i - b.i, bits)};
    return s;
}

static void stage(const mml__kiss_t *k, cpx_t *out, int32_t fstride, const cpx_t *tw, int32_t p,
    int32_t m) {
    const int32_t b = k->bits;
    for (int32_t j = 0; j < m; j++) {
        if (p == 2) {
            cpx_t x = fixdiv(out[j], 2, b), y = fixdiv(out[j + m], 2, b);
            cpx_t t = cmul(y, tw[j * fstride], b);
            out[j + m] = csub(x, t, b);
            out[j] = cadd(x, t, b);
            continue;
        }
        cpx_t a0 = fixdiv(out[j], 4, b), a1 = fixdiv(out[j + m], 4, b);
        cpx_t a2 = fixdiv(out[j + 2 * m], 4, b), a3 = fixdiv(out[j + 3 * m], 4, b);
        cpx_t s0 = cmul(a1, tw[j * fstride], b);
        cpx_t s1 = cmul(a2, tw[2 * j * fstride], b);
        cpx_t s2 = cmul(a3, tw[3 * j * fstride], b);
        cpx_t s5 = csub(a0, s1, b);
        a0 = cadd(a0, s1, b);
        cpx_t s3 = cadd(s0, s2, b), s4 = csub(s0, s2, b);
        out[j + 2 * m] = csub(a0, s3, b);
        out[j] = cadd(a0, s3, b);
        const int32_t sg = k->inverse ? -1 : 1; // the inverse turns the other way
        out[j + m].r = wrap((int64_t)s5.r + sg * (int64_t)s4.i, b);
        out[j + m].i = wrap((int64_t)s5.i - sg * (int64_t)s4.r, b);
        out[j + 3 * m].r = wrap((int64_t)s5.r - sg * (int64_t)s4.i, b);
        out[j + 3 * m].i = wrap((int64_t)s5.i + sg * (int64_t)s4.r, b);
    }
}

static void work(const mml__kiss_t *k, cpx_t *out, const cpx_t *in, int32_t fstride,
    const int32_t *factors, const cpx_t *tw) {
    const int32_t p = factors[0], m = factors[1];
    for (int32_t q = 0; q < p; q++) {
        if (m == 1) {
            out[q] = in[q * fstride];
        } else {
            work(k, out + q * m, in + q * fstride, fstride * p, factors + 2, tw);
        }
    }
    stage(k, out, fstride, tw, p, m);
}

static int32_t q_round(double v, int32_t bits) {
    return (int32_t)mml__floor(0.5 + (bits == 16 ? 32767.0 : 2147483647.0) * v);
}

void mml__kiss_init(mml__kiss_t *k, int32_t n, int32_t bits, int32_t inverse, int32_t *table) {
    const int32_t m = n / 2;
    const long sg = inverse ? 1 : -1;
    k->n = n;
    k->bits = bits;
    k->inverse = inverse;
    // Twiddles e^{-+2 pi i j / m}; super twiddles e^{-+i pi ((j + 1) / m + 1/2)}.
    for (int32_t j = 0; j < m; j++) {
        table[2 * j] = q_round(mml__cos_turn(sg * j, m), bits);
        table[2 * j + 1] = q_round(mml__sin_turn(sg * j, m), bits);
    }
    for (int32_t j = 0; j < m / 2; j++) {
        const long num = sg * (2 * (j + 1) + m), den = 4L * m;
        table[2 * m + 2 * j] = q_round(mml__cos_turn(num, den), bits);
        table[2 * m + 2 * j + 1] = q_round(mml__sin_turn(num, den), bits);
    }
    int32_t s = 0, rest = m;
    while (rest > 1) {
        const int32_t p = rest % 4 == 0 ? 4 : 2;
        rest /= p;
        k->factors[2 * s] = p;
        k->factors[2 * s + 1] = rest;
        s++;
    }
    k->nfactors = s;
}

void mml__kiss_run(const mml__kiss_t *k, const int32_t *table, const int32_t *x, int32_t *work_,
    int32_t *out) {
    const int32_t m = k->n / 2, b = k->bits;
    const cpx_t *tw = (const cpx_t *)table, *super = tw + m;
    cpx_t *z = (cpx_t *)work_;
    if (!k->inverse) {
        cpx_t *o = (cpx_t *)out;
        work(k, z, (const cpx_t *)x, 1, k->factors, tw);
        const cpx_t dc = fixdiv(z[0], 2, b);
        o[0].r = wrap((int64_t)dc.r + dc.i, b);
        o[0].i = 0;
        o[m].r = wrap((int64_t)dc.r - dc.i, b);
        o[m].i = 0;
        for (int32_t j = 1; j <= m / 2; j++) {
            cpx_t fpk = fixdiv(z[j], 2, b), fpnk = z[m - j];
            fpnk.i = wrap(-(int64_t)fpnk.i, b);
            fpnk = fixdiv(fpnk, 2, b);
            const cpx_t f1k = cadd(fpk, fpnk, b), f2k = csub(fpk, fpnk, b);
            const cpx_t t = cmul(f2k, super[j - 1], b);
            o[j].r = half_sum(f1k.r, t.r, b);
            o[j].i = half_sum(f1k.i, t.i, b);
            o[m - j].r = half_sum(f1k.r, wrap(-(int64_t)t.r, 32), b);
            o[m - j].i = half_sum(t.i, wrap(-(int64_t)f1k.i, 32), b);
        }
        return;
    }
    const cpx_t *f = (const cpx_t *)x;
    cpx_t t0;
    t0.r = wrap((int64_t)f[0].r + f[m].r, b);
    t0.i = wrap((int64_t)f[0].r - f[m].r, b);
    z[0] = fixdiv(t0, 2, b);
    for (int32_t j = 1; j <= m / 2; j++) {
        cpx_t fk = f[j], fnkc = f[m - j];
        fnkc.i = wrap(-(int64_t)fnkc.i, b);
        fk = fixdiv(fk, 2, b);
        fnkc = fixdiv(fnkc, 2, b);
        const cpx_t fek = cadd(fk, fnkc, b), tmp = csub(fk, fnkc, b);
        const cpx_t fok = cmul(tmp, super[j - 1], b);
        z[j] = cadd(fek, fok, b);
        z[m - j] = csub(fek, fok, b);
        z[m - j].i = wrap(-(int64_t)z[m - j].i, b);
    }
    work(k, (cpx_t *)out, z, 1, k->factors, tw);
}

enum { TT_FLOAT32 = 0, TT_INT32 = 2, TT_INT16 = 7 }; // TFLite's TensorType codes of option T

mml_status_t mml__signal_fft_prepare(mml_prep_t *p, mml_dtype_t *dtype, int32_t *n,
    mml__tensor_t *in, mml__tensor_t *out) {
    mml__flex_t map;
    int32_t type;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "T", INT32_MIN, INT32_MAX, &type)) != MML_OK ||
        (st = mml__signal_int(p, &map, "fft_length", 4, 4096, n)) != MML_OK) {
        return st;
    }
    *dtype = type == TT_INT16 ? MML_INT16
        : type == TT_INT32    ? MML_INT32
        : type == TT_FLOAT32  ? MML_FLOAT32
                              : MML_BOOL;
    if (*dtype == MML_BOOL || (*dtype == MML_FLOAT32 && !MML_ENABLE_FLOAT)) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "option 'T' is %d, expected %d (int16), "
            "%d (int32) or %d (float32)", type, TT_INT16, TT_INT32, TT_FLOAT32);
    }
    if ((*n & (*n - 1)) != 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
            "option 'fft_length' is %d, expected a power of two", *n);
    }
    if ((st = mml__signal_tensor(p, 0, 0, *dtype, -1, in)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, *dtype, in->rank, out)) != MML_OK) {
        return st;
    }
    return MML_OK;
}

#endif // SIGNALRFFT or SIGNALIRFFT
