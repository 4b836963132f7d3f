// SPDX-License-Identifier: MIT
// The MLPerf Tiny keyword-spotting MFCC front end (mml_dsp.h): peak normalization, 49 STFT frames
// of 480 samples every 320, magnitude, TF's 40-bin mel matrix, log, DCT-II, 10 coefficients, and
// the model's int8 quantization. Cost per second of audio: 49 512-point float FFTs plus 49 x
// (~260 mel weights + 400 DCT multiply-adds); 16000 divisions replaced by one reciprocal.
#include <stddef.h>
#include <stdint.h>
#include "microml/mml_dsp.h"

#if MML_ENABLE_DSP

#define FRAME 480
#define HOP 320
#define NFFT 512
#define NMELS 40
// The 40 triangles over 20-4000 Hz have 247 non-zero weights; init checks that they fit.
#define MEL_WEIGHTS_CAP 256
#define SCRATCH (MML_KWS_MFCC_SAMPLES + 2 * NFFT + 2)

typedef struct {
    float fft_table[MML_RFFT_F32_TABLE_LEN(NFFT)];
    float window[FRAME];
    float mel_weights[MEL_WEIGHTS_CAP];
    float dct_table[MML_KWS_MFCC_COEFFS * NMELS];
    float scratch[SCRATCH];
    int16_t bands[2 * NMELS];
} kws_mem_t;

size_t mml_kws_mfcc_mem_size(void) {
    return sizeof(kws_mem_t);
}

mml_status_t mml_kws_mfcc_init(mml_kws_mfcc_t *kws, void *mem, size_t mem_len) {
    if (!kws || !mem || mem_len < sizeof(kws_mem_t) || ((uintptr_t)mem & 7u) != 0) {
        return MML_ERR_INVALID_ARG;
    }
    kws_mem_t *m = (kws_mem_t *)mem;
    const mml_mel_config_t cfg = {16000, NFFT, NMELS, 20.0f, 4000.0f, MML_MEL_HTK,
        MML_MEL_NORM_NONE, MML_MEL_TRIANGLES_MEL_TF};
    mml_status_t st = mml_rfft_f32_init(&kws->fft, NFFT, m->fft_table);
    if (st == MML_OK) {
        st = mml_window_f32(MML_WINDOW_HANN, 1, FRAME, m->window);
    }
    if (st == MML_OK) {
        st = mml_mel_f32_init(&kws->mel, &cfg, m->bands, m->mel_weights, MEL_WEIGHTS_CAP, NULL);
    }
    if (st == MML_OK) {
        st = mml_dct_f32_init(&kws->dct, NMELS, MML_KWS_MFCC_COEFFS, MML_DCT_TF, m->dct_table);
    }
    kws->window = m->window;
    kws->scratch = m->scratch;
    return st;
}

mml_status_t mml_kws_mfcc_f32(const mml_kws_mfcc_t *kws, const int16_t *samples, int32_t n,
    float *out) {
    if (!kws || (!samples && n > 0) || !out || n < 0 || n > MML_KWS_MFCC_SAMPLES) {
        return MML_ERR_INVALID_ARG;
    }
    float *wav = kws->scratch, *frame_scratch = kws->scratch + MML_KWS_MFCC_SAMPLES;
    // Peak normalization by the signed maximum (the zero padding counts, as in training).
    int32_t peak = 0;
    for (int32_t i = 0; i < n; i++) {
        peak = samples[i] > peak ? samples[i] : peak;
    }
    const float inv = peak > 0 ? 1.0f / (float)peak : 0.0f;
    for (int32_t i = 0; i < MML_KWS_MFCC_SAMPLES; i++) {
        wav[i] = i < n ? (float)samples[i] * inv : 0.0f;
    }
    const mml_mfcc_f32_t mfcc = {&kws->fft, kws->window, FRAME, 0, &kws->mel, 1e-6f, &kws->dct};
    for (int32_t f = 0; f < MML_KWS_MFCC_FRAMES; f++) {
        mml_mfcc_f32(&mfcc, wav + f * HOP, frame_scratch, out + f * MML_KWS_MFCC_COEFFS);
    }
    return MML_OK;
}

void mml_kws_mfcc_quantize(const float *mfcc, int32_t n, float scale, int32_t zero_point,
    int8_t *out) {
    for (int32_t i = 0; i < n; i++) {
        float q = mfcc[i] / scale + (float)zero_point;
        q = q < -128.0f ? -128.0f : q > 127.0f ? 127.0f : q;
        out[i] = (int8_t)q; // truncation toward zero, as the reference's cast
    }
}

#endif // MML_ENABLE_DSP
