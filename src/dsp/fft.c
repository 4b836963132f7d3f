// SPDX-License-Identifier: MIT
// Real FFTs: float32 (radix-2, n/2-point complex FFT plus the real split) and int16 fixed point
// with KISS FFT's FIXED_POINT=16 arithmetic (radix 4 then 2, each stage divides by its radix with
// rounding), which is what TFLite Micro's microfrontend runs. Cost: O(n log n), no allocation.
#include <stddef.h>
#include "microml/mml_dsp.h"
#include "dsp/dsp_math.h"

#if MML_ENABLE_FFT

static int is_pow2_in(int32_t n, int32_t lo, int32_t hi) {
    return n >= lo && n <= hi && (n & (n - 1)) == 0;
}

// ---- float32 ----

mml_status_t mml_rfft_f32_init(mml_rfft_f32_t *fft, int32_t n, float *table) {
    if (!fft || !table || !is_pow2_in(n, 4, 4096)) {
        return MML_ERR_INVALID_ARG;
    }
    for (int32_t k = 0; k < n / 2; k++) {
        table[2 * k] = (float)mml__cos_turn(k, n);
        table[2 * k + 1] = (float)-mml__sin_turn(k, n);
    }
    fft->n = n;
    fft->table = table;
    return MML_OK;
}

// In place: bit-reversal permutation, then radix-2 butterflies; W_len^j = W_n^(j n / len).
void mml__cfft_f32(float *x, int32_t n, const float *tw) {
    const int32_t m = n / 2;
    for (int32_t i = 1, j = 0; i < m; i++) {
        int32_t bit = m >> 1;
        for (; j & bit; bit >>= 1) {
            j ^= bit;
        }
        j |= bit;
        if (i < j) {
            float tr = x[2 * i], ti = x[2 * i + 1];
            x[2 * i] = x[2 * j];
            x[2 * i + 1] = x[2 * j + 1];
            x[2 * j] = tr;
            x[2 * j + 1] = ti;
        }
    }
    for (int32_t len = 2; len <= m; len <<= 1) {
        const int32_t half = len / 2, step = n / len;
        for (int32_t b = 0; b < m; b += len) {
            for (int32_t j = 0; j < half; j++) {
                const float wr = tw[2 * j * step], wi = tw[2 * j * step + 1];
                float *p = x + 2 * (b + j), *q = x + 2 * (b + j + half);
                const float tr = q[0] * wr - q[1] * wi, ti = q[0] * wi + q[1] * wr;
                q[0] = p[0] - tr;
                q[1] = p[1] - ti;
                p[0] += tr;
                p[1] += ti;
            }
        }
    }
}

void mml_rfft_f32(const mml_rfft_f32_t *fft, float *x, float *out) {
    const int32_t n = fft->n, m = n / 2;
    const float *tw = fft->table;
    // x as m complex values z[j] = x[2j] + i x[2j+1], transformed in place.
    mml__cfft_f32(x, n, tw);
    // Split: E = (Z[k] + conj Z[m-k]) / 2 is the even samples' spectrum, O = (Z[k] - conj
    // Z[m-k]) / 2i the odd ones'; X[k] = E + W_n^k O.
    out[0] = x[0] + x[1];
    out[1] = 0.0f;
    out[2 * m] = x[0] - x[1];
    out[2 * m + 1] = 0.0f;
    for (int32_t k = 1; k < m; k++) {
        const float ar = x[2 * k], ai = x[2 * k + 1];
        const float br = x[2 * (m - k)], bi = -x[2 * (m - k) + 1];
        const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
        const float or_ = 0.5f * (ai - bi), oi = -0.5f * (ar - br);
        const float wr = tw[2 * k], wi = tw[2 * k + 1];
        out[2 * k] = er + or_ * wr - oi * wi;
        out[2 * k + 1] = ei + or_ * wi + oi * wr;
    }
}

// ---- int16, KISS FFT arithmetic ----

typedef struct {
    int16_t r, i;
} cpx16_t;

// KISS's sround: (x + 2^14) >> 15 on its int32 products, kept in int16 as KISS stores it. The sums
// wrap in 32 bits as KISS's do (two near-full-scale products can reach 2^31).
static int16_t sround(uint32_t x) {
    return (int16_t)((int32_t)(x + (1u << 14)) >> 15);
}

static cpx16_t cmul(cpx16_t a, cpx16_t b) {
    cpx16_t m;
    m.r = sround((uint32_t)((int32_t)a.r * b.r) - (uint32_t)((int32_t)a.i * b.i));
    m.i = sround((uint32_t)((int32_t)a.r * b.i) + (uint32_t)((int32_t)a.i * b.r));
    return m;
}

// c / radix as KISS's C_FIXDIV: multiply by 32767 / radix with rounding.
static cpx16_t fixdiv(cpx16_t c, int radix) {
    const int32_t k = 32767 / radix;
    c.r = sround((uint32_t)(c.r * k));
    c.i = sround((uint32_t)(c.i * k));
    return c;
}

static cpx16_t cadd(cpx16_t a, cpx16_t b) {
    cpx16_t s = {(int16_t)(a.r + b.r), (int16_t)(a.i + b.i)};
    return s;
}

static cpx16_t csub(cpx16_t a, cpx16_t b) {
    cpx16_t s = {(int16_t)(a.r - b.r), (int16_t)(a.i - b.i)};
    return s;
}

static void bfly2(cpx16_t *out, int32_t fstride, const cpx16_t *tw, int32_t m) {
    for (int32_t j = 0; j < m; j++) {
        cpx16_t a = fixdiv(out[j], 2), b = fixdiv(out[j + m], 2);
        cpx16_t t = cmul(b, tw[j * fstride]);
        out[j + m] = csub(a, t);
        out[j] = cadd(a, t);
    }
}

static void bfly4(cpx16_t *out, int32_t fstride, const cpx16_t *tw, int32_t m) {
    for (int32_t j = 0; j < m; j++) {
        cpx16_t a0 = fixdiv(out[j], 4), a1 = fixdiv(out[j + m], 4);
        cpx16_t a2 = fixdiv(out[j + 2 * m], 4), a3 = fixdiv(out[j + 3 * m], 4);
        cpx16_t s0 = cmul(a1, tw[j * fstride]);
        cpx16_t s1 = cmul(a2, tw[2 * j * fstride]);
        cpx16_t s2 = cmul(a3, tw[3 * j * fstride]);
        cpx16_t s5 = csub(a0, s1);
        a0 = cadd(a0, s1);
        cpx16_t s3 = cadd(s0, s2), s4 = csub(s0, s2);
        out[j + 2 * m] = csub(a0, s3);
        out[j] = cadd(a0, s3);
        out[j + m].r = (int16_t)(s5.r + s4.i);
        out[j + m].i = (int16_t)(s5.i - s4.r);
        out[j + 3 * m].r = (int16_t)(s5.r - s4.i);
        out[j + 3 * m].i = (int16_t)(s5.i + s4.r);
    }
}

// One mixed-radix stage and, recursively, the ones below it (decimation in time).
static void work(cpx16_t *out, const cpx16_t *in, int32_t fstride, const int32_t *factors,
    const cpx16_t *tw) {
    const int32_t p = factors[0], m = factors[1];
    for (int32_t q = 0; q < p; q++) {
        if (m == 1) {
            out[q] = in[q * fstride];
        } else {
            work(out + q * m, in + q * fstride, fstride * p, factors + 2, tw);
        }
    }
    if (p == 4) {
        bfly4(out, fstride, tw, m);
    } else {
        bfly2(out, fstride, tw, m);
    }
}

static int16_t q15_round(double v) {
    return (int16_t)mml__floor(0.5 + 32767.0 * v);
}

mml_status_t mml_rfft_s16_init(mml_rfft_s16_t *fft, int32_t n, int16_t *table) {
    if (!fft || !table || !is_pow2_in(n, 4, 4096)) {
        return MML_ERR_INVALID_ARG;
    }
    const int32_t m = n / 2;
    // Twiddles e^{-2 pi i j / m}, then the split's e^{-i pi ((j + 1) / m + 1/2)}, both rounded to
    // Q15 with scale 32767 as KISS does.
    for (int32_t j = 0; j < m; j++) {
        table[2 * j] = q15_round(mml__cos_turn(-j, m));
        table[2 * j + 1] = q15_round(mml__sin_turn(-j, m));
    }
    for (int32_t j = 0; j < m / 2; j++) {
        const long num = -(2 * (j + 1) + m), den = 4L * m;
        table[2 * m + 2 * j] = q15_round(mml__cos_turn(num, den));
        table[2 * m + 2 * j + 1] = q15_round(mml__sin_turn(num, den));
    }
    // Radix 4 while it divides, then 2 (KISS's factorization for powers of two).
    int32_t k = 0, rest = m;
    while (rest > 1) {
        const int32_t p = rest % 4 == 0 ? 4 : 2;
        rest /= p;
        fft->factors[2 * k] = p;
        fft->factors[2 * k + 1] = rest;
        k++;
    }
    fft->n = n;
    fft->nfactors = k;
    fft->table = table;
    return MML_OK;
}

void mml_rfft_s16(const mml_rfft_s16_t *fft, const int16_t *x, int16_t *scratch, int16_t *out) {
    const int32_t m = fft->n / 2;
    const cpx16_t *tw = (const cpx16_t *)fft->table;
    const cpx16_t *super = tw + m;
    cpx16_t *z = (cpx16_t *)scratch;
    cpx16_t *o = (cpx16_t *)out;
    work(z, (const cpx16_t *)x, 1, fft->factors, tw);

    cpx16_t dc = fixdiv(z[0], 2);
    o[0].r = (int16_t)(dc.r + dc.i);
    o[0].i = 0;
    o[m].r = (int16_t)(dc.r - dc.i);
    o[m].i = 0;
    for (int32_t k = 1; k <= m / 2; k++) {
        cpx16_t fpk = z[k], fpnk;
        fpnk.r = z[m - k].r;
        fpnk.i = (int16_t)-z[m - k].i;
        fpk = fixdiv(fpk, 2);
        fpnk = fixdiv(fpnk, 2);
        const cpx16_t f1k = cadd(fpk, fpnk), f2k = csub(fpk, fpnk);
        const cpx16_t t = cmul(f2k, super[k - 1]);
        o[k].r = (int16_t)((f1k.r + t.r) >> 1);
        o[k].i = (int16_t)((f1k.i + t.i) >> 1);
        o[m - k].r = (int16_t)((f1k.r - t.r) >> 1);
        o[m - k].i = (int16_t)((t.i - f1k.i) >> 1);
    }
}

#endif // MML_ENABLE_FFT
