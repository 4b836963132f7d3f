// SPDX-License-Identifier: MIT
// Quantization arithmetic (see quant.h for the formulas and rounding modes).
#include <float.h>
#include <string.h>
#include "core/quant.h"

float mml__roundf(float x) {
    // Floats of magnitude >= 2^23 are integers already (and NaN/inf pass through).
    if (!(x > -8388608.0f && x < 8388608.0f)) {
        return x;
    }
    float t = (float)(int32_t)x;
    float d = x - t; // exact
    if (d >= 0.5f) {
        t += 1.0f;
    } else if (d <= -0.5f) {
        t -= 1.0f;
    }
    return t;
}

int32_t mml__round_to_i32(float x) {
    if (!(x == x)) {
        return 0;
    }
    if (x >= 2147483520.0f) { // largest float below 2^31
        return INT32_MAX;
    }
    if (x <= -2147483648.0f) {
        return INT32_MIN;
    }
    return (int32_t)mml__roundf(x);
}

double mml__round(double x) {
    if (!(x > -4503599627370496.0 && x < 4503599627370496.0)) {
        return x;
    }
    double t = (double)(int64_t)x;
    double d = x - t;
    if (d >= 0.5) {
        t += 1.0;
    } else if (d <= -0.5) {
        t -= 1.0;
    }
    return t;
}

double mml__frexp(double x, int32_t *e) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof(bits));
    int32_t exp = (int32_t)((bits >> 52) & 0x7ff);
    *e = 0;
    if (exp == 0x7ff || x == 0.0) {
        return x;
    }
    if (exp == 0) { // subnormal: scale into the normal range first
        x *= 18014398509481984.0; // 2^54
        memcpy(&bits, &x, sizeof(bits));
        exp = (int32_t)((bits >> 52) & 0x7ff) - 54;
    }
    *e = exp - 1022;
    bits = (bits & ~((uint64_t)0x7ff << 52)) | ((uint64_t)1022 << 52);
    memcpy(&x, &bits, sizeof(bits));
    return x;
}

void mml__quantize_multiplier(double m, int32_t *q, int32_t *shift) {
    // Only a corrupted model gets NaN, negative or huge multipliers: keep the result defined.
    if (!(m > 0.0)) {
        m = 0.0;
    } else if (m > 1073741824.0) {
        m = 1073741824.0; // 2^30: shift 31 at most
    }
    if (m == 0.0) {
        *q = 0;
        *shift = 0;
        return;
    }
    int32_t e;
    double frac = mml__frexp(m, &e);
    int64_t q_fixed = (int64_t)mml__round(frac * 2147483648.0);
    if (q_fixed == ((int64_t)1 << 31)) {
        q_fixed /= 2;
        e++;
    }
    if (e < -31) {
        e = 0;
        q_fixed = 0;
    }
    *q = (int32_t)q_fixed;
    *shift = e;
}

// zero_point + round(real / scale) without overflow (scales of corrupted models may be 0).
static int64_t quantize_bound(float real, float scale, int32_t zero_point) {
    return (int64_t)zero_point + mml__round_to_i32(real / scale);
}

int mml__activation_range_q(int32_t act, float scale, int32_t zero_point, int32_t qmin,
    int32_t qmax, int32_t *lo, int32_t *hi) {
    int64_t a = qmin, b = qmax;
    if (act == MML_ACT_RELU || act == MML_ACT_RELU6) {
        a = quantize_bound(0.0f, scale, zero_point);
        if (act == MML_ACT_RELU6) {
            b = quantize_bound(6.0f, scale, zero_point);
        }
    } else if (act == MML_ACT_RELU_N1_TO_1) {
        a = quantize_bound(-1.0f, scale, zero_point);
        b = quantize_bound(1.0f, scale, zero_point);
    } else if (act != MML_ACT_NONE) {
        return 0;
    }
    a = a < qmin ? qmin : a;
    b = b > qmax ? qmax : b;
    *lo = (int32_t)a;
    *hi = (int32_t)(b < a ? a : b);
    return 1;
}

int mml__activation_range_f(int32_t act, float *lo, float *hi) {
    switch (act) {
        case MML_ACT_NONE:
            *lo = -FLT_MAX;
            *hi = FLT_MAX;
            return 1;
        case MML_ACT_RELU:
            *lo = 0.0f;
            *hi = FLT_MAX;
            return 1;
        case MML_ACT_RELU6:
            *lo = 0.0f;
            *hi = 6.0f;
            return 1;
        case MML_ACT_RELU_N1_TO_1:
            *lo = -1.0f;
            *hi = 1.0f;
            return 1;
        default:
            return 0;
    }
}
