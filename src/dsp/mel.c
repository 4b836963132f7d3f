// SPDX-License-Identifier: MIT
// Mel filterbanks (HTK or Slaney scale, optional Slaney area normalization), librosa's
// construction, stored sparsely: per band its first bin, its width and its non-zero weights.
#include <stddef.h>
#include "microml/mml_dsp.h"
#include "core/mathf.h"
#include "dsp/dsp_math.h"

#if MML_ENABLE_DSP

// HTK: 2595 log10(1 + f / 700) = 1127.01... ln(1 + f / 700).
#define HTK_K 1127.0104803341574
// Slaney: linear below 1 kHz (3 mel per 200 Hz), logarithmic above (27 mel per ln 6.4).
#define SL_F_SP (200.0 / 3.0)
#define SL_MIN_LOG_HZ 1000.0
#define SL_MIN_LOG_MEL 15.0
#define SL_LOGSTEP (1.8562979903656263 / 27.0) // ln(6.4) / 27

static double hz_to_mel(double hz, mml_mel_scale_t scale) {
    if (scale == MML_MEL_HTK) {
        return HTK_K * mml__log1p(hz / 700.0);
    }
    if (hz < SL_MIN_LOG_HZ) {
        return hz / SL_F_SP;
    }
    return SL_MIN_LOG_MEL + mml__log(hz / SL_MIN_LOG_HZ) / SL_LOGSTEP;
}

static double mel_to_hz(double mel, mml_mel_scale_t scale) {
    if (scale == MML_MEL_HTK) {
        return 700.0 * (mml__exp(mel / HTK_K) - 1.0);
    }
    if (mel < SL_MIN_LOG_MEL) {
        return SL_F_SP * mel;
    }
    return SL_MIN_LOG_HZ * mml__exp(SL_LOGSTEP * (mel - SL_MIN_LOG_MEL));
}

float mml_mel_from_hz(float hz, mml_mel_scale_t scale) {
    return (float)hz_to_mel((double)hz, scale);
}

float mml_mel_to_hz(float mel, mml_mel_scale_t scale) {
    return (float)mel_to_hz((double)mel, scale);
}

// Weight of bin frequency f in band i (edges lo < mid < hi), librosa's min of the two ramps.
static double tri(double f, double lo, double mid, double hi) {
    const double up = (f - lo) / (mid - lo), down = (hi - f) / (hi - mid);
    const double w = up < down ? up : down;
    return w > 0.0 ? w : 0.0;
}

mml_status_t mml_mel_f32_init(mml_mel_f32_t *mel, const mml_mel_config_t *cfg, int16_t *bands,
    float *weights, int32_t weights_cap, mml_error_t *err) {
    if (!mel || !cfg || !bands || !weights || cfg->sample_rate <= 0 || cfg->n_fft < 2 ||
        cfg->n_fft > 8192 || cfg->n_mels < 1 || cfg->n_mels > 512 || !(cfg->fmin >= 0.0f) ||
        !(cfg->fmax > cfg->fmin) || cfg->fmax > 0.5f * (float)cfg->sample_rate ||
        (cfg->scale != MML_MEL_HTK && cfg->scale != MML_MEL_SLANEY) ||
        (cfg->norm != MML_MEL_NORM_NONE && cfg->norm != MML_MEL_NORM_SLANEY) ||
        (cfg->shape != MML_MEL_TRIANGLES_HZ && cfg->shape != MML_MEL_TRIANGLES_MEL_TF)) {
        return MML_ERR_INVALID_ARG;
    }
    const int32_t n_bins = cfg->n_fft / 2 + 1;
    const double mlo = hz_to_mel((double)cfg->fmin, cfg->scale);
    const double mhi = hz_to_mel((double)cfg->fmax, cfg->scale);
    const double bin_hz = (double)cfg->sample_rate / (double)cfg->n_fft;
    int32_t used = 0;
    for (int32_t i = 0; i < cfg->n_mels; i++) {
        const double step = (mhi - mlo) / (double)(cfg->n_mels + 1);
        const double lo = mel_to_hz(mlo + step * i, cfg->scale);
        const double mid = mel_to_hz(mlo + step * (i + 1), cfg->scale);
        const double hi = mel_to_hz(mlo + step * (i + 2), cfg->scale);
        const double norm = cfg->norm == MML_MEL_NORM_SLANEY ? 2.0 / (hi - lo) : 1.0;
        const int tf = cfg->shape == MML_MEL_TRIANGLES_MEL_TF;
        const double mel_lo = mlo + step * i, mel_mid = mel_lo + step, mel_hi = mel_mid + step;
        int32_t first = -1, last = -1;
        for (int32_t k = tf ? 1 : 0; k < n_bins; k++) {
            const double w = tf ? tri(hz_to_mel(k * bin_hz, cfg->scale), mel_lo, mel_mid, mel_hi)
                                : tri(k * bin_hz, lo, mid, hi);
            if (w > 0.0) {
                if (first < 0) {
                    first = k;
                }
                last = k;
            }
        }
        const int32_t count = first < 0 ? 0 : last - first + 1;
        bands[2 * i] = (int16_t)(first < 0 ? 0 : first);
        bands[2 * i + 1] = (int16_t)count;
        for (int32_t k = 0; k < count; k++) {
            if (used + k < weights_cap) {
                const double f = (first + k) * bin_hz;
                weights[used + k] = (float)(norm *
                    (tf ? tri(hz_to_mel(f, cfg->scale), mel_lo, mel_mid, mel_hi)
                        : tri(f, lo, mid, hi)));
            }
        }
        used += count;
    }
    if (used > weights_cap) {
        if (err) {
            err->status = MML_ERR_INVALID_ARG;
            err->op_index = -1;
            err->needed = (uint32_t)used;
            err->got = (uint32_t)(weights_cap < 0 ? 0 : weights_cap);
            err->msg[0] = '\0';
        }
        return MML_ERR_INVALID_ARG;
    }
    mel->n_mels = cfg->n_mels;
    mel->n_bins = n_bins;
    mel->n_weights = used;
    mel->bands = bands;
    mel->weights = weights;
    return MML_OK;
}

void mml_mel_f32_apply(const mml_mel_f32_t *mel, const float *spectrum, float *out) {
    const float *w = mel->weights;
    for (int32_t i = 0; i < mel->n_mels; i++) {
        const float *s = spectrum + mel->bands[2 * i];
        const int32_t count = mel->bands[2 * i + 1];
        float acc = 0.0f;
        for (int32_t k = 0; k < count; k++) {
            acc += w[k] * s[k];
        }
        w += count;
        out[i] = acc;
    }
}

#endif // MML_ENABLE_DSP
