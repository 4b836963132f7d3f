// SPDX-License-Identifier: MIT
// Init-time double math for the DSP tables (see dsp_math.h): Taylor series after an octant
// reduction for cos/sin, atanh series for log, range-reduced Taylor for exp.
#include <stdint.h>
#include <string.h>
#include "microml/mml_config.h"
#include "dsp/dsp_math.h"

#if MML_ENABLE_FFT

// sin(r) and cos(r) for |r| <= pi/4 (Taylor to r^21 / 21!, below 1e-19 there).
static double sin_small(double r) {
    double r2 = r * r, term = r, sum = r;
    for (int k = 2; k <= 20; k += 2) {
        term *= -r2 / (double)(k * (k + 1));
        sum += term;
    }
    return sum;
}

static double cos_small(double r) {
    double r2 = r * r, term = 1.0, sum = 1.0;
    for (int k = 1; k <= 19; k += 2) {
        term *= -r2 / (double)(k * (k + 1));
        sum += term;
    }
    return sum;
}

// x = q pi/2 + r with |r| <= pi/4 (pi/2 split in three for an exact-enough reduction).
static double reduce(double x, int64_t *q) {
    const double pio2_1 = 1.57079632673412561417e+00;
    const double pio2_2 = 6.07710050650619224932e-11;
    const double pio2_3 = 2.02226624871116645580e-21;
    double k = mml__floor(x * (2.0 / MML__PI) + 0.5);
    *q = (int64_t)k;
    return ((x - k * pio2_1) - k * pio2_2) - k * pio2_3;
}

double mml__cos(double x) {
    int64_t q;
    double r = reduce(x, &q);
    switch (q & 3) {
        case 0:
            return cos_small(r);
        case 1:
            return -sin_small(r);
        case 2:
            return -cos_small(r);
        default:
            return sin_small(r);
    }
}

double mml__sin(double x) {
    int64_t q;
    double r = reduce(x, &q);
    switch (q & 3) {
        case 0:
            return sin_small(r);
        case 1:
            return cos_small(r);
        case 2:
            return -sin_small(r);
        default:
            return -cos_small(r);
    }
}

// 2 pi num / den = q pi/2 + r: num * 4 = q * den + rem, reduced in integers, so quarter turns
// give exactly 0 and +-1.
static double turn_reduce(long num, long den, int64_t *q) {
    int64_t n4 = (int64_t)num * 4, d = den;
    int64_t k = n4 / d, rem = n4 - k * d;
    if (2 * rem > d) {
        k++;
        rem -= d;
    } else if (2 * rem < -d) {
        k--;
        rem += d;
    }
    *q = k;
    return (MML__PI / 2.0) * (double)rem / (double)d;
}

double mml__cos_turn(long num, long den) {
    int64_t q;
    double r = turn_reduce(num, den, &q);
    switch (q & 3) {
        case 0:
            return cos_small(r);
        case 1:
            return -sin_small(r);
        case 2:
            return -cos_small(r);
        default:
            return sin_small(r);
    }
}

double mml__sin_turn(long num, long den) {
    int64_t q;
    double r = turn_reduce(num, den, &q);
    switch (q & 3) {
        case 0:
            return sin_small(r);
        case 1:
            return cos_small(r);
        case 2:
            return -sin_small(r);
        default:
            return -cos_small(r);
    }
}

double mml__floor(double x) {
    double t = (double)(int64_t)x;
    return t > x ? t - 1.0 : t;
}

// log(m) for m in [0.7, 1.42] through 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172.
static double log_mid(double m) {
    double s = (m - 1.0) / (m + 1.0), s2 = s * s, term = s, sum = s;
    for (int k = 3; k <= 41; k += 2) {
        term *= s2;
        sum += term / (double)k;
    }
    return 2.0 * sum;
}

double mml__log(double x) {
    const double ln2 = 0.693147180559945309417;
    int e = 0;
    while (x > 1.4142135623730951) {
        x *= 0.5;
        e++;
    }
    while (x < 0.7071067811865476) {
        x *= 2.0;
        e--;
    }
    return (double)e * ln2 + log_mid(x);
}

double mml__log1p(double x) {
    double u = 1.0 + x;
    if (u == 1.0) {
        return x;
    }
    // The rounding of 1 + x is undone by the ratio x / (u - 1).
    return mml__log(u) * (x / (u - 1.0));
}

double mml__exp(double x) {
    const double ln2 = 0.693147180559945309417;
    double k = mml__floor(x / ln2 + 0.5), r = x - k * ln2, term = 1.0, sum = 1.0;
    for (int i = 1; i <= 24; i++) {
        term *= r / (double)i;
        sum += term;
    }
    int64_t n = (int64_t)k;
    while (n > 0) {
        sum *= 2.0;
        n--;
    }
    while (n < 0) {
        sum *= 0.5;
        n++;
    }
    return sum;
}

static uint32_t f2u(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

static float u2f(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

float mml__log1pf_fdlibm(float x) {
    // ln 2 split (hi has trailing zero bits so k * hi is exact) and the minimax coefficients of
    // (log(1 + f) - f + f^2/2) in s = f / (2 + f).
    const float ln2_hi = u2f(0x3f317180u), ln2_lo = u2f(0x3717f7d1u);
    const float lp1 = u2f(0x3f2aaaabu), lp2 = u2f(0x3ecccccdu), lp3 = u2f(0x3e924925u);
    const float lp4 = u2f(0x3e638e29u), lp5 = u2f(0x3e3a3325u), lp6 = u2f(0x3e1cd04fu);
    const float lp7 = u2f(0x3e178897u);
    const int32_t hx = (int32_t)f2u(x);
    const int32_t ax = hx & 0x7fffffff;
    int32_t k = 1, hu = 0;
    float f = 0.0f, c = 0.0f;
    if (hx < 0x3ed413d7) {      // x < sqrt(2) - 1
        if (ax >= 0x3f800000) { // x <= -1
            return x == -1.0f ? -u2f(0x7f800000u) : (x - x) / (x - x);
        }
        if (ax < 0x31000000) { // |x| < 2^-29
            if (ax < 0x24800000) {
                return x;
            }
            return x - x * x * 0.5f;
        }
        if (hx > 0 || hx <= (int32_t)0xbe95f61fu) { // 1 - sqrt(2)/2 < x < sqrt(2) - 1
            k = 0;
            f = x;
            hu = 1;
        }
    }
    if (hx >= 0x7f800000) {
        return x + x;
    }
    if (k != 0) {
        float u;
        if (hx < 0x5a000000) {
            u = 1.0f + x;
            hu = (int32_t)f2u(u);
            k = (hu >> 23) - 127;
            // The rounding error of 1 + x, relative to u.
            c = k > 0 ? 1.0f - (u - x) : x - (u - 1.0f);
            c /= u;
        } else {
            u = x;
            hu = (int32_t)f2u(u);
            k = (hu >> 23) - 127;
            c = 0.0f;
        }
        hu &= 0x007fffff;
        if (hu < 0x3504f7) { // u's mantissa below sqrt(2): normalize into [1, sqrt(2))
            u = u2f((uint32_t)hu | 0x3f800000u);
        } else { // else into [sqrt(2)/2, 1)
            k += 1;
            u = u2f((uint32_t)hu | 0x3f000000u);
            hu = (0x00800000 - hu) >> 2;
        }
        f = u - 1.0f;
    }
    const float hfsq = 0.5f * f * f;
    if (hu == 0) { // |f| < 2^-20
        if (f == 0.0f) {
            if (k == 0) {
                return 0.0f;
            }
            c += (float)k * ln2_lo;
            return (float)k * ln2_hi + c;
        }
        const float r = hfsq * (1.0f - 0.66666666666666666f * f);
        if (k == 0) {
            return f - r;
        }
        return (float)k * ln2_hi - ((r - ((float)k * ln2_lo + c)) - f);
    }
    const float s = f / (2.0f + f);
    const float z = s * s;
    const float r = z * (lp1 + z * (lp2 + z * (lp3 + z * (lp4 + z * (lp5 + z * (lp6 + z * lp7))))));
    if (k == 0) {
        return f - (hfsq - s * (hfsq + r));
    }
    return (float)k * ln2_hi - ((hfsq - (s * (hfsq + r) + ((float)k * ln2_lo + c))) - f);
}

#endif // MML_ENABLE_FFT
