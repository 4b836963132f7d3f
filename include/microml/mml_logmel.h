// SPDX-License-Identifier: MIT
// Log-mel spectrogram as librosa computes it for the MLPerf Tiny anomaly-detection model:
// librosa.feature.melspectrogram (centred frames, periodic Hann window of n_fft, |STFT|^2,
// Slaney-scale mel filterbank with Slaney area normalization, librosa.filters.mel's
// construction), then 10 * log10(mel + eps) (mlcommons/tiny common.py, eps = DBL_EPSILON).
// One frame at a time from the whole clip in memory (no per-frame allocation); the tables and
// scratch live in one caller-owned block sized by mml_logmel_mem_size().
#ifndef MICROML_MML_LOGMEL_H
#define MICROML_MML_LOGMEL_H

#include <stddef.h>
#include <stdint.h>
#include "mml_dsp.h"

typedef enum {
    MML_LOGMEL_PAD_REFLECT = 0,  // numpy.pad mode "reflect": librosa < 0.10, the model's training
    MML_LOGMEL_PAD_CONSTANT = 1, // zeros: librosa >= 0.10's default
} mml_logmel_pad_t;

typedef struct {
    int32_t sample_rate; // Hz
    int32_t n_fft;       // frame and FFT length: power of two in [16, 4096]
    int32_t hop;         // samples between frames, >= 1
    int32_t n_mels;      // 1..512
    float fmin, fmax;    // Hz, 0 <= fmin < fmax <= sample_rate / 2
    int32_t center;      // 1: frame t centred on sample t * hop (n_fft / 2 of padding each side)
    int32_t pad;         // mml_logmel_pad_t (center only)
    float eps;           // added to the mel power before log10, > 0
} mml_logmel_config_t;

typedef struct {
    mml_logmel_config_t cfg;
    mml_rfft_f32_t fft;
    mml_mel_f32_t mel;
    const float *window; // [n_fft] periodic Hann
    float *frame;        // [n_fft] scratch
    float *spec;         // [n_fft + 2] scratch
} mml_logmel_t;

// The MLPerf Tiny AD settings: 16 kHz, n_fft 1024, hop 512, 128 mels 0-8000 Hz, centred with
// reflect padding, eps 2.220446049250313e-16.
void mml_logmel_config_mlperf_ad(mml_logmel_config_t *cfg);
// Bytes (8-byte aligned) of the block mml_logmel_init needs for cfg; 0 if cfg is invalid.
size_t mml_logmel_mem_size(const mml_logmel_config_t *cfg);
// mem: mem_len bytes, 8-byte aligned, caller-owned while lm is used. err may be NULL.
mml_status_t mml_logmel_init(mml_logmel_t *lm, const mml_logmel_config_t *cfg, void *mem,
    size_t mem_len, mml_error_t *err);
// Frames of a clip of n samples: 1 + n / hop when centred, else 1 + (n - n_fft) / hop (0 if
// n < n_fft). Reflect padding needs n > n_fft / 2 (numpy's rule): 0 frames otherwise.
int32_t mml_logmel_frames(const mml_logmel_t *lm, int32_t n);
// Frame t (0 <= t < mml_logmel_frames) of the clip x[0..n) (floats, librosa's scale: int16 /
// 32768): out[n_mels] log-mel values in dB.
void mml_logmel_frame(const mml_logmel_t *lm, const float *x, int32_t n, int32_t t, float *out);
// The same from int16 samples (each read as x / 32768, as librosa loads 16-bit wav files), so
// that a clip needs no float copy.
void mml_logmel_frame_s16(const mml_logmel_t *lm, const int16_t *x, int32_t n, int32_t t,
    float *out);

#endif // MICROML_MML_LOGMEL_H
