// SPDX-License-Identifier: MIT
// Streaming wake-word detection (ESPHome's microWakeWord rule) on int16 audio fed in chunks of
// any size: TFLite Micro's microfrontend -> int8 feature slices -> streaming models -> detection.
#ifndef MICROML_MML_STREAM_H
#define MICROML_MML_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "mml_config.h"
#include "mml_dsp.h"
#include "mml_model.h"
#include "mml_status.h"

// ---- One streaming model under ESPHome's rule (StreamingModel in micro_wake_word) -------------
// The model's input 0 is the rolling feature map: int8 [1, stride, channels]; each slice fills
// the next row and every stride-th slice runs the model. Its output 0 (uint8 [1, 1], 0..255)
// enters a ring of `window` probabilities that starts at zeros. After every slice, if the newest
// probability is below `cutoff`, `ignore` rises by one, capped at 0 (it starts at
// -MML_MWW_IGNORE_SLICES, as after ESPHome's model load).
#define MML_MWW_IGNORE_SLICES 100 // ESPHome's MIN_SLICES_BEFORE_DETECTION (2025)
#define MML_MWW_WINDOW_MAX 255

typedef struct {
    mml_model_t *model; // borrowed, READY; the caller keeps it alive
    int8_t *input;      // the model's input 0: [stride][channels]
    const uint8_t *output;
    uint8_t *ring; // [window], caller-owned
    int32_t stride, channels, window, cutoff;
    int32_t step;        // rows filled since the last invoke
    int32_t newest;      // ring index of the newest probability
    int32_t ignore;      // ESPHome's ignore_windows_: detection only when >= 0
    uint8_t unprocessed; // a probability arrived that no detection check has looked at yet
} mml_mww_model_t;

// Checks the model's I/O (input 0 int8 [1, stride >= 1, channels], output 0 uint8 with 1
// element), cutoff (0..255: int(probability_cutoff * 255)) and window (1..255); then
// mml_mww_model_reset. err (may be NULL) names the problem.
mml_status_t mml_mww_model_init(mml_mww_model_t *s, mml_model_t *model, int32_t channels,
    int32_t cutoff, int32_t window, uint8_t *ring, mml_error_t *err);
// A cold start: the model's state (mml_model_reset), an empty feature map, a zero ring,
// ignore = -MML_MWW_IGNORE_SLICES, nothing unprocessed.
mml_status_t mml_mww_model_reset(mml_mww_model_t *s);
// One slice of features [channels] (ESPHome's perform_streaming_inference).
mml_status_t mml_mww_model_slice(mml_mww_model_t *s, const int8_t *features, mml_error_t *err);
// Sum of the ring: the rule compares it with cutoff * window.
uint32_t mml_mww_model_sum(const mml_mww_model_t *s);

// ---- A wake word: front end, model, optional VAD, ESPHome's detection ------------------------
#define MML_WAKEWORD_CHANNELS 40
#define MML_WAKEWORD_RATE 16000

typedef struct {
    mml_model_t *model; // the wake-word model (borrowed, READY)
    int32_t cutoff;     // 0..255: int(manifest probability_cutoff * 255)
    int32_t window;     // the manifest's sliding_window_size
    mml_model_t *vad;   // NULL, or the VAD model (borrowed, READY)
    int32_t vad_cutoff, vad_window;
    int32_t step_ms; // the manifest's feature_step_size: 10 or 20
} mml_wakeword_config_t;

typedef struct {
    mml_microfrontend_t fe;
    mml_mww_model_t wake, vad;
    uint8_t has_vad;
    int8_t features[MML_WAKEWORD_CHANNELS]; // the newest slice's features
    uint32_t slices;                        // slices since init/reset
    // The newest slice's outcome (valid after mml_wakeword_feed returned 1):
    uint8_t detected;    // the wake word fired on it (then ring zeroed, ignore restarted)
    uint8_t vad_blocked; // the wake word's rule held but the VAD's did not
    uint32_t sum;        // the wake ring's sum the rule looked at (0 if none)
} mml_wakeword_t;

// Bytes of caller-owned memory (8-byte aligned) mml_wakeword_init needs: the front end's
// tables and state plus the rings. 0 if step_ms is not 10 or 20.
size_t mml_wakeword_mem_size(const mml_wakeword_config_t *cfg);
// Checks cfg and both models, lays out mem and resets (a cold start).
mml_status_t mml_wakeword_init(mml_wakeword_t *w, const mml_wakeword_config_t *cfg, void *mem,
    size_t mem_len, mml_error_t *err);
// A cold start: front end, models, rings, ignore counters, slice count.
mml_status_t mml_wakeword_reset(mml_wakeword_t *w);
// Takes samples until one slice is complete: returns 1 with that slice processed (w->features,
// w->detected, w->slices counts it), 0 when all n samples were taken without completing one, or
// a negative mml_status_t when a model fails (err says why). *consumed: samples taken. Call again
// with the rest; any chunking gives the same slices and detections. No allocation, no libm.
// Per slice, in ESPHome's order: both models take the features (and run every stride-th
// slice); the VAD passes when it is absent or its ring sum > vad_cutoff * vad_window; when the
// wake word has an unprocessed probability and its ignore counter is >= 0, it is checked
// (processed): sum > cutoff * window fires, if the VAD passes, and then its ring is zeroed and
// its ignore counter set back to -MML_MWW_IGNORE_SLICES.
int mml_wakeword_feed(mml_wakeword_t *w, const int16_t *samples, size_t n, size_t *consumed,
    mml_error_t *err);
// The sample count at the end of slice k (0-based): the front end's window plus k steps. The
// slice's time in seconds is this / MML_WAKEWORD_RATE.
uint64_t mml_wakeword_slice_end(const mml_wakeword_t *w, uint32_t k);

// ---- Any classifier on streamed audio: a rolling feature map, smoothing, refractory period ----
// Front ends:
//   MML_STREAM_MICRO: TFLM's microfrontend with ESPHome's / micro_speech's settings (30 ms
//     window, step_ms hop, 40 channels, int8 as mml_microfrontend_to_s8). A frame is one hop.
//     The model's input 0 (int8, frames x 40 values: [1, 49, 40] or [1, 1960] for micro_speech)
//     is a rolling map of the newest frames, oldest first.
//   MML_STREAM_MLPERF: the MLPerf Tiny KWS MFCC front end (kws_ref_model, input 49 x 10 int8).
//     Its peak normalization is per 1 s window, so the map cannot roll: at each invocation the
//     last 16000 samples (zeros before the start) are normalized by their own peak and turned
//     into 49 frames, exactly as mml_kws_mfcc_f32 does for a 1 s clip. A frame is a 20 ms hop.
// Once the map is full (its frames; 1 s, 50 hops, for MLPERF) the model runs, then every
// `every` frames; its output 0 (int8, uint8 or float32; up to
// MML_STREAM_MAX_CLASSES classes), dequantized, enters a moving average over the last `smooth`
// invocations (fewer at the start). A detection: the top averaged class, when its label is not
// in `ignore` and its average is >= threshold, and at least refractory_ms since the previous
// detection's frame.
#define MML_STREAM_MAX_CLASSES 32
#define MML_STREAM_MAX_SMOOTH 64

typedef enum { MML_STREAM_MICRO = 0, MML_STREAM_MLPERF = 1 } mml_stream_frontend_t;

typedef struct {
    mml_model_t *model;    // borrowed, READY
    int32_t frontend;      // mml_stream_frontend_t
    int32_t step_ms;       // MICRO: 10 or 20 (micro_speech: 20); MLPERF: ignored (20)
    int32_t every;         // frames between invocations, 1..1000
    int32_t smooth;        // invocations averaged, 1..MML_STREAM_MAX_SMOOTH
    float threshold;       // averaged score a detection needs
    int32_t refractory_ms; // 0..3600000
    uint32_t ignore;       // bit i: label i is never reported (silence, unknown...)
} mml_audio_stream_config_t;

typedef struct {
    mml_audio_stream_config_t cfg;
    mml_microfrontend_t fe;
    mml_kws_mfcc_t kws;
    mml_tensor_info_t in, out;
    int8_t *input;
    const void *output;
    int32_t channels, frames, hop, n_classes;
    int8_t *map; // MICRO: [frames][channels] ring, row map_head is the oldest
    int32_t map_head;
    int16_t *ring;   // MLPERF: [16000] last samples, ring_head is the oldest
    int16_t *window; // MLPERF: [16000] the window in time order
    float *mfcc;     // MLPERF: [49 * 10]
    int32_t ring_head, hop_fill;
    float *scores; // [smooth][n_classes]
    float *avg;    // [n_classes] the newest average
    int32_t score_head, n_scores;
    uint32_t frame_count, since_invoke, refractory_frames;
    int64_t last_detection; // frame index, or -1
    // The newest frame's outcome (after mml_audio_stream_feed returned 1):
    uint8_t invoked, detected;
    int32_t label; // the top averaged class (when invoked)
    float score;   // its average
} mml_audio_stream_t;

// Bytes of caller-owned memory (8-byte aligned) for cfg and its model's input and output.
size_t mml_audio_stream_mem_size(const mml_audio_stream_config_t *cfg);
mml_status_t mml_audio_stream_init(mml_audio_stream_t *s, const mml_audio_stream_config_t *cfg,
    void *mem, size_t mem_len, mml_error_t *err);
// A cold start: front end, map, model state, averages, refractory period, frame count.
mml_status_t mml_audio_stream_reset(mml_audio_stream_t *s);
// As mml_wakeword_feed, one frame per call that returns 1.
int mml_audio_stream_feed(mml_audio_stream_t *s, const int16_t *samples, size_t n, size_t *consumed,
    mml_error_t *err);
// Sample count at the end of frame k (its time: / 16000).
uint64_t mml_audio_stream_frame_end(const mml_audio_stream_t *s, uint32_t k);

#endif // MICROML_MML_STREAM_H
