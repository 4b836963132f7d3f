// SPDX-License-Identifier: MIT
// src/dsp against numpy/scipy (tests/c/test_dsp_data.h, from tests/c/test_dsp_gen.py): float
// results within 1e-4 relative (plus an absolute floor of 1e-6, or 1e-5 of the peak for spectra,
// whose small bins are sums of large terms); the int16 FFT within its documented bound; the
// MLPerf KWS front end against a numpy model of its training pipeline.
#include <math.h>
#include <string.h>
#include "microml/mml_dsp.h"
#include "mml_test.h"
#include "test_dsp_data.h"

#define LEN(a) ((int32_t)(sizeof(a) / sizeof((a)[0])))

// Largest |got - want| / (rel |want| + abs) over n values; <= 1 passes.
static double worst(const float *got, const float *want, int32_t n, double rel, double abs_) {
    double w = 0.0;
    for (int32_t i = 0; i < n; i++) {
        const double d = fabs((double)got[i] - (double)want[i]);
        const double r = d / (rel * fabs((double)want[i]) + abs_);
        if (r > w || r != r) {
            w = r != r ? 1e30 : r;
        }
    }
    return w;
}

static double peak(const float *v, int32_t n) {
    double p = 0.0;
    for (int32_t i = 0; i < n; i++) {
        p = fabs((double)v[i]) > p ? fabs((double)v[i]) : p;
    }
    return p;
}

#define CLOSE(got, want, n, rel, abs_, what)                                                       \
    do {                                                                                           \
        double w_ = worst(got, want, n, rel, abs_);                                                \
        CHECK(w_ <= 1.0, "%s: error %.3g x the tolerance", what, w_);                              \
    } while (0)

static void test_rfft_f32(int32_t n, const float *in, const float *want) {
    float table[MML_RFFT_F32_TABLE_LEN(1024)], x[1024], out[1026];
    mml_rfft_f32_t fft;
    CHECK(mml_rfft_f32_init(&fft, n, table) == MML_OK, "init %d", (int)n);
    memcpy(x, in, sizeof(float) * (size_t)n);
    mml_rfft_f32(&fft, x, out);
    char what[32];
    snprintf(what, sizeof what, "rfft_f32 n=%d", (int)n);
    CLOSE(out, want, n + 2, 1e-4, 1e-5 * peak(want, n + 2), what);
}

// Bound: 1 LSB per radix stage (each rounds once after dividing) plus 2 for the real split.
static void test_rfft_s16(int32_t n, const int16_t *in, const float *want) {
    int16_t table[MML_RFFT_S16_TABLE_LEN(1024)], scratch[MML_RFFT_S16_SCRATCH_LEN(1024)];
    int16_t out[1026];
    mml_rfft_s16_t fft;
    CHECK(mml_rfft_s16_init(&fft, n, table) == MML_OK, "init %d", (int)n);
    mml_rfft_s16(&fft, in, scratch, out);
    double err = 0.0;
    for (int32_t i = 0; i < n + 2; i++) {
        const double d = fabs((double)out[i] - (double)want[i]);
        err = d > err ? d : err;
    }
    CHECK(err <= fft.nfactors + 2, "rfft_s16 n=%d: max error %.2f LSB > %d", (int)n, err,
        (int)fft.nfactors + 2);
}

static void test_windows(void) {
    float w[480];
    static const struct {
        mml_window_kind_t kind;
        int periodic;
        int32_t n;
        const float *want;
    } cases[] = {
        {MML_WINDOW_HANN, 1, 7, win_hann_p_7},
        {MML_WINDOW_HANN, 0, 7, win_hann_s_7},
        {MML_WINDOW_HAMMING, 1, 7, win_hamming_p_7},
        {MML_WINDOW_HAMMING, 0, 7, win_hamming_s_7},
        {MML_WINDOW_HANN, 1, 480, win_hann_p_480},
        {MML_WINDOW_HANN, 0, 480, win_hann_s_480},
        {MML_WINDOW_HAMMING, 1, 480, win_hamming_p_480},
        {MML_WINDOW_HAMMING, 0, 480, win_hamming_s_480},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(mml_window_f32(cases[i].kind, cases[i].periodic, cases[i].n, w) == MML_OK, "%d",
            (int)i);
        CLOSE(w, cases[i].want, cases[i].n, 1e-4, 1e-6, "window");
    }
    CHECK(mml_window_f32(MML_WINDOW_HANN, 1, 0, w) == MML_ERR_INVALID_ARG, "n=0 refused");
}

static void test_mel(const char *name, const mml_mel_config_t *cfg, const float *want_w,
    const float *spec, const float *want_out) {
    static int16_t bands[2 * 64];
    static float weights[64 * 513], dense[64 * 513], out[64];
    mml_mel_f32_t mel;
    mml_error_t err;
    CHECK(mml_mel_f32_init(&mel, cfg, bands, weights, 3, &err) == MML_ERR_INVALID_ARG,
        "%s: a 3-weight buffer is refused", name);
    CHECK(err.needed > 3, "%s: needed %u", name, (unsigned)err.needed);
    CHECK(mml_mel_f32_init(&mel, cfg, bands, weights, 64 * 513, &err) == MML_OK, "%s", name);
    // Expand the sparse bands into the dense matrix numpy computed.
    const int32_t nb = cfg->n_fft / 2 + 1;
    memset(dense, 0, sizeof dense);
    const float *w = mel.weights;
    for (int32_t i = 0; i < mel.n_mels; i++) {
        for (int32_t k = 0; k < mel.bands[2 * i + 1]; k++) {
            dense[i * nb + mel.bands[2 * i] + k] = *w++;
        }
    }
    CLOSE(dense, want_w, cfg->n_mels * nb, 1e-4, 1e-6, name);
    mml_mel_f32_apply(&mel, spec, out);
    CLOSE(out, want_out, cfg->n_mels, 1e-4, 1e-6, name);
}

static void test_dct(void) {
    float table[40 * 40], out[40];
    mml_dct_f32_t dct;
    static const struct {
        mml_dct_norm_t norm;
        const float *want;
    } cases[] = {{MML_DCT_NONE, dct_none}, {MML_DCT_ORTHO, dct_ortho}, {MML_DCT_TF, dct_tf}};
    for (size_t i = 0; i < 3; i++) {
        CHECK(mml_dct_f32_init(&dct, 40, 40, cases[i].norm, table) == MML_OK, "dct");
        mml_dct_f32(&dct, dct_in, out);
        CLOSE(out, cases[i].want, 40, 1e-4, 1e-5 * peak(cases[i].want, 40), "dct");
    }
    CHECK(mml_dct_f32_init(&dct, 10, 11, MML_DCT_NONE, table) == MML_ERR_INVALID_ARG, "n_out>n_in");
}

static void test_mfcc(void) {
    static float fft_table[512], window[480], weights[40 * 257], dct_table[10 * 40], scratch[1026];
    static int16_t bands[80];
    float out[10];
    mml_rfft_f32_t fft;
    mml_mel_f32_t mel;
    mml_dct_f32_t dct;
    mml_mel_config_t cfg = {16000, 512, 40, 20.0f, 4000.0f, MML_MEL_HTK, MML_MEL_NORM_NONE,
        MML_MEL_TRIANGLES_HZ};
    CHECK(mml_rfft_f32_init(&fft, 512, fft_table) == MML_OK, "fft");
    CHECK(mml_window_f32(MML_WINDOW_HANN, 1, 480, window) == MML_OK, "window");
    CHECK(mml_mel_f32_init(&mel, &cfg, bands, weights, 40 * 257, NULL) == MML_OK, "mel");
    CHECK(mml_dct_f32_init(&dct, 40, 10, MML_DCT_TF, dct_table) == MML_OK, "dct");
    mml_mfcc_f32_t mfcc = {&fft, window, 480, 0, &mel, 1e-6f, &dct};
    mml_mfcc_f32(&mfcc, mfcc_frame, scratch, out);
    CLOSE(out, mfcc_out, 10, 1e-4, 1e-4 * peak(mfcc_out, 10), "mfcc");
}

static void test_iir(const char *name, const float *sos, int32_t n_sections, const float *in,
    const float *want, int32_t n) {
    float coeffs[5 * 4], state[2 * 4], y[1000];
    mml_iir_f32_t iir;
    CHECK(mml_iir_f32_init(&iir, n_sections, sos, coeffs, state) == MML_OK, "%s", name);
    // In two uneven chunks: the state carries across calls.
    mml_iir_f32(&iir, in, y, 333);
    mml_iir_f32(&iir, in + 333, y + 333, n - 333);
    CLOSE(y, want, n, 1e-4, 1e-5 * peak(want, n), name);
    mml_iir_f32_reset(&iir);
    mml_iir_f32(&iir, in, y, n);
    CLOSE(y, want, n, 1e-4, 1e-5 * peak(want, n), name);
}

static void test_mel_tf(void) {
    static int16_t bands[80];
    static float weights[40 * 257], dense[40 * 257];
    mml_mel_f32_t mel;
    mml_mel_config_t cfg = {16000, 512, 40, 20.0f, 4000.0f, MML_MEL_HTK, MML_MEL_NORM_NONE,
        MML_MEL_TRIANGLES_MEL_TF};
    CHECK(mml_mel_f32_init(&mel, &cfg, bands, weights, 40 * 257, NULL) == MML_OK, "tf mel");
    memset(dense, 0, sizeof dense);
    const float *w = mel.weights;
    for (int32_t i = 0; i < 40; i++) {
        for (int32_t k = 0; k < mel.bands[2 * i + 1]; k++) {
            dense[i * 257 + mel.bands[2 * i] + k] = *w++;
        }
    }
    CLOSE(dense, mel_tf_w, 40 * 257, 1e-4, 1e-6, "mel tf");
}

static void test_kws_mfcc(void) {
    mml_kws_mfcc_t kws;
    void *mem = malloc(mml_kws_mfcc_mem_size());
    float out[MML_KWS_MFCC_FRAMES * MML_KWS_MFCC_COEFFS];
    CHECK(mml_kws_mfcc_init(&kws, mem, mml_kws_mfcc_mem_size()) == MML_OK, "kws init");
    CHECK(mml_kws_mfcc_f32(&kws, kws_clip, LEN(kws_clip), out) == MML_OK, "kws run");
    CLOSE(out, kws_mfcc_out, LEN(kws_mfcc_out), 1e-4, 1e-4 * peak(kws_mfcc_out, LEN(kws_mfcc_out)),
        "kws mfcc");
    // Digital silence: no division by a zero peak, the features of an all-zero clip.
    const int16_t zeros[100] = {0};
    CHECK(mml_kws_mfcc_f32(&kws, zeros, 100, out) == MML_OK, "silence");
    CLOSE(out, kws_silence_out, LEN(kws_silence_out), 1e-4, 1e-4, "kws silence");
    CHECK(mml_kws_mfcc_f32(&kws, kws_clip, 16001, out) == MML_ERR_INVALID_ARG, "> 1 s refused");
    int8_t q[LEN(kws_q_out)];
    mml_kws_mfcc_quantize(kws_mfcc_out, LEN(kws_mfcc_out), 0.584702909f, 83, q);
    int bad = 0;
    for (int32_t i = 0; i < LEN(kws_q_out); i++) {
        bad += q[i] != kws_q_out[i];
    }
    CHECK(bad == 0, "kws quantize: %d of %d differ", bad, (int)LEN(kws_q_out));
    free(mem);
}

int main(void) {
    test_rfft_f32(4, rfft_in_4, rfft_out_4);
    test_rfft_f32(16, rfft_in_16, rfft_out_16);
    test_rfft_f32(64, rfft_in_64, rfft_out_64);
    test_rfft_f32(512, rfft_in_512, rfft_out_512);
    test_rfft_f32(1024, rfft_in_1024, rfft_out_1024);
    float table[8];
    mml_rfft_f32_t fft;
    CHECK(mml_rfft_f32_init(&fft, 6, table) == MML_ERR_INVALID_ARG, "n=6 refused");
    test_rfft_s16(4, rfft_s16_in_4, rfft_s16_out_4);
    test_rfft_s16(8, rfft_s16_in_8, rfft_s16_out_8);
    test_rfft_s16(32, rfft_s16_in_32, rfft_s16_out_32);
    test_rfft_s16(256, rfft_s16_in_256, rfft_s16_out_256);
    test_rfft_s16(512, rfft_s16_in_512, rfft_s16_out_512);
    test_rfft_s16(1024, rfft_s16_in_1024, rfft_s16_out_1024);
    test_windows();
    mml_mel_config_t htk = {16000, 512, 40, 20.0f, 4000.0f, MML_MEL_HTK, MML_MEL_NORM_NONE,
        MML_MEL_TRIANGLES_HZ};
    mml_mel_config_t sl = {16000, 512, 40, 0.0f, 8000.0f, MML_MEL_SLANEY, MML_MEL_NORM_SLANEY,
        MML_MEL_TRIANGLES_HZ};
    mml_mel_config_t sl2 = {22050, 1024, 64, 50.0f, 11025.0f, MML_MEL_SLANEY, MML_MEL_NORM_NONE,
        MML_MEL_TRIANGLES_HZ};
    test_mel("mel htk", &htk, mel_htk_w, mel_htk_spec, mel_htk_out);
    test_mel("mel slaney", &sl, mel_slaney_w, mel_slaney_spec, mel_slaney_out);
    test_mel("mel slaney nonorm", &sl2, mel_slaney_nonorm_w, mel_slaney_nonorm_spec,
        mel_slaney_nonorm_out);
    mml_mel_config_t bad = htk;
    bad.fmax = 9000.0f;
    int16_t bands[80];
    float weights[16];
    mml_mel_f32_t mel;
    CHECK(mml_mel_f32_init(&mel, &bad, bands, weights, 16, NULL) == MML_ERR_INVALID_ARG,
        "fmax above Nyquist refused");
    test_dct();
    test_mfcc();
    test_mel_tf();
    test_kws_mfcc();
    test_iir("iir bandpass", iir_bp_sos, 4, iir_bp_in, iir_bp_out, LEN(iir_bp_in));
    test_iir("iir lowpass", iir_lp_sos, 1, iir_lp_in, iir_lp_out, LEN(iir_lp_in));
    return mml_test_done("test_dsp");
}
