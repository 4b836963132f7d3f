// SPDX-License-Identifier: MIT
// Anomaly scoring for sensor streams: online mean/variance (Welford), exponentially weighted
// mean/variance (EWMA), z-scores, a quantile for calibrating a threshold on normal data, and an
// alarm detector with hysteresis. Every struct is the caller's; nothing allocates, no libm
// (z-scores use the core's own square root). Costs: a few multiply-adds per sample.
#ifndef MICROML_MML_ANOMALY_H
#define MICROML_MML_ANOMALY_H

#include <stdint.h>
#include "mml_status.h"

// ---- Welford: running mean and variance ------------------------------------------------------
// Numerically stable one-pass mean and variance (Welford 1962), float32 state.
typedef struct {
    int32_t n;  // samples seen
    float mean; // their mean
    float m2;   // sum of squared deviations from the mean
} mml_welford_t;

void mml_welford_init(mml_welford_t *w);
void mml_welford_update(mml_welford_t *w, float x);
// Variance with ddof degrees of freedom removed: m2 / (n - ddof) (numpy.var(x, ddof=ddof));
// 0 while n <= ddof.
float mml_welford_var(const mml_welford_t *w, int32_t ddof);

// ---- EWMA: exponentially weighted mean and variance ------------------------------------------
// With d = x - mean: mean += alpha * d; var = (1 - alpha) * (var + alpha * d * d) (Finch 2009,
// "Incremental calculation of weighted mean and variance"). The first sample sets mean = x,
// var = 0 (pandas' ewm(alpha=a, adjust=False).mean() for the mean).
typedef struct {
    float alpha; // weight of the newest sample, 0 < alpha <= 1
    float mean, var;
    int32_t n; // samples seen
} mml_ewma_t;

// MML_ERR_INVALID_ARG unless 0 < alpha <= 1.
mml_status_t mml_ewma_init(mml_ewma_t *e, float alpha);
void mml_ewma_reset(mml_ewma_t *e);
void mml_ewma_update(mml_ewma_t *e, float x);

// ---- z-score ------------------------------------------------------------------------------------
// |x - mean| / max(sqrt(var), min_std): how many standard deviations x lies from the mean.
// min_std > 0 keeps a constant training series from dividing by zero.
float mml_zscore(float x, float mean, float var, float min_std);

// ---- Quantile --------------------------------------------------------------------------------
// The q-quantile of x[0..n) with numpy.quantile's default ("linear") interpolation: sorts x in
// place (heapsort: no recursion, no scratch), then x[i] + f * (x[i + 1] - x[i]) at
// i + f = q * (n - 1). MML_ERR_INVALID_ARG for n < 1, q outside [0, 1] or a NaN in x.
mml_status_t mml_quantile_f32(float *x, int32_t n, float q, float *out);

// ---- Detector: threshold plus hysteresis -------------------------------------------------------
// Turns a stream of scores (higher: more anomalous) into alarm events. A step counts as "above"
// when score > threshold. While idle, an alarm starts when at least k of the last n steps were
// above, or at once when score > on, provided at least gap steps passed since the last alarm
// started. An active alarm ends at the first score < off (off <= threshold), and the next one
// needs the conditions again: one noisy reading cannot raise a burst of alarms.
#define MML_DETECTOR_MAX_N (32)

typedef struct {
    float threshold; // usually a quantile of the scores of normal data (mml_quantile_f32)
    float off;       // <= threshold
    float on;        // >= threshold; a large value (FLT_MAX) to not use it
    int32_t k, n;    // 1 <= k <= n <= MML_DETECTOR_MAX_N
    int32_t gap;     // >= 0 steps between alarm starts (0 or 1: none)
} mml_detector_config_t;

typedef struct {
    mml_detector_config_t cfg;
    uint32_t history; // bit i: step t - i was above
    int32_t since;    // steps since the last alarm started (saturates at gap)
    int32_t active;   // 1 while an alarm is on
} mml_detector_t;

// Checks cfg (NaN thresholds, off > threshold, on < threshold, k, n, gap): MML_ERR_INVALID_ARG
// with a message in err (may be NULL). Resets the state.
mml_status_t mml_detector_init(mml_detector_t *d, const mml_detector_config_t *cfg,
    mml_error_t *err);
void mml_detector_reset(mml_detector_t *d);
// One step: returns 1 if an alarm starts at this score, else 0. A NaN score counts as not above
// and does not end an alarm.
int mml_detector_update(mml_detector_t *d, float score);

#endif // MICROML_MML_ANOMALY_H
