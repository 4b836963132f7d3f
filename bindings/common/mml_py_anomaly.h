// SPDX-License-Identifier: MIT
// microml.Detector, written once for every binding: one score() over any scorer (a z-score of a
// number from statistics learnt on normal data (Welford) or running ones (EWMA), a ClassicModel's
// score_samples / decision_function / k-means distance, or an autoencoder Model's reconstruction
// error), a threshold calibrated as a quantile of the scores of normal data, and the hysteresis
// detector of include/microml/mml_anomaly.h. Scores always grow with how anomalous a sample is.
// Nothing here allocates or raises: the binding allocates the struct and one work buffer of
// mml_py_anomaly_work_floats() floats, and turns an mml_py_err_t into its exception.
#ifndef MICROML_BINDINGS_MML_PY_ANOMALY_H
#define MICROML_BINDINGS_MML_PY_ANOMALY_H

#include "mml_py.h"
#include "microml/mml_anomaly.h"
#include "microml/mml_logmel.h"

#if MML_ENABLE_DSP

typedef enum {
    MML_PY_SCORER_ZSCORE = 0,  // |x - mean| / std, mean and std learnt by fit() (Welford)
    MML_PY_SCORER_EWMA = 1,    // |x - mean| / std over the running EWMA mean and variance
    MML_PY_SCORER_CLASSIC = 2, // a ClassicModel
    MML_PY_SCORER_MODEL = 3,   // a .tflite autoencoder: mean squared reconstruction error
} mml_py_scorer_t;

// Detector(...) keyword arguments as the binding found them (has_*: given, not None).
typedef struct {
    uint8_t scorer; // mml_py_scorer_t (the binding picks it from the scorer object)
    bool has_alpha, has_smooth, has_threshold, has_off, has_on, has_off_quantile, has_mean, has_var;
    float alpha;              // EWMA weight, (0, 1]: the scorer is MML_PY_SCORER_EWMA
    float smooth;             // z-scores: weight of an EWMA that smooths x first, (0, 1]
    float quantile;           // threshold = this quantile of fit()'s scores, [0, 1]
    float off_quantile;       // off = this quantile of fit()'s scores (default: off = threshold)
    float threshold, off, on; // given values (fit() leaves them alone)
    float mean, var;   // ZSCORE: learnt statistics given (trained on the host); fit() replaces them
    int32_t k, n, gap; // hysteresis, see mml_detector_config_t
    const char *method; // ClassicModel: "score_samples", "decision_function", "transform"
} mml_py_anomaly_opts_t;

typedef struct {
    uint8_t scorer; // mml_py_scorer_t
    uint8_t what;   // ClassicModel: the mml_classic_what_t scored
    bool has_smooth, has_threshold, has_off, has_on, has_off_quantile, ready;
    float quantile, off_quantile, smooth;
    uint32_t width;      // values per sample the scorer produces (Model: inputs, classic: what)
    mml_welford_t stats; // ZSCORE: learnt by fit()
    mml_ewma_t ewma;     // EWMA: the running statistics
    mml_ewma_t pre;      // the smoother (has_smooth)
    mml_detector_config_t cfg;
    mml_detector_t det; // valid once ready (threshold known)
} mml_py_anomaly_t;

// Checks the options and sets pa up. The scorer is checked by the _classic / _model calls below.
bool mml_py_anomaly_init(mml_py_anomaly_t *pa, const mml_py_anomaly_opts_t *o, mml_py_err_t *e);
#if MML_ENABLE_CLASSIC
// Picks the method scored (method, or by default score_samples, else a k-means model's
// distances) and checks that the model has it; decision_function (one value) only when named.
bool mml_py_anomaly_classic(mml_py_anomaly_t *pa, const mml_py_classic_t *pc, const char *method,
    mml_py_err_t *e);
#endif
// Checks that pm is an autoencoder: one input, one output of as many values.
bool mml_py_anomaly_model(mml_py_anomaly_t *pa, const mml_py_model_t *pm, mml_py_err_t *e);
// Floats of work memory the binding keeps with the detector (at least 1).
size_t mml_py_anomaly_work_floats(const mml_py_anomaly_t *pa);

// ZSCORE / EWMA: the score of number x; commit = true moves the smoother and the EWMA on (a
// stream step), false leaves every state as it was (score()).
float mml_py_anomaly_number(mml_py_anomaly_t *pa, float x, bool commit);
// ZSCORE, fit()'s first pass: x (smoothed) goes into the learnt statistics.
void mml_py_anomaly_learn(mml_py_anomaly_t *pa, float x);
// Starts a fit(): forgets learnt statistics, resets the streaming state.
void mml_py_anomaly_fit_begin(mml_py_anomaly_t *pa);
#if MML_ENABLE_CLASSIC
// CLASSIC: the score of one sample v. classic_work: the ClassicModel's work buffer; work:
// mml_py_anomaly_work_floats() floats.
bool mml_py_anomaly_classic_score(const mml_py_anomaly_t *pa, const mml_py_classic_t *pc,
    const mml_py_value_t *v, float *classic_work, float *work, float *score, mml_py_err_t *e);
#endif
// MODEL: mean over the input's values of (x - rebuild)^2, the rebuild dequantized. v: float
// values (a float32/float64 buffer or a list of numbers). work: mml_py_anomaly_work_floats().
bool mml_py_anomaly_model_score(const mml_py_anomaly_t *pa, mml_py_model_t *pm,
    const mml_py_value_t *v, float *work, float *score, mml_py_err_t *e);

// Ends a fit(): threshold (and off) from the n scores of normal data (sorted in place), unless
// they were given; then the detector is ready and the streaming state reset.
bool mml_py_anomaly_calibrate(mml_py_anomaly_t *pa, float *scores, size_t n, mml_py_err_t *e);
// One stream step with a score: *alarm = an alarm starts now. Fails before a threshold is known.
bool mml_py_anomaly_step(mml_py_anomaly_t *pa, float score, bool *alarm, mml_py_err_t *e);
// Streaming state (smoother, EWMA statistics, hysteresis) back to the start; learnt statistics
// and thresholds stay.
void mml_py_anomaly_reset(mml_py_anomaly_t *pa);
// fit() needs samples.
bool mml_py_anomaly_fit_empty(mml_py_err_t *e);
// repr(Detector): "<microml.Detector zscore, threshold 3.1, 3 of 5, gap 300>".
void mml_py_anomaly_repr(const mml_py_anomaly_t *pa, char *out, size_t out_len);

// ---------------------------------------------------------------------------------------------
// microml.log_mel(x, *, sample_rate=16000, n_fft=1024, hop=512, n_mels=128, fmin=0, fmax=None,
// center=True, pad="reflect"): librosa's log-mel frames (include/microml/mml_logmel.h) of a
// clip of int16 ('h') or float32 ('f') samples, as one flat array of frames * n_mels floats.

// Checks the arguments (fmax: sample_rate / 2 unless has_fmax; pad: "reflect" or "constant")
// and fills cfg.
bool mml_py_logmel_config(mml_logmel_config_t *cfg, int32_t sample_rate, int32_t n_fft, int32_t hop,
    int32_t n_mels, float fmin, bool has_fmax, float fmax, bool center, const char *pad,
    mml_py_err_t *e);
// Checks the clip v (a flat int16 or float32 buffer) and finds its frames (at least 1).
bool mml_py_logmel_input(const mml_logmel_t *lm, const mml_py_value_t *v, int32_t *frames,
    mml_py_err_t *e);
// Computes every frame of the checked clip v into out (frames * n_mels floats, aligned).
void mml_py_logmel_run(const mml_logmel_t *lm, const mml_py_value_t *v, int32_t frames, float *out);

#endif // MML_ENABLE_DSP
#endif // MICROML_BINDINGS_MML_PY_ANOMALY_H
