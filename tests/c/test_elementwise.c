// SPDX-License-Identifier: MIT
// The fixed-point math behind the int8 SOFTMAX, LOGISTIC, TANH (and DIV) kernels (gemmlowp exp,
// logistic, tanh, reciprocal in quant.h, composed as the kernels compose them) and the libm-free
// float math of mathf.h. Expected values: tests/c/test_elementwise_gen.py, an independent Python
// model written from gemmlowp's and TFLite's formulas (integers), and Python's math module
// rounded to float32 (mathf, compared within a few ulp).
#include <stdint.h>
#include <string.h>
#include "core/mathf.h"
#include "core/quant.h"
#include "mml_test.h"

// TFLite's int8 LOGISTIC / TANH input rescale (scale * 2^27 as frexp mantissa + exponent).
static void q4_params(float scale, int32_t *mult, int32_t *shift, int32_t *radius) {
    double q = mml__frexp((double)scale * 134217728.0, shift);
    *mult = (int32_t)mml__round(q * 2147483648.0);
    *radius = mml__input_radius(4, *shift);
}

static int32_t clamp8(int32_t v) {
    return v < -128 ? -128 : v > 127 ? 127 : v;
}

static int32_t logistic_s8(int32_t x, float scale, int32_t zp) {
    int32_t m, s, r, v = x - zp;
    q4_params(scale, &m, &s, &r);
    if (v <= -r || v >= r) {
        return v <= -r ? -128 : 127;
    }
    return clamp8(mml__rdbpot(mml__fp_logistic(mml__mul_by_qm(v, m, s), 4), 23) - 128);
}

static int32_t tanh_s8(int32_t x, float scale, int32_t zp) {
    int32_t m, s, r, v = x - zp;
    q4_params(scale, &m, &s, &r);
    if (v <= -r || v >= r) {
        return v <= -r ? -128 : 127;
    }
    return clamp8(mml__rdbpot(mml__fp_tanh(mml__mul_by_qm(v, m, s), 4), 24));
}

static void softmax_s8(const int8_t *in, int8_t *out, int n, float scale, float beta) {
    int32_t q, ls, max = -128, sum = 0, bits;
    mml__softmax_scaling((double)beta, (double)scale, 5, &q, &ls);
    int32_t diff_min = -mml__input_radius(5, ls);
    for (int i = 0; i < n; i++) {
        max = in[i] > max ? in[i] : max;
    }
    for (int i = 0; i < n; i++) {
        if (in[i] - max >= diff_min) {
            int32_t e = mml__fp_exp_neg(mml__srdhm((in[i] - max) * (1 << ls), q), 5);
            sum += mml__rdbpot(e, 12);
        }
    }
    int32_t rs = mml__fp_reciprocal(sum, 12, &bits);
    for (int i = 0; i < n; i++) {
        int32_t v = -128;
        if (in[i] - max >= diff_min) {
            int32_t e = mml__fp_exp_neg(mml__srdhm((in[i] - max) * (1 << ls), q), 5);
            v = clamp8(mml__rdbpot(mml__srdhm(rs, e), bits + 23) - 128);
        }
        out[i] = (int8_t)v;
    }
}

static int32_t ulps(float a, float b) {
    int32_t ia, ib;
    memcpy(&ia, &a, 4);
    memcpy(&ib, &b, 4);
    ia = ia < 0 ? INT32_MIN - ia : ia;
    ib = ib < 0 ? INT32_MIN - ib : ib;
    int64_t d = (int64_t)ia - ib;
    return (int32_t)(d < 0 ? -d : d);
}

int main(void) {
    static const int32_t exp_in[7] = {INT32_MIN, -1073753169, -123456789, -67108864, -1000, -1, 0};
    static const int32_t exp_out[7] = {0, 242, 341177383, 790015308, 2147451157, 2147483124,
        2147483647};
    for (int i = 0; i < 7; i++) {
        int32_t y = mml__fp_exp_neg(exp_in[i], 5);
        CHECK(y == exp_out[i], "exp_neg(%d, 5) = %d, expected %d", exp_in[i], y, exp_out[i]);
    }
    static const int32_t exp0_in[4] = {-536870912, -134217733, -1, 0};
    static const int32_t exp0_out[4] = {1672462419, 2017374171, 2147483155, 2147483647};
    for (int i = 0; i < 4; i++) {
        int32_t y = mml__fp_exp_neg(exp0_in[i], 0);
        CHECK(y == exp0_out[i], "exp_neg(%d, 0) = %d, expected %d", exp0_in[i], y, exp0_out[i]);
    }
    static const int32_t lt_in[8] = {INT32_MIN, -268435533, -5000000, -1, 0, 1, 100663307,
        INT32_MAX};
    static const int32_t log_out[8] = {241, 255986141, 1053744117, 1073741699, 1073741824,
        1073741948, 1458525294, 2147483406};
    static const int32_t tanh_out[8] = {-2147483647, -2070233564, -79963020, -260, 0, 260,
        1363972244, 2147483647};
    for (int i = 0; i < 8; i++) {
        int32_t y = mml__fp_logistic(lt_in[i], 4);
        CHECK(y == log_out[i], "logistic(%d, 4) = %d, expected %d", lt_in[i], y, log_out[i]);
        y = mml__fp_tanh(lt_in[i], 4);
        CHECK(y == tanh_out[i], "tanh(%d, 4) = %d, expected %d", lt_in[i], y, tanh_out[i]);
    }
    static const int32_t rc_in[4] = {1 << 19, (1 << 19) + 12345, 5 << 21, INT32_MAX};
    static const int32_t rc_out[4][2] = {{2147483647, 0}, {2098081754, 0}, {1717986914, 4},
        {1073741820, 11}};
    for (int i = 0; i < 4; i++) {
        int32_t bits, y = mml__fp_reciprocal(rc_in[i], 12, &bits);
        CHECK(y == rc_out[i][0] && bits == rc_out[i][1], "reciprocal(%d) = %d >> %d", rc_in[i], y,
            bits);
    }
    static const int32_t ls_in[8] = {-128, -100, -20, 0, 3, 4, 50, 127};
    static const int32_t ls_out[8] = {-128, -127, -66, -10, 0, 3, 106, 127};
    for (int i = 0; i < 8; i++) {
        int32_t y = logistic_s8(ls_in[i], 0.05f, 3);
        CHECK(y == ls_out[i], "LOGISTIC int8 %d -> %d, expected %d", ls_in[i], y, ls_out[i]);
    }
    static const int32_t ts_in[8] = {-128, -60, -3, -2, -1, 20, 90, 127};
    static const int32_t ts_out[8] = {-128, -120, -4, 0, 4, 74, 127, 127};
    for (int i = 0; i < 8; i++) {
        int32_t y = tanh_s8(ts_in[i], 0.03f, -2);
        CHECK(y == ts_out[i], "TANH int8 %d -> %d, expected %d", ts_in[i], y, ts_out[i]);
    }
    static const int8_t sm_in[7] = {10, 12, 15, 15, 9, 0, -128};
    static const int8_t sm_out[7] = {-90, -82, -66, -66, -94, -114, -128};
    static const int8_t sm2_in[4] = {3, 1, -7, 2};
    static const int8_t sm2_out[4] = {-41, -60, -103, -51};
    int8_t got[7];
    softmax_s8(sm_in, got, 7, 0.1f, 1.0f);
    CHECK(memcmp(got, sm_out, 7) == 0, "SOFTMAX int8 row 1: %d %d %d %d %d %d %d", got[0], got[1],
        got[2], got[3], got[4], got[5], got[6]);
    softmax_s8(sm2_in, got, 4, 0.25f, 0.5f);
    CHECK(memcmp(got, sm2_out, 4) == 0, "SOFTMAX int8 row 2: %d %d %d %d", got[0], got[1], got[2],
        got[3]);

    static const float ex[10][2] = {{-100.0f, 3.783505853677006e-44f},
        {-10.5f, 2.753644912445452e-05f}, {-1.0f, 0.3678794503211975f},
        {-0.0010000000474974513f, 0.9990004897117615f}, {0.0f, 1.0f}, {0.5f, 1.6487212181091309f},
        {1.0f, 2.7182817459106445f}, {3.141590118408203f, 23.140634536743164f},
        {20.0f, 485165184.0f}, {88.0f, 1.6516362661361307e+38f}};
    for (int i = 0; i < 10; i++) {
        float y = mml__expf(ex[i][0]);
        CHECK(ulps(y, ex[i][1]) <= 1, "expf(%g) = %.9g, expected %.9g", (double)ex[i][0], (double)y,
            (double)ex[i][1]);
    }
    static const float lg[8][2] = {{1e-30f, -69.07755279541016f}, {0.1f, -2.3025851249694824f},
        {0.5f, -0.6931471824645996f}, {1.0f, 0.0f}, {2.0f, 0.6931471824645996f},
        {10.0f, 2.3025851249694824f}, {12345.677734375f, 9.421061515808105f},
        {3e38f, 88.59684753417969f}};
    for (int i = 0; i < 8; i++) {
        float y = mml__logf(lg[i][0]);
        CHECK(ulps(y, lg[i][1]) <= 1, "logf(%g) = %.9g, expected %.9g", (double)lg[i][0], (double)y,
            (double)lg[i][1]);
    }
    static const float th[10][2] = {{-20.0f, -1.0f}, {-2.0f, -0.9640275835990906f},
        {-0.3f, -0.29131263494491577f}, {-1e-5f, -9.999999747378752e-06f}, {0.0f, 0.0f},
        {0.01f, 0.00999966636300087f}, {0.25f, 0.24491865932941437f}, {0.7f, 0.6043677926063538f},
        {1.5f, 0.9051482677459717f}, {5.0f, 0.9999092221260071f}};
    for (int i = 0; i < 10; i++) {
        float y = mml__tanhf(th[i][0]);
        CHECK(ulps(y, th[i][1]) <= 4, "tanhf(%g) = %.9g, expected %.9g", (double)th[i][0],
            (double)y, (double)th[i][1]);
    }
    static const float sq[5][2] = {{0.0f, 0.0f}, {1.0f, 1.0f}, {2.0f, 1.41421354f},
        {1e-40f, 9.99997303e-21f}, {12345.0f, 111.108055f}};
    for (int i = 0; i < 5; i++) {
        float y = mml__sqrtf(sq[i][0]);
        CHECK(ulps(y, sq[i][1]) <= 1, "sqrtf(%g) = %.9g, expected %.9g", (double)sq[i][0],
            (double)y, (double)sq[i][1]);
    }
    return mml_test_done("test_elementwise");
}
