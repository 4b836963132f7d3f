// SPDX-License-Identifier: MIT
// librosa-compatible log-mel frames (include/microml/mml_logmel.h). Cost per frame: one n_fft
// real FFT, n_fft / 2 + 1 squared magnitudes, about 2 * (n_fft / 2 + 1) mel weights and n_mels
// logarithms; the padding is read in place (no padded copy of the clip).
#include "microml/mml_logmel.h"

#if MML_ENABLE_DSP

#include "core/mathf.h"
#include "core/status.h"

// Each FFT bin lies under at most two neighbouring triangles.
static int32_t weights_cap(const mml_logmel_config_t *c) {
    return 2 * (c->n_fft / 2 + 1);
}

static int valid(const mml_logmel_config_t *c) {
    return c && c->n_fft >= 16 && c->n_fft <= 4096 && (c->n_fft & (c->n_fft - 1)) == 0 &&
        c->hop >= 1 && c->n_mels >= 1 && c->n_mels <= 512 && c->sample_rate > 0 &&
        c->fmin >= 0.0f && c->fmax > c->fmin && c->fmax <= 0.5f * (float)c->sample_rate &&
        (c->pad == MML_LOGMEL_PAD_REFLECT || c->pad == MML_LOGMEL_PAD_CONSTANT) && c->eps > 0.0f;
}

void mml_logmel_config_mlperf_ad(mml_logmel_config_t *cfg) {
    cfg->sample_rate = 16000;
    cfg->n_fft = 1024;
    cfg->hop = 512;
    cfg->n_mels = 128;
    cfg->fmin = 0.0f;
    cfg->fmax = 8000.0f;
    cfg->center = 1;
    cfg->pad = MML_LOGMEL_PAD_REFLECT;
    cfg->eps = 2.220446049250313e-16f;
}

// Float counts of the block's parts: fft table, window, frame, spectrum, mel weights; then the
// int16 bands.
static size_t floats(const mml_logmel_config_t *c) {
    return (size_t)MML_RFFT_F32_TABLE_LEN(c->n_fft) + 3 * (size_t)c->n_fft + 2 +
        (size_t)weights_cap(c);
}

size_t mml_logmel_mem_size(const mml_logmel_config_t *cfg) {
    if (!valid(cfg)) {
        return 0;
    }
    size_t bytes = floats(cfg) * sizeof(float) + 2 * (size_t)cfg->n_mels * sizeof(int16_t);
    return (bytes + 7) & ~(size_t)7;
}

mml_status_t mml_logmel_init(mml_logmel_t *lm, const mml_logmel_config_t *cfg, void *mem,
    size_t mem_len, mml_error_t *err) {
    if (!lm || !valid(cfg)) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "logmel: invalid configuration");
    }
    if (!mem || ((uintptr_t)mem & 7) != 0 || mem_len < mml_logmel_mem_size(cfg)) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "logmel: memory must be %u bytes, 8-aligned",
            (uint32_t)mml_logmel_mem_size(cfg));
    }
    const int32_t n = cfg->n_fft;
    float *f = mem;
    float *table = f;
    float *window = table + MML_RFFT_F32_TABLE_LEN(n);
    float *frame = window + n;
    float *spec = frame + n;
    float *weights = spec + n + 2;
    int16_t *bands = (int16_t *)(weights + weights_cap(cfg));
    mml_status_t st = mml_rfft_f32_init(&lm->fft, n, table);
    if (st == MML_OK) {
        st = mml_window_f32(MML_WINDOW_HANN, 1, n, window);
    }
    if (st != MML_OK) {
        return mml__fail(err, st, "logmel: FFT or window set-up failed");
    }
    mml_mel_config_t mc = {cfg->sample_rate, n, cfg->n_mels, cfg->fmin, cfg->fmax, MML_MEL_SLANEY,
        MML_MEL_NORM_SLANEY, MML_MEL_TRIANGLES_HZ};
    st = mml_mel_f32_init(&lm->mel, &mc, bands, weights, weights_cap(cfg), err);
    if (st != MML_OK) {
        return st;
    }
    lm->cfg = *cfg;
    lm->window = window;
    lm->frame = frame;
    lm->spec = spec;
    return MML_OK;
}

int32_t mml_logmel_frames(const mml_logmel_t *lm, int32_t n) {
    const mml_logmel_config_t *c = &lm->cfg;
    if (n < 1) {
        return 0;
    }
    if (c->center) {
        if (c->pad == MML_LOGMEL_PAD_REFLECT && n <= c->n_fft / 2) {
            return 0;
        }
        return 1 + n / c->hop;
    }
    return n < c->n_fft ? 0 : 1 + (n - c->n_fft) / c->hop;
}

// 10 / ln(10): 10 log10(v) = this * ln(v).
#define DB_PER_LN 4.3429448190325175f

// Sample index of padded position p: inside, or mirrored ("reflect"), or -1 (zero padding).
static int32_t source(const mml_logmel_config_t *c, int32_t p, int32_t n) {
    if (p >= 0 && p < n) {
        return p;
    }
    if (c->pad == MML_LOGMEL_PAD_CONSTANT) {
        return -1;
    }
    // numpy "reflect": mirror about the first and last sample, which are not repeated (n >
    // n_fft / 2, checked by mml_logmel_frames, keeps one reflection enough)
    return p < 0 ? -p : 2 * (n - 1) - p;
}

// The windowed frame is in lm->frame: FFT, power, mel, dB.
static void finish(const mml_logmel_t *lm, float *out) {
    const mml_logmel_config_t *c = &lm->cfg;
    mml_rfft_f32(&lm->fft, lm->frame, lm->spec);
    mml_spectrum_power_f32(lm->spec, c->n_fft / 2 + 1, lm->spec);
    mml_mel_f32_apply(&lm->mel, lm->spec, out);
    for (int32_t i = 0; i < c->n_mels; i++) {
        out[i] = DB_PER_LN * mml__logf(out[i] + c->eps);
    }
}

void mml_logmel_frame(const mml_logmel_t *lm, const float *x, int32_t n, int32_t t, float *out) {
    const mml_logmel_config_t *c = &lm->cfg;
    const int32_t start = t * c->hop - (c->center ? c->n_fft / 2 : 0);
    for (int32_t j = 0; j < c->n_fft; j++) {
        const int32_t p = source(c, start + j, n);
        lm->frame[j] = p < 0 ? 0.0f : x[p] * lm->window[j];
    }
    finish(lm, out);
}

void mml_logmel_frame_s16(const mml_logmel_t *lm, const int16_t *x, int32_t n, int32_t t,
    float *out) {
    const mml_logmel_config_t *c = &lm->cfg;
    const int32_t start = t * c->hop - (c->center ? c->n_fft / 2 : 0);
    for (int32_t j = 0; j < c->n_fft; j++) {
        const int32_t p = source(c, start + j, n);
        lm->frame[j] = p < 0 ? 0.0f : (float)x[p] * (1.0f / 32768.0f) * lm->window[j];
    }
    finish(lm, out);
}

#endif // MML_ENABLE_DSP
