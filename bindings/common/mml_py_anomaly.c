// SPDX-License-Identifier: MIT
// microml.Detector's behaviour for every binding (see mml_py_anomaly.h): option checks, the four
// scorers behind one score, quantile calibration and the hysteresis steps, and their messages.
// Cost: no allocation, no writable statics; a z-score step is a few float operations and one
// square root, a model step one inference plus the error over its values.
#include "mml_py_anomaly.h"

#if MML_ENABLE_DSP

#include <float.h>
#include <stdarg.h>
#include <string.h>

// ---------------------------------------------------------------------------------------------
// Messages: this file's table (designated initializers, so the order cannot drift).

typedef enum {
    MSG_QUANTILE,
    MSG_OFF_QUANTILE,
    MSG_ALPHA,
    MSG_SMOOTH,
    MSG_NUMBER_ONLY,
    MSG_K_N,
    MSG_GAP,
    MSG_METHOD,
    MSG_CLASSIC_NO_SCORE,
    MSG_MODEL_IO,
    MSG_MODEL_SIZE,
    MSG_MODEL_VALUES,
    MSG_ONE_SAMPLE,
    MSG_NOT_FITTED,
    MSG_FIT_EMPTY,
    MSG_SCORES_NAN,
    MSG_DETECTOR,
    MSG_MEAN_VAR,
    MSG_LOGMEL_CONFIG,
    MSG_LOGMEL_PAD,
    MSG_LOGMEL_INPUT,
    MSG_LOGMEL_SHORT,
    MSG_COUNT
} msg_t;

static const mml_py_msg_def_t msgs[MSG_COUNT] = {
    [MSG_QUANTILE] = {MML_PY_EXC_VALUE, "quantile must be in [0, 1]"},
    [MSG_OFF_QUANTILE] = {MML_PY_EXC_VALUE, "off_quantile must be in [0, quantile]"},
    [MSG_ALPHA] = {MML_PY_EXC_VALUE, "alpha must be in (0, 1]"},
    [MSG_SMOOTH] = {MML_PY_EXC_VALUE, "smooth must be in (0, 1]"},
    [MSG_NUMBER_ONLY] = {MML_PY_EXC_VALUE,
        "alpha= and smooth= are for z-scores of numbers (scorer=None), not for a model"},
    [MSG_K_N] = {MML_PY_EXC_VALUE, "need 1 <= k <= n <= 32, got k=%d, n=%d"},
    [MSG_GAP] = {MML_PY_EXC_VALUE, "gap must be >= 0, got %d"},
    [MSG_METHOD] = {MML_PY_EXC_VALUE,
        "method must be 'score_samples', 'decision_function' or 'transform'"},
    [MSG_CLASSIC_NO_SCORE] = {MML_PY_EXC_VALUE,
        "this ClassicModel has no score_samples or k-means distances to score (a one-value "
        "decision_function needs method='decision_function')"},
    [MSG_MODEL_IO] = {MML_PY_EXC_VALUE,
        "an autoencoder Model has 1 input and 1 output, got %u inputs and %u outputs"},
    [MSG_MODEL_SIZE] = {MML_PY_EXC_VALUE,
        "an autoencoder Model's output has as many values as its input: %u in, %u out"},
    [MSG_MODEL_VALUES] = {MML_PY_EXC_TYPE,
        "an autoencoder scores float values: a float32 or float64 buffer or a list of numbers"},
    [MSG_ONE_SAMPLE] = {MML_PY_EXC_VALUE, "score() and update() take one sample, not a batch"},
    [MSG_NOT_FITTED] = {MML_PY_EXC_VALUE,
        "no threshold yet: call fit() with normal data, or give threshold="},
    [MSG_FIT_EMPTY] = {MML_PY_EXC_VALUE, "fit() needs at least one sample"},
    [MSG_SCORES_NAN] = {MML_PY_EXC_VALUE, "a score of the normal data is NaN"},
    [MSG_DETECTOR] = {MML_PY_EXC_VALUE, "%s"},
    [MSG_LOGMEL_CONFIG] = {MML_PY_EXC_VALUE,
        "log_mel: need n_fft a power of two in [16, 4096], hop >= 1, 1 <= n_mels <= 512, "
        "0 <= fmin < fmax <= sample_rate / 2"},
    [MSG_LOGMEL_PAD] = {MML_PY_EXC_VALUE, "log_mel: pad must be 'reflect' or 'constant'"},
    [MSG_LOGMEL_INPUT] = {MML_PY_EXC_TYPE,
        "log_mel takes a flat buffer of int16 ('h') or float32 ('f') samples"},
    [MSG_LOGMEL_SHORT] = {MML_PY_EXC_VALUE, "log_mel: %u samples make no frame"},
    [MSG_MEAN_VAR] = {MML_PY_EXC_VALUE,
        "mean= and var= are the z-score's statistics (scorer=None, no alpha=), var >= 0"},
};

// FAIL(id, args...): the caller's e from message id (mml_py_fail_in: %u, %d, %s, %c); false.
#define FAIL(...) mml_py_fail_in(e, msgs, __VA_ARGS__)


// ---------------------------------------------------------------------------------------------
// Set-up

bool mml_py_anomaly_init(mml_py_anomaly_t *pa, const mml_py_anomaly_opts_t *o, mml_py_err_t *e) {
    memset(pa, 0, sizeof(*pa));
    pa->scorer = o->scorer;
    bool number = o->scorer == MML_PY_SCORER_ZSCORE || o->scorer == MML_PY_SCORER_EWMA;
    if (!number && (o->has_alpha || o->has_smooth)) {
        return FAIL(MSG_NUMBER_ONLY);
    }
    if (!(o->quantile >= 0.0f && o->quantile <= 1.0f)) {
        return FAIL(MSG_QUANTILE);
    }
    if (o->has_off_quantile && !(o->off_quantile >= 0.0f && o->off_quantile <= o->quantile)) {
        return FAIL(MSG_OFF_QUANTILE);
    }
    if (o->has_alpha && mml_ewma_init(&pa->ewma, o->alpha) != MML_OK) {
        return FAIL(MSG_ALPHA);
    }
    if (o->has_smooth && mml_ewma_init(&pa->pre, o->smooth) != MML_OK) {
        return FAIL(MSG_SMOOTH);
    }
    if ((o->has_mean || o->has_var) &&
        (o->scorer != MML_PY_SCORER_ZSCORE || (o->has_var && !(o->var >= 0.0f)) ||
            o->mean != o->mean)) {
        return FAIL(MSG_MEAN_VAR);
    }
    if (o->n < 1 || o->n > MML_DETECTOR_MAX_N || o->k < 1 || o->k > o->n) {
        return FAIL(MSG_K_N, o->k, o->n);
    }
    if (o->gap < 0) {
        return FAIL(MSG_GAP, o->gap);
    }
    pa->has_smooth = o->has_smooth;
    pa->has_threshold = o->has_threshold;
    pa->has_off = o->has_off;
    pa->has_on = o->has_on;
    pa->has_off_quantile = o->has_off_quantile;
    pa->quantile = o->quantile;
    pa->off_quantile = o->off_quantile;
    pa->width = 1;
    mml_welford_init(&pa->stats);
    if (o->has_mean || o->has_var) {
        // as if learnt from one sample with that spread: var(ddof=0) = m2 / n
        pa->stats.n = 1;
        pa->stats.mean = o->has_mean ? o->mean : 0.0f;
        pa->stats.m2 = o->has_var ? o->var : 0.0f;
    }
    pa->cfg.threshold = o->threshold;
    pa->cfg.off = o->has_off ? o->off : o->threshold;
    pa->cfg.on = o->has_on ? o->on : FLT_MAX;
    pa->cfg.k = o->k;
    pa->cfg.n = o->n;
    pa->cfg.gap = o->gap;
    if (o->has_threshold) {
        mml_error_t err;
        if (mml_detector_init(&pa->det, &pa->cfg, &err) != MML_OK) {
            return FAIL(MSG_DETECTOR, err.msg);
        }
        pa->ready = true;
    }
    return true;
}

#if MML_ENABLE_CLASSIC
static bool str_is(const char *a, const char *b) {
    return a != NULL && strcmp(a, b) == 0;
}

bool mml_py_anomaly_classic(mml_py_anomaly_t *pa, const mml_py_classic_t *pc, const char *method,
    mml_py_err_t *e) {
    static const struct {
        const char *name;
        uint8_t what;
    } order[] = {
        {"score_samples", MML_CLASSIC_SCORE},
        {"transform", MML_CLASSIC_TRANSFORM},
        {"decision_function", MML_CLASSIC_DECISION},
    };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (method != NULL && !str_is(method, order[i].name)) {
            continue;
        }
        uint32_t width = mml_py_classic_width(pc, (mml_classic_what_t)order[i].what);
        // decision_function scores only with one value (a binary or one-class model), and only
        // when asked for: a binary classifier's margin is no anomaly score by default; transform
        // by default only for k-means (a classifier with distances), not a transformer pipeline
        bool usable = order[i].what == MML_CLASSIC_DECISION ? width == 1 : width >= 1;
        if (method == NULL &&
            (order[i].what == MML_CLASSIC_DECISION ||
                (order[i].what == MML_CLASSIC_TRANSFORM &&
                    pc->m.task == MML_CLASSIC_TRANSFORMER))) {
            usable = false;
        }
        if (method != NULL) {
            if (!mml_py_classic_has(pc, (mml_classic_what_t)order[i].what, order[i].name, e)) {
                return false;
            }
            if (!usable) {
                return FAIL(MSG_CLASSIC_NO_SCORE);
            }
        }
        if (usable) {
            pa->what = order[i].what;
            pa->width = width;
            return true;
        }
    }
    return FAIL(method != NULL ? MSG_METHOD : MSG_CLASSIC_NO_SCORE);
}
#endif

bool mml_py_anomaly_model(mml_py_anomaly_t *pa, const mml_py_model_t *pm, mml_py_err_t *e) {
    const mml_model_t *m = &pm->model;
    if (m->n_inputs != 1 || m->n_outputs != 1) {
        return FAIL(MSG_MODEL_IO, m->n_inputs, m->n_outputs);
    }
    uint32_t n_in = 1, n_out = mml_py_output_count(pm, 0);
    const mml_tensor_info_t *in = &pm->io[0];
    for (uint32_t d = 0; d < in->rank; d++) {
        n_in *= (uint32_t)in->shape[d];
    }
    if (n_in != n_out) {
        return FAIL(MSG_MODEL_SIZE, n_in, n_out);
    }
    pa->width = n_out;
    return true;
}

size_t mml_py_anomaly_work_floats(const mml_py_anomaly_t *pa) {
    return pa->width > 0 ? pa->width : 1;
}

// ---------------------------------------------------------------------------------------------
// Scores

// A constant training series has std 0: its z-scores use this floor instead, relative to the
// mean's size so that it means the same for any unit.
static float min_std(float mean) {
    return 1e-6f * (1.0f + (mean < 0.0f ? -mean : mean));
}

float mml_py_anomaly_number(mml_py_anomaly_t *pa, float x, bool commit) {
    if (pa->has_smooth) {
        mml_ewma_t pre = pa->pre;
        mml_ewma_update(&pre, x);
        x = pre.mean;
        if (commit) {
            pa->pre = pre;
        }
    }
    if (pa->scorer == MML_PY_SCORER_ZSCORE) {
        return mml_zscore(x, pa->stats.mean, mml_welford_var(&pa->stats, 0),
            min_std(pa->stats.mean));
    }
    // EWMA: against the statistics before x; 0 while they warm up (1 / alpha samples)
    mml_ewma_t *s = &pa->ewma;
    float z =
        (float)s->n * s->alpha < 1.0f ? 0.0f : mml_zscore(x, s->mean, s->var, min_std(s->mean));
    if (commit) {
        mml_ewma_update(s, x);
    }
    return z;
}

void mml_py_anomaly_learn(mml_py_anomaly_t *pa, float x) {
    if (pa->has_smooth) {
        mml_ewma_update(&pa->pre, x);
        x = pa->pre.mean;
    }
    mml_welford_update(&pa->stats, x);
}

void mml_py_anomaly_fit_begin(mml_py_anomaly_t *pa) {
    mml_welford_init(&pa->stats);
    mml_py_anomaly_reset(pa);
}

#if MML_ENABLE_CLASSIC
bool mml_py_anomaly_classic_score(const mml_py_anomaly_t *pa, const mml_py_classic_t *pc,
    const mml_py_value_t *v, float *classic_work, float *work, float *score, mml_py_err_t *e) {
    uint32_t batch;
    bool is_batch;
    if (!mml_py_classic_input(pc, v, -1, &batch, &is_batch, e)) {
        return false;
    }
    if (batch != 1 || is_batch) {
        return FAIL(MSG_ONE_SAMPLE);
    }
    if (!mml_py_classic_run(pc, (mml_classic_what_t)pa->what, v, 0, classic_work, (uint8_t *)work,
            e)) {
        return false;
    }
    if (pa->what == MML_CLASSIC_TRANSFORM) {
        // k-means: the distance to the nearest centre
        float best = work[0];
        for (uint32_t i = 1; i < pa->width; i++) {
            best = work[i] < best ? work[i] : best;
        }
        *score = best;
    } else {
        // scikit-learn's score_samples and decision_function grow with normality
        *score = -work[0];
    }
    return true;
}
#endif

// Value k of v as a float: float32 / float64 buffers and number lists.
static bool value_float(const mml_py_value_t *v, size_t k, float *x) {
    if (v->kind == MML_PY_VAL_SEQ) {
        return v->get(v->ctx, k, x);
    }
    if (v->kind == MML_PY_VAL_TYPED && v->dtype == MML_FLOAT32) {
        memcpy(x, v->data + 4 * k, 4);
        return true;
    }
    if (v->kind == MML_PY_VAL_TYPED && v->dtype == MML_FLOAT64) {
        double d;
        memcpy(&d, v->data + 8 * k, 8);
        *x = (float)d;
        return true;
    }
    return false;
}

bool mml_py_anomaly_model_score(const mml_py_anomaly_t *pa, mml_py_model_t *pm,
    const mml_py_value_t *v, float *work, float *score, mml_py_err_t *e) {
    uint32_t batch;
    if (!mml_py_input_check(pm, 0, v, &batch, e)) {
        return false;
    }
    if (batch != 1) {
        return FAIL(MSG_ONE_SAMPLE);
    }
    bool floats = v->kind == MML_PY_VAL_SEQ ||
        (v->kind == MML_PY_VAL_TYPED && (v->dtype == MML_FLOAT32 || v->dtype == MML_FLOAT64));
    if (!floats) {
        return FAIL(MSG_MODEL_VALUES);
    }
    float x;
    if (!mml_py_input_set(pm, 0, v, 0, e) || !mml_py_invoke(pm, e)) {
        return false;
    }
    mml_py_output_copy(pm, 0, MML_PY_OUT_FLOAT, (uint8_t *)work);
    float sum = 0.0f;
    for (uint32_t i = 0; i < pa->width; i++) {
        if (!value_float(v, i, &x)) {
            return FAIL(MSG_MODEL_VALUES);
        }
        const float d = x - work[i];
        sum += d * d;
    }
    *score = sum / (float)pa->width;
    return true;
}

// ---------------------------------------------------------------------------------------------
// Calibration and stream steps

bool mml_py_anomaly_calibrate(mml_py_anomaly_t *pa, float *scores, size_t n, mml_py_err_t *e) {
    if (n == 0) {
        return FAIL(MSG_FIT_EMPTY);
    }
    int32_t m = n > (size_t)INT32_MAX ? INT32_MAX : (int32_t)n;
    mml_detector_config_t cfg = pa->cfg;
    float q;
    if (!pa->has_threshold) {
        if (mml_quantile_f32(scores, m, pa->quantile, &q) != MML_OK) {
            return FAIL(MSG_SCORES_NAN);
        }
        cfg.threshold = q;
    }
    if (!pa->has_off) {
        cfg.off = cfg.threshold;
        if (pa->has_off_quantile) {
            if (mml_quantile_f32(scores, m, pa->off_quantile, &q) != MML_OK) {
                return FAIL(MSG_SCORES_NAN);
            }
            cfg.off = q < cfg.threshold ? q : cfg.threshold;
        }
    }
    if (!pa->has_on) {
        cfg.on = FLT_MAX;
    }
    mml_error_t err;
    if (mml_detector_init(&pa->det, &cfg, &err) != MML_OK) {
        return FAIL(MSG_DETECTOR, err.msg);
    }
    pa->cfg = cfg;
    pa->ready = true;
    mml_py_anomaly_reset(pa);
    return true;
}

bool mml_py_anomaly_step(mml_py_anomaly_t *pa, float score, bool *alarm, mml_py_err_t *e) {
    if (!pa->ready) {
        return FAIL(MSG_NOT_FITTED);
    }
    *alarm = mml_detector_update(&pa->det, score) != 0;
    return true;
}

void mml_py_anomaly_reset(mml_py_anomaly_t *pa) {
    if (pa->has_smooth) {
        mml_ewma_reset(&pa->pre);
    }
    if (pa->scorer == MML_PY_SCORER_EWMA) {
        mml_ewma_reset(&pa->ewma);
    }
    if (pa->ready) {
        mml_detector_reset(&pa->det);
    }
}

bool mml_py_anomaly_fit_empty(mml_py_err_t *e) {
    return FAIL(MSG_FIT_EMPTY);
}

void mml_py_anomaly_repr(const mml_py_anomaly_t *pa, char *out, size_t out_len) {
    static const char *const names[] = {
        [MML_PY_SCORER_ZSCORE] = "zscore",
        [MML_PY_SCORER_EWMA] = "ewma",
        [MML_PY_SCORER_CLASSIC] = "ClassicModel",
        [MML_PY_SCORER_MODEL] = "Model",
    };
    mml_py_err_t b;
    size_t pos = 0;
    mml_py_putf(&b, &pos, "<microml.Detector %s, %d of %d, gap %d%s",
        pa->scorer < 4 ? names[pa->scorer] : "?", pa->cfg.k, pa->cfg.n, pa->cfg.gap,
        pa->ready ? ", calibrated>" : ", not calibrated>");
    size_t n = pos + 1 < out_len ? pos + 1 : out_len;
    if (n > 0) {
        memcpy(out, b.msg, n - 1);
        out[n - 1] = 0;
    }
}

// ---------------------------------------------------------------------------------------------
// log_mel

bool mml_py_logmel_config(mml_logmel_config_t *cfg, int32_t sample_rate, int32_t n_fft, int32_t hop,
    int32_t n_mels, float fmin, bool has_fmax, float fmax, bool center, const char *pad,
    mml_py_err_t *e) {
    mml_logmel_config_mlperf_ad(cfg);
    cfg->sample_rate = sample_rate;
    cfg->n_fft = n_fft;
    cfg->hop = hop;
    cfg->n_mels = n_mels;
    cfg->fmin = fmin;
    cfg->fmax = has_fmax ? fmax : 0.5f * (float)sample_rate;
    cfg->center = center ? 1 : 0;
    if (pad == NULL || strcmp(pad, "reflect") == 0) {
        cfg->pad = MML_LOGMEL_PAD_REFLECT;
    } else if (strcmp(pad, "constant") == 0) {
        cfg->pad = MML_LOGMEL_PAD_CONSTANT;
    } else {
        return FAIL(MSG_LOGMEL_PAD);
    }
    if (mml_logmel_mem_size(cfg) == 0) {
        return FAIL(MSG_LOGMEL_CONFIG);
    }
    return true;
}

bool mml_py_logmel_input(const mml_logmel_t *lm, const mml_py_value_t *v, int32_t *frames,
    mml_py_err_t *e) {
    if (v->kind != MML_PY_VAL_TYPED || v->ndim != 1 || ((uintptr_t)v->data & 3) != 0 ||
        (v->dtype != MML_INT16 && v->dtype != MML_FLOAT32)) {
        return FAIL(MSG_LOGMEL_INPUT);
    }
    size_t n = v->shape[0];
    int32_t n32 = n > (size_t)INT32_MAX ? INT32_MAX : (int32_t)n;
    *frames = mml_logmel_frames(lm, n32);
    if (*frames < 1) {
        return FAIL(MSG_LOGMEL_SHORT, (uint32_t)n32);
    }
    return true;
}

void mml_py_logmel_run(const mml_logmel_t *lm, const mml_py_value_t *v, int32_t frames,
    float *out) {
    const int32_t n = (int32_t)v->shape[0];
    for (int32_t t = 0; t < frames; t++) {
        float *o = out + (size_t)t * (size_t)lm->cfg.n_mels;
        if (v->dtype == MML_INT16) {
            mml_logmel_frame_s16(lm, (const int16_t *)v->data, n, t, o);
        } else {
            mml_logmel_frame(lm, (const float *)v->data, n, t, o);
        }
    }
}

#endif // MML_ENABLE_DSP
