// SPDX-License-Identifier: MIT
// Single-precision exp, expm1, log, tanh, sqrt without libm (accuracy in mathf.h).
// Classic argument reduction (Cody-Waite split of ln 2) plus short polynomials, float only.
#include <stdint.h>
#include <string.h>
#include "core/mathf.h"

// ln 2 split so that k * LN2_HI is exact for |k| < 2^15 (LN2_HI has 9 significant bits).
#define LN2_HI (0.693359375f)
#define LN2_LO (-2.12194440e-4f)
#define LOG2E (1.44269504088896341f)

static float from_bits(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

static uint32_t to_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

// 2^n for n in [-126, 127].
static float pow2i(int32_t n) {
    return from_bits((uint32_t)(n + 127) << 23);
}

float mml__expf(float x) {
    if (x != x) {
        return x;
    }
    if (x > 89.0f) {
        return from_bits(0x7f800000u);
    }
    if (x < -104.0f) {
        return 0.0f;
    }
    // x = k ln2 + r, |r| <= ln2 / 2.
    float kf = x * LOG2E;
    int32_t k = (int32_t)(kf >= 0.0f ? kf + 0.5f : kf - 0.5f);
    float r = (x - (float)k * LN2_HI) - (float)k * LN2_LO;
    // e^r = 1 + r + r^2 (1/2 + r/6 + ... + r^5/5040): truncation < 0.1 ulp for |r| <= 0.35.
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    float y = 1.0f + (r + r * r * p);
    if (k > 127) { // x in (88.38, 89]: finite up to FLT_MAX, else overflows to inf
        return y * 2.0f * pow2i(k - 1);
    }
    if (k < -125) { // subnormal result: scale in two steps so only the last one rounds
        return (y * pow2i(k + 64)) * pow2i(-64);
    }
    return y * pow2i(k);
}

float mml__expm1f(float x) {
    float a = x < 0.0f ? -x : x;
    if (!(a < 1.0f)) {
        return x < -20.0f ? -1.0f : mml__expf(x) - 1.0f; // no cancellation: |e^x - 1| > 0.63
    }
    // x + x^2 (1/2! + x/3! + ... + x^10/12!): truncation < 1e-9 relative for |x| < 1.
    float p = 1.0f / 479001600.0f;
    p = p * x + 1.0f / 39916800.0f;
    p = p * x + 1.0f / 3628800.0f;
    p = p * x + 1.0f / 362880.0f;
    p = p * x + 1.0f / 40320.0f;
    p = p * x + 1.0f / 5040.0f;
    p = p * x + 1.0f / 720.0f;
    p = p * x + 1.0f / 120.0f;
    p = p * x + 1.0f / 24.0f;
    p = p * x + 1.0f / 6.0f;
    p = p * x + 0.5f;
    return x + x * x * p;
}

float mml__logf(float x) {
    uint32_t u = to_bits(x);
    if (x != x || u == 0x7f800000u) {
        return x; // NaN, +inf
    }
    if (x == 0.0f) {
        return -from_bits(0x7f800000u);
    }
    if (x < 0.0f) {
        return from_bits(0x7fc00000u);
    }
    int32_t e = 0;
    if (u < 0x00800000u) { // subnormal: scale by 2^23
        u = to_bits(x * 8388608.0f);
        e = -23;
    }
    e += (int32_t)(u >> 23) - 127;
    // m in [sqrt(1/2), sqrt(2)), x = m 2^e.
    float m = from_bits((u & 0x007fffffu) | 0x3f800000u);
    if (m > 1.41421356f) {
        m *= 0.5f;
        e++;
    }
    // log(1 + f) = f - f^2/2 + s (f^2/2 + R), s = f / (2 + f), R = 2s^2/3 + 2s^4/5 + ...
    float f = m - 1.0f;
    float s = f / (2.0f + f);
    float z = s * s;
    float r = 2.0f / 11.0f;
    r = r * z + 2.0f / 9.0f;
    r = r * z + 2.0f / 7.0f;
    r = r * z + 2.0f / 5.0f;
    r = r * z + 2.0f / 3.0f;
    r *= z;
    float hfsq = 0.5f * f * f;
    float ef = (float)e;
    return ef * LN2_HI + ((f - hfsq + s * (hfsq + r)) + ef * LN2_LO);
}

float mml__tanhf(float x) {
    float a = x < 0.0f ? -x : x;
    if (x != x) {
        return x;
    }
    if (a < 2.44140625e-4f) { // 2^-12: tanh(x) = x to float precision
        return x;
    }
    float t;
    if (a > 9.1f) {
        t = 1.0f;
    } else {
        // tanh(a) = (e^2a - 1) / (e^2a + 1), with expm1 to keep accuracy near 0.
        float e = mml__expm1f(2.0f * a);
        t = e / (e + 2.0f);
    }
    return x < 0.0f ? -t : t;
}

float mml__sqrtf(float x) {
    if (x != x || x == 0.0f || to_bits(x) == 0x7f800000u) {
        return x;
    }
    if (x < 0.0f) {
        return from_bits(0x7fc00000u);
    }
    float scale = 1.0f;
    if (x < 1.17549435e-38f) { // subnormal: sqrt(x 2^24) = sqrt(x) 2^12
        x *= 16777216.0f;
        scale = 1.0f / 4096.0f;
    }
    // Initial guess from the exponent bits (within ~4%), then Newton steps double the digits.
    float y = from_bits(0x1fbd1df5u + (to_bits(x) >> 1));
    y = 0.5f * (y + x / y);
    y = 0.5f * (y + x / y);
    y = 0.5f * (y + x / y);
    return y * scale;
}
