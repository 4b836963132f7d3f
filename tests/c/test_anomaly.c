// SPDX-License-Identifier: MIT
// src/dsp/anomaly.c: Welford and EWMA statistics against two-pass / recursive references in
// double precision (1e-4 relative), the quantile against a sort-and-interpolate reference
// (numpy.quantile's "linear" rule), and the detector's hysteresis on constructed series whose
// alarm steps are worked out by hand in the comments. The log-mel front end (its values are
// checked against numpy by tests/py/test_logmel.py): centred frames with in-place reflect / zero
// padding equal uncentred frames of an explicitly padded copy, int16 equals float32 input,
// silence gives 10 log10(eps), and bad settings are refused.
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "microml/mml_anomaly.h"
#include "microml/mml_logmel.h"
#include "mml_test.h"

// A reproducible pseudo-random float in [-1, 1) (xorshift32).
static float rnd(uint32_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return (float)((double)(*s >> 8) / 8388608.0 - 1.0);
}

static int near(double got, double want, double rel, double abs_) {
    return fabs(got - want) <= rel * fabs(want) + abs_;
}

static void test_welford(void) {
    enum { N = 5000 };
    static float x[N];
    uint32_t s = 12345;
    for (int i = 0; i < N; i++) {
        x[i] = 70.0f + 5.0f * rnd(&s); // a large offset, as sensor readings have
    }
    mml_welford_t w;
    mml_welford_init(&w);
    CHECK(mml_welford_var(&w, 0) == 0.0f, "empty variance 0");
    for (int i = 0; i < N; i++) {
        mml_welford_update(&w, x[i]);
    }
    double m = 0.0, v = 0.0;
    for (int i = 0; i < N; i++) {
        m += (double)x[i];
    }
    m /= N;
    for (int i = 0; i < N; i++) {
        v += ((double)x[i] - m) * ((double)x[i] - m);
    }
    CHECK(w.n == N, "count %d", (int)w.n);
    CHECK(near((double)w.mean, m, 1e-5, 0.0), "mean %g vs %g", (double)w.mean, m);
    CHECK(near((double)mml_welford_var(&w, 0), v / N, 1e-4, 0.0), "var %g vs %g",
        (double)mml_welford_var(&w, 0), v / N);
    CHECK(near((double)mml_welford_var(&w, 1), v / (N - 1), 1e-4, 0.0), "var ddof=1");
    mml_welford_t one;
    mml_welford_init(&one);
    mml_welford_update(&one, 3.0f);
    CHECK(one.mean == 3.0f && mml_welford_var(&one, 1) == 0.0f, "one sample");
}

static void test_ewma(void) {
    mml_ewma_t e;
    CHECK(mml_ewma_init(&e, 0.0f) == MML_ERR_INVALID_ARG, "alpha 0 refused");
    CHECK(mml_ewma_init(&e, 1.5f) == MML_ERR_INVALID_ARG, "alpha 1.5 refused");
    CHECK(mml_ewma_init(&e, NAN) == MML_ERR_INVALID_ARG, "alpha NaN refused");
    const double a = 0.05;
    CHECK(mml_ewma_init(&e, (float)a) == MML_OK, "alpha 0.05");
    // reference: weighted mean and variance from their definitions (weights (1-a)^(t-i) * a,
    // the first sample carrying the remaining weight), recomputed in full at a few steps
    enum { N = 400 };
    static float x[N];
    uint32_t s = 777;
    for (int i = 0; i < N; i++) {
        x[i] = 10.0f + rnd(&s) + (i > 300 ? 3.0f : 0.0f);
    }
    int bad = 0;
    for (int t = 0; t < N; t++) {
        mml_ewma_update(&e, x[t]);
        if (t % 37 != 36 && t != N - 1) {
            continue;
        }
        double wsum = 0.0, m = 0.0;
        for (int i = 0; i <= t; i++) {
            const double wi = i == 0 ? pow(1 - a, t) : a * pow(1 - a, t - i);
            wsum += wi;
            m += wi * (double)x[i];
        }
        m /= wsum;
        double v = 0.0;
        for (int i = 0; i <= t; i++) {
            const double wi = i == 0 ? pow(1 - a, t) : a * pow(1 - a, t - i);
            v += wi * ((double)x[i] - m) * ((double)x[i] - m);
        }
        v /= wsum;
        if (!near((double)e.mean, m, 1e-5, 1e-6) || !near((double)e.var, v, 1e-3, 1e-5)) {
            bad++;
            fprintf(stderr, "t %d: mean %g vs %g, var %g vs %g\n", t, (double)e.mean, m,
                (double)e.var, v);
        }
    }
    CHECK(bad == 0, "%d EWMA steps off", bad);
    mml_ewma_reset(&e);
    mml_ewma_update(&e, 4.0f);
    CHECK(e.mean == 4.0f && e.var == 0.0f && e.n == 1, "first sample after reset");
}

static void test_zscore(void) {
    CHECK(near((double)mml_zscore(13.0f, 10.0f, 4.0f, 1e-6f), 1.5, 1e-6, 0.0), "z 1.5");
    CHECK(near((double)mml_zscore(7.0f, 10.0f, 4.0f, 1e-6f), 1.5, 1e-6, 0.0), "z |-1.5|");
    CHECK(near((double)mml_zscore(12.0f, 10.0f, 0.0f, 0.5f), 4.0, 1e-6, 0.0), "min_std used");
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_quantile(void) {
    enum { N = 1001 };
    static float x[N];
    static double ref[N];
    uint32_t s = 99;
    const float qs[] = {0.0f, 0.25f, 0.5f, 0.9f, 0.99f, 0.995f, 1.0f};
    const int sizes[] = {1, 2, 7, 100, N};
    for (unsigned si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
        const int n = sizes[si];
        for (unsigned qi = 0; qi < sizeof(qs) / sizeof(qs[0]); qi++) {
            for (int i = 0; i < n; i++) {
                x[i] = 3.0f * rnd(&s);
                ref[i] = (double)x[i];
            }
            qsort(ref, (size_t)n, sizeof(double), cmp_double);
            const double pos = (double)qs[qi] * (n - 1);
            const int i = (int)floor(pos);
            const double want = i + 1 < n ? ref[i] + (pos - i) * (ref[i + 1] - ref[i]) : ref[n - 1];
            float got = -99.0f;
            CHECK(mml_quantile_f32(x, n, qs[qi], &got) == MML_OK, "quantile ok");
            CHECK(near((double)got, want, 1e-6, 1e-6), "n %d q %g: %g vs %g", n, (double)qs[qi],
                (double)got, want);
            int sorted = 1;
            for (int j = 1; j < n; j++) {
                sorted &= x[j - 1] <= x[j];
            }
            CHECK(sorted, "n %d sorted in place", n);
        }
    }
    float out;
    CHECK(mml_quantile_f32(x, 0, 0.5f, &out) == MML_ERR_INVALID_ARG, "n 0 refused");
    CHECK(mml_quantile_f32(x, 3, 1.5f, &out) == MML_ERR_INVALID_ARG, "q 1.5 refused");
    x[1] = NAN;
    CHECK(mml_quantile_f32(x, 3, 0.5f, &out) == MML_ERR_INVALID_ARG, "NaN refused");
}

// Runs scores through a detector and returns the number of alarms; their steps go to at[].
static int run(const mml_detector_config_t *cfg, const float *sc, int n, int *at) {
    mml_detector_t d;
    if (mml_detector_init(&d, cfg, NULL) != MML_OK) {
        return -1;
    }
    int k = 0;
    for (int t = 0; t < n; t++) {
        if (mml_detector_update(&d, sc[t])) {
            at[k++] = t;
        }
    }
    return k;
}

static void test_detector(void) {
    int at[16];
    // threshold 1, off 1, on never, 1 of 1: every rise above 1 after a step at or below 1 (a
    // step at exactly 1 is not below off: the alarm stays on through it).
    //                 0  1  2  3  4  5  6  7  8  9
    const float a[] = {0, 2, 2, 0, 2, 0, 1, 2, 1, 0.5f};
    mml_detector_config_t c = {1.0f, 1.0f, FLT_MAX, 1, 1, 0};
    int n = run(&c, a, 10, at);
    // 1 alarm (on at 1), 3 off (0 < 1), 4 alarm, 5 off, 6: 1 is not above, 7 alarm, 8: 1 is not
    // below off so it stays on, 9 off.
    CHECK(n == 3 && at[0] == 1 && at[1] == 4 && at[2] == 7, "1 of 1: %d alarms", n);
    // gap 4: the alarm at 4 comes 3 steps after 1 and is dropped; at 7 (6 after 1) it fires.
    c.gap = 4;
    n = run(&c, a, 10, at);
    CHECK(n == 2 && at[0] == 1 && at[1] == 7, "gap 4: %d alarms", n);
    // 3 of 5 above 1: one noisy spike does not raise an alarm, a sustained excursion does.
    //                 0  1  2  3  4  5  6  7  8  9  10 11
    const float b[] = {0, 5, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0};
    c.gap = 0;
    c.k = 3;
    c.n = 5;
    n = run(&c, b, 12, at);
    // above at 1, 5, 7, 8: the window 4..8 holds 5, 7, 8: alarm at 8; 9 is below off: ends.
    CHECK(n == 1 && at[0] == 8, "3 of 5: %d alarms, first at %d", n, n > 0 ? at[0] : -1);
    // on = 4: the spike at 1 alarms at once.
    c.on = 4.0f;
    n = run(&c, b, 12, at);
    CHECK(n == 2 && at[0] == 1 && at[1] == 8, "on 4: %d alarms", n);
    // off lower than the threshold: the alarm at 1 stays on while scores >= 0.5 (steps 1..3),
    // 4 ends it (0.2), 5..7 above again: k=1 alarm at 5.
    //                 0  1  2     3     4     5  6  7
    const float h[] = {0, 2, 0.7f, 0.6f, 0.2f, 2, 2, 2};
    mml_detector_config_t c2 = {1.0f, 0.5f, FLT_MAX, 1, 1, 0};
    n = run(&c2, h, 8, at);
    CHECK(n == 2 && at[0] == 1 && at[1] == 5, "off 0.5: %d alarms", n);
    // NaN: not above, and does not end an alarm
    const float nanv[] = {2, NAN, 2, 0, NAN, 2};
    n = run(&c2, nanv, 6, at);
    CHECK(n == 2 && at[0] == 0 && at[1] == 5, "NaN: %d alarms", n);
    // n = 32 (the whole history word)
    mml_detector_config_t c3 = {0.0f, 0.0f, FLT_MAX, 32, 32, 0};
    float ones[40];
    for (int i = 0; i < 40; i++) {
        ones[i] = 1.0f;
    }
    n = run(&c3, ones, 40, at);
    CHECK(n == 1 && at[0] == 31, "32 of 32: %d alarms", n);

    mml_detector_t d;
    mml_error_t err;
    mml_detector_config_t bad = {1.0f, 2.0f, FLT_MAX, 1, 1, 0};
    CHECK(mml_detector_init(&d, &bad, &err) == MML_ERR_INVALID_ARG, "off > threshold refused");
    bad = (mml_detector_config_t){1.0f, 1.0f, 0.5f, 1, 1, 0};
    CHECK(mml_detector_init(&d, &bad, &err) == MML_ERR_INVALID_ARG, "on < threshold refused");
    bad = (mml_detector_config_t){1.0f, 1.0f, FLT_MAX, 4, 3, 0};
    CHECK(mml_detector_init(&d, &bad, &err) == MML_ERR_INVALID_ARG, "k > n refused");
    bad = (mml_detector_config_t){1.0f, 1.0f, FLT_MAX, 1, 33, 0};
    CHECK(mml_detector_init(&d, &bad, &err) == MML_ERR_INVALID_ARG, "n 33 refused");
    bad = (mml_detector_config_t){NAN, 1.0f, FLT_MAX, 1, 1, 0};
    CHECK(mml_detector_init(&d, &bad, &err) == MML_ERR_INVALID_ARG, "NaN refused");
    bad = (mml_detector_config_t){1.0f, 1.0f, FLT_MAX, 1, 1, -1};
    CHECK(mml_detector_init(&d, &bad, &err) == MML_ERR_INVALID_ARG, "gap -1 refused");
}

static void test_logmel(void) {
    enum { N = 3000, NFFT = 256, HOP = 100, MELS = 20 };
    mml_logmel_config_t cfg;
    mml_logmel_config_mlperf_ad(&cfg);
    CHECK(cfg.n_fft == 1024 && cfg.hop == 512 && cfg.n_mels == 128 && cfg.center == 1,
        "MLPerf AD settings");
    cfg.n_fft = NFFT;
    cfg.hop = HOP;
    cfg.n_mels = MELS;
    static double mem_c[8192], mem_u[8192];
    mml_logmel_t c, u;
    CHECK(mml_logmel_mem_size(&cfg) <= sizeof(mem_c), "mem %u",
        (unsigned)mml_logmel_mem_size(&cfg));
    static float x[N], padded[N + NFFT];
    static int16_t xs[N];
    uint32_t s = 4242;
    for (int i = 0; i < N; i++) {
        xs[i] = (int16_t)(12000.0f * rnd(&s));
        x[i] = (float)xs[i] / 32768.0f;
    }
    for (int pad = 0; pad < 2; pad++) {
        cfg.center = 1;
        cfg.pad = pad;
        CHECK(mml_logmel_init(&c, &cfg, mem_c, sizeof(mem_c), NULL) == MML_OK, "init centred");
        mml_logmel_config_t cu = cfg;
        cu.center = 0;
        CHECK(mml_logmel_init(&u, &cu, mem_u, sizeof(mem_u), NULL) == MML_OK, "init uncentred");
        // numpy.pad(x, NFFT / 2, mode="reflect" | "constant"), written out
        for (int i = 0; i < N + NFFT; i++) {
            const int p = i - NFFT / 2;
            padded[i] = p >= 0 && p < N          ? x[p]
                : pad == MML_LOGMEL_PAD_CONSTANT ? 0.0f
                                                 : x[p < 0 ? -p : 2 * (N - 1) - p];
        }
        const int32_t frames = mml_logmel_frames(&c, N);
        CHECK(frames == 1 + N / HOP, "frames %d", (int)frames);
        CHECK(mml_logmel_frames(&u, N + NFFT) == frames, "same count from the padded copy");
        int bad = 0;
        for (int32_t t = 0; t < frames; t++) {
            float a[MELS], b[MELS], d[MELS];
            mml_logmel_frame(&c, x, N, t, a);
            mml_logmel_frame(&u, padded, N + NFFT, t, b);
            mml_logmel_frame_s16(&c, xs, N, t, d);
            for (int i = 0; i < MELS; i++) {
                bad += a[i] != b[i] || fabs((double)a[i] - (double)d[i]) > 1e-4;
            }
        }
        CHECK(bad == 0, "pad %d: %d values differ", pad, bad);
    }
    float out[MELS];
    static const float zeros[N];
    mml_logmel_frame(&c, zeros, N, 3, out);
    CHECK(near((double)out[0], 10.0 * log10(2.220446049250313e-16), 1e-5, 0.0), "silence %g",
        (double)out[0]);
    cfg.pad = MML_LOGMEL_PAD_REFLECT;
    CHECK(mml_logmel_init(&c, &cfg, mem_c, sizeof(mem_c), NULL) == MML_OK, "reflect");
    CHECK(mml_logmel_frames(&c, NFFT / 2) == 0 && mml_logmel_frames(&c, NFFT / 2 + 1) > 0,
        "reflect needs n > n_fft / 2");
    mml_logmel_config_t bad = cfg;
    bad.n_fft = 1000;
    CHECK(mml_logmel_mem_size(&bad) == 0, "n_fft 1000 refused");
    bad = cfg;
    bad.fmax = 9000.0f;
    CHECK(mml_logmel_init(&c, &bad, mem_c, sizeof(mem_c), NULL) == MML_ERR_INVALID_ARG,
        "fmax above Nyquist refused");
    CHECK(mml_logmel_init(&c, &cfg, mem_c, 64, NULL) == MML_ERR_INVALID_ARG, "small memory");
}

int main(void) {
    test_welford();
    test_ewma();
    test_zscore();
    test_quantile();
    test_detector();
    test_logmel();
    return mml_test_done("test_anomaly");
}
