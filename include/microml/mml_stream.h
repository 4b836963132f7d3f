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
    uint8_t *ring;      // [window], caller-owned
    int32_t stride, channels, window, cutoff;
    int32_t step;       // rows filled since the last invoke
    int32_t newest;     // ring index of the newest probability
    int32_t ignore;     // ESPHome's ignore_windows_: detection only when >= 0
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
    int32_t step_ms;    // the manifest's feature_step_size: 10 or 20
} mml_wakeword_config_t;

typedef struct {
    mml_microfrontend_t fe;
    mml_mww_model_t wake, vad;
    uint8_t has_vad;
    int8_t features[MML_WAKEWORD_CHANNELS]; // the newest slice's features
    uint32_t slices;        // slices since init/reset
    // The newest slice's outcome (valid after mml_wakeword_feed returned 1):
    uint8_t detected;       // the wake word fired on it (then ring zeroed, ignore restarted)
    uint8_t vad_blocked;    // the wake word's rule held but the VAD's did not
    uint32_t sum;           // the wake ring's sum the rule looked at (0 if none)
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

#endif // MICROML_MML_STREAM_H
