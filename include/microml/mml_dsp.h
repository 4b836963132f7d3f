// SPDX-License-Identifier: MIT
// Audio and signal front ends: real FFT (float32, int16), windows, spectra, mel filterbanks, log,
// DCT-II, MFCC, biquad IIR cascades, and TFLite Micro's microfrontend (bit-exact, streaming).
// Every buffer is the caller's: tables are filled once by an _init call (which checks everything
// and may use slow math), the per-frame calls trust that state and use no libm.
#ifndef MICROML_MML_DSP_H
#define MICROML_MML_DSP_H

#include <stddef.h>
#include <stdint.h>
#include "mml_status.h"

// ---- Real FFT, float32 ----------------------------------------------------------------------
// n: power of two in [4, 4096]. table: n floats (cos/sin pairs), caller-owned, filled by init.
typedef struct {
    int32_t n;
    const float *table;
} mml_rfft_f32_t;

#define MML_RFFT_F32_TABLE_LEN(n) (n)

mml_status_t mml_rfft_f32_init(mml_rfft_f32_t *fft, int32_t n, float *table);
// x: [n] real input, used as scratch (destroyed). out: [n/2 + 1] complex, interleaved re, im
// (n + 2 floats); X[k] = sum_t x[t] e^{-2 pi i k t / n}, exactly numpy.fft.rfft. out != x.
void mml_rfft_f32(const mml_rfft_f32_t *fft, float *x, float *out);

// ---- Real FFT, int16 fixed point (KISS FFT's FIXED_POINT=16 arithmetic, bit for bit) -----------
// Each radix stage divides by its radix with rounding, so out ~= rfft(x) / n; against
// numpy.fft.rfft(x) / n the error is at most 1 LSB per radix stage plus 2 (tests/c/test_dsp.c
// checks that bound on random full-scale inputs). n: power of two in [4, 4096].
typedef struct {
    int32_t n;
    int32_t nfactors;
    int32_t factors[12]; // radix, remaining length; per stage
    const int16_t *table;
} mml_rfft_s16_t;

// table: int16 count: twiddles of the n/2 complex FFT plus n/4 super twiddles, complex.
#define MML_RFFT_S16_TABLE_LEN(n) ((n) + (n) / 2)
// scratch for mml_rfft_s16: int16 count.
#define MML_RFFT_S16_SCRATCH_LEN(n) (n)

mml_status_t mml_rfft_s16_init(mml_rfft_s16_t *fft, int32_t n, int16_t *table);
// x: [n] int16 (kept). scratch: [n] int16. out: [n/2 + 1] complex int16, interleaved re, im.
void mml_rfft_s16(const mml_rfft_s16_t *fft, const int16_t *x, int16_t *scratch, int16_t *out);

// ---- Windows --------------------------------------------------------------------------------
typedef enum { MML_WINDOW_HANN = 0, MML_WINDOW_HAMMING = 1 } mml_window_kind_t;
// out: [n] window; periodic = 1 for the FFT (scipy.signal.get_window's default, fftbins=True),
// 0 for the symmetric one (scipy.signal.windows.hann(n, sym=True)). n >= 1.
mml_status_t mml_window_f32(mml_window_kind_t kind, int periodic, int32_t n, float *out);
// out[i] = x[i] * w[i] (may alias x).
void mml_window_apply_f32(const float *x, const float *w, int32_t n, float *out);

// ---- Spectra ----------------------------------------------------------------------------------
// spec: [bins] complex interleaved (as mml_rfft_f32 writes). out: [bins] (may alias spec).
void mml_spectrum_power_f32(const float *spec, int32_t bins, float *out);
void mml_spectrum_magnitude_f32(const float *spec, int32_t bins, float *out);

// ---- Mel filterbank ---------------------------------------------------------------------------
typedef enum { MML_MEL_HTK = 0, MML_MEL_SLANEY = 1 } mml_mel_scale_t;
typedef enum { MML_MEL_NORM_NONE = 0, MML_MEL_NORM_SLANEY = 1 } mml_mel_norm_t;
// Where the triangles are straight: in Hz (librosa.filters.mel) or on the mel scale with the DC
// bin left out (tf.signal.linear_to_mel_weight_matrix).
typedef enum { MML_MEL_TRIANGLES_HZ = 0, MML_MEL_TRIANGLES_MEL_TF = 1 } mml_mel_shape_t;

typedef struct {
    int32_t sample_rate;
    int32_t n_fft; // spectrum has n_fft / 2 + 1 bins
    int32_t n_mels;
    float fmin, fmax; // Hz, 0 <= fmin < fmax <= sample_rate / 2
    mml_mel_scale_t scale;
    mml_mel_norm_t norm; // SLANEY: each triangle scaled by 2 / (its width in Hz), as librosa
    mml_mel_shape_t shape;
} mml_mel_config_t;

// Triangles between n_mels + 2 points evenly spaced on the mel scale, over the bins' frequencies
// k * sample_rate / n_fft (librosa.filters.mel's convention, or TF's with
// MML_MEL_TRIANGLES_MEL_TF). Only non-zero weights are kept.
typedef struct {
    int32_t n_mels, n_bins, n_weights;
    const int16_t *bands; // [n_mels][2]: first bin, number of bins
    const float *weights; // [n_weights], band after band
} mml_mel_f32_t;

// bands: [2 * n_mels] int16. weights: [weights_cap] floats; MML_ERR_INVALID_ARG with err->needed
// set to the count needed when weights_cap is too small (n_mels * (n_fft / 2 + 1) always fits).
mml_status_t mml_mel_f32_init(mml_mel_f32_t *mel, const mml_mel_config_t *cfg, int16_t *bands,
    float *weights, int32_t weights_cap, mml_error_t *err);
// spectrum: [n_bins] (power or magnitude). out: [n_mels].
void mml_mel_f32_apply(const mml_mel_f32_t *mel, const float *spectrum, float *out);
// Hz <-> mel on either scale.
float mml_mel_from_hz(float hz, mml_mel_scale_t scale);
float mml_mel_to_hz(float mel, mml_mel_scale_t scale);

// ---- Log, DCT-II, MFCC --------------------------------------------------------------------------
// out[i] = ln(x[i] + offset) (may alias x); x[i] + offset must be > 0.
void mml_log_f32(const float *x, int32_t n, float offset, float *out);

typedef enum {
    MML_DCT_NONE = 0,  // y[k] = 2 sum x[n] cos(pi k (2n + 1) / 2N)   (scipy.fft.dct, norm=None)
    MML_DCT_ORTHO = 1, // scipy's norm="ortho"
    MML_DCT_TF = 2,    // the NONE result times 1 / sqrt(2N) (tf.signal.mfccs_from_log_mel_...)
} mml_dct_norm_t;

typedef struct {
    int32_t n_in, n_out;
    const float *table; // [n_out][n_in]
} mml_dct_f32_t;

// table: [n_out * n_in] floats. 1 <= n_out <= n_in.
mml_status_t mml_dct_f32_init(mml_dct_f32_t *dct, int32_t n_in, int32_t n_out, mml_dct_norm_t norm,
    float *table);
// x: [n_in]; out: [n_out] (out != x).
void mml_dct_f32(const mml_dct_f32_t *dct, const float *x, float *out);

// MFCC of one frame: window, rfft, magnitude or power, mel, log(mel + log_offset), DCT.
typedef struct {
    const mml_rfft_f32_t *fft;
    const float *window; // [frame_len] (frame_len <= fft n; zero-padded to n)
    int32_t frame_len;
    int32_t power; // 1: power spectrum, 0: magnitude
    const mml_mel_f32_t *mel;
    float log_offset;
    const mml_dct_f32_t *dct;
} mml_mfcc_f32_t;

// frame: [frame_len]. scratch: [2 * n + 2] floats. out: [dct->n_out].
void mml_mfcc_f32(const mml_mfcc_f32_t *mfcc, const float *frame, float *scratch, float *out);

// ---- MLPerf Tiny keyword spotting front end (kws_ref_model.tflite) ----------------------------
// 1 s of 16 kHz audio (shorter is zero-padded at the end), divided by its own signed maximum (the
// model was trained on peak-normalized clips; a clip whose maximum is <= 0 is treated as
// silence, all zeros, instead of dividing by it), then 49 frames of 480 samples every 320:
// periodic Hann, 512-point rfft, magnitude, 40 TF mel bins 20-4000 Hz (HTK scale, triangles on
// the mel scale, DC left out), ln(mel + 1e-6), DCT-II with TF's scaling, first 10 coefficients.
#define MML_KWS_MFCC_SAMPLES 16000
#define MML_KWS_MFCC_FRAMES 49
#define MML_KWS_MFCC_COEFFS 10

typedef struct {
    mml_rfft_f32_t fft;
    mml_mel_f32_t mel;
    mml_dct_f32_t dct;
    const float *window; // [480]
    float *scratch;      // [16000 + 2 * 512 + 2]
} mml_kws_mfcc_t;

// Bytes of memory (8-byte aligned, caller-owned) the front end's tables and scratch take.
size_t mml_kws_mfcc_mem_size(void);
mml_status_t mml_kws_mfcc_init(mml_kws_mfcc_t *kws, void *mem, size_t mem_len);
// samples: [n] int16, n <= 16000. out: [49][10] float, time-major.
mml_status_t mml_kws_mfcc_f32(const mml_kws_mfcc_t *kws, const int16_t *samples, int32_t n,
    float *out);
// The model's int8 input as its reference evaluation makes it: x / scale + zero_point, clamped to
// [-128, 127] and truncated toward zero. out may not alias mfcc.
void mml_kws_mfcc_quantize(const float *mfcc, int32_t n, float scale, int32_t zero_point,
    int8_t *out);

// ---- Biquad IIR cascade (scipy.signal.sosfilt, float32) -----------------------------------------
typedef struct {
    int32_t n_sections;
    const float *coeffs; // [n_sections][5]: b0 b1 b2 a1 a2, divided by a0
    float *state;        // [n_sections][2]: scipy's zi layout (transposed direct form II)
} mml_iir_f32_t;

// sos: [n_sections][6] b0 b1 b2 a0 a1 a2 (scipy's layout; a0 != 0). coeffs: [5 * n_sections],
// state: [2 * n_sections] (zeroed here), both caller-owned.
mml_status_t mml_iir_f32_init(mml_iir_f32_t *iir, int32_t n_sections, const float *sos,
    float *coeffs, float *state);
void mml_iir_f32_reset(mml_iir_f32_t *iir);
// x: [n] in, y: [n] out (may alias); the state carries over to the next call.
void mml_iir_f32(mml_iir_f32_t *iir, const float *x, float *y, int32_t n);

// ---- TFLite Micro's microfrontend (bit-exact with its C library), streaming --------------------
// Window (Q12 Hann, shifted by the window's peak), int16 KISS FFT, energy, mel-like filterbank
// (Q12 weights), square root, noise reduction, PCAN gain control, log scale: each frame gives
// num_channels uint16 values, exactly as tensorflow/lite/experimental/microfrontend/lib computes
// them. All state lives in one caller-owned memory block sized by mml_microfrontend_mem_size().
typedef struct {
    int32_t sample_rate;  // Hz, 1000..96000
    int32_t window_ms;    // window length: window_ms * sample_rate / 1000 samples (<= 4096)
    int32_t step_ms;      // hop, 1..window_ms
    int32_t num_channels; // 1..128
    float lower_band_limit, upper_band_limit; // Hz
    int32_t smoothing_bits;                   // noise reduction
    float even_smoothing, odd_smoothing, min_signal_remaining;
    int32_t enable_pcan;
    float pcan_strength, pcan_offset;
    int32_t pcan_gain_bits;
    int32_t enable_log;
    int32_t log_scale_shift;
} mml_microfrontend_config_t;

typedef struct {
    int32_t size, step, fft_size, num_channels;
    int32_t start_index, end_index, input_used;
    int32_t smoothing_bits, snr_shift, enable_pcan, enable_log, scale_shift;
    uint16_t even_smoothing, odd_smoothing, min_signal_remaining;
    mml_rfft_s16_t fft;
    int16_t *coefficients; // [size] Q12 window
    int16_t *input;        // [size] samples waiting
    int16_t *fft_in;       // [fft_size]
    int16_t *fft_scratch;  // [fft_size]
    int16_t *fft_out;      // [fft_size + 2]
    int32_t *energy;       // [fft_size / 2 + 1]
    int16_t *chan_start;   // [num_channels + 1] first bin of each channel (channel 0: below band)
    int16_t *chan_width;   // [num_channels + 1]
    int16_t *weights;      // [sum of widths] Q12, channel after channel
    int16_t *unweights;    // [sum of widths]
    uint64_t *work;        // [num_channels + 1]
    uint32_t *signal;      // [num_channels]
    uint32_t *estimate;    // [num_channels] noise estimate
    int16_t *gain_lut;     // [125] PCAN
    uint16_t *output;      // [num_channels]
} mml_microfrontend_t;

// The settings ESPHome's micro_wake_word uses (16 kHz, 30 ms window, step_ms hop, 40 channels
// 125-7500 Hz, noise reduction 10 bits 0.025/0.06/0.05, PCAN 0.95/80/21, log scale shift 6).
void mml_microfrontend_config_esphome(mml_microfrontend_config_t *cfg, int32_t step_ms);
// Bytes of memory mml_microfrontend_init needs for cfg; 0 if cfg is invalid.
size_t mml_microfrontend_mem_size(const mml_microfrontend_config_t *cfg);
// mem: mem_len bytes, 8-byte aligned, caller-owned for the front end's lifetime. Resets the state.
// err (may be NULL) gets a message on failure.
mml_status_t mml_microfrontend_init(mml_microfrontend_t *fe, const mml_microfrontend_config_t *cfg,
    void *mem, size_t mem_len, mml_error_t *err);
// Back to the state right after init (no samples, noise estimates zero).
void mml_microfrontend_reset(mml_microfrontend_t *fe);
// Takes samples until a window is full (*consumed of n) and then computes one frame: returns 1
// with fe->output [num_channels] filled, or 0 when more samples are needed. Call it again with
// the rest of the samples; any chunking gives the same frames.
int mml_microfrontend_process(mml_microfrontend_t *fe, const int16_t *samples, size_t n,
    size_t *consumed);
// ESPHome's uint16 -> int8 feature conversion: clamp((v * 256 + 333) / 666 - 128, -128, 127),
// truncating division (the models' input scale 26/255, zero point -128). out may not alias in.
void mml_microfrontend_to_s8(const uint16_t *in, int32_t n, int8_t *out);

#endif // MICROML_MML_DSP_H
