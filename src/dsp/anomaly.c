// SPDX-License-Identifier: MIT
// Anomaly scoring primitives (include/microml/mml_anomaly.h): Welford and EWMA statistics,
// z-score, quantile calibration and the hysteresis detector. O(1) per sample, no allocation.
#include "microml/mml_anomaly.h"
#include "microml/mml_dsp.h"

#if MML_ENABLE_DSP

#include "core/mathf.h"
#include "core/status.h"

void mml_welford_init(mml_welford_t *w) {
    w->n = 0;
    w->mean = 0.0f;
    w->m2 = 0.0f;
}

void mml_welford_update(mml_welford_t *w, float x) {
    w->n++;
    const float d = x - w->mean;
    w->mean += d / (float)w->n;
    w->m2 += d * (x - w->mean);
}

float mml_welford_var(const mml_welford_t *w, int32_t ddof) {
    if (w->n <= ddof) {
        return 0.0f;
    }
    return w->m2 / (float)(w->n - ddof);
}

mml_status_t mml_ewma_init(mml_ewma_t *e, float alpha) {
    // written so that NaN fails too
    if (!(alpha > 0.0f && alpha <= 1.0f)) {
        return MML_ERR_INVALID_ARG;
    }
    e->alpha = alpha;
    mml_ewma_reset(e);
    return MML_OK;
}

void mml_ewma_reset(mml_ewma_t *e) {
    e->mean = 0.0f;
    e->var = 0.0f;
    e->n = 0;
}

void mml_ewma_update(mml_ewma_t *e, float x) {
    if (e->n == 0) {
        e->mean = x;
        e->var = 0.0f;
    } else {
        const float d = x - e->mean;
        const float inc = e->alpha * d;
        e->mean += inc;
        e->var = (1.0f - e->alpha) * (e->var + d * inc);
    }
    if (e->n < INT32_MAX) {
        e->n++;
    }
}

float mml_zscore(float x, float mean, float var, float min_std) {
    float s = var > 0.0f ? mml__sqrtf(var) : 0.0f;
    if (!(s >= min_std)) {
        s = min_std;
    }
    const float d = x - mean;
    return (d < 0.0f ? -d : d) / s;
}

// Moves x[i] down the max-heap x[0..n) until both children are smaller.
static void sift_down(float *x, int32_t i, int32_t n) {
    for (;;) {
        int32_t c = 2 * i + 1;
        if (c >= n) {
            return;
        }
        if (c + 1 < n && x[c + 1] > x[c]) {
            c++;
        }
        if (!(x[c] > x[i])) {
            return;
        }
        const float t = x[i];
        x[i] = x[c];
        x[c] = t;
        i = c;
    }
}

mml_status_t mml_quantile_f32(float *x, int32_t n, float q, float *out) {
    if (!x || !out || n < 1 || !(q >= 0.0f && q <= 1.0f)) {
        return MML_ERR_INVALID_ARG;
    }
    for (int32_t i = 0; i < n; i++) {
        if (x[i] != x[i]) {
            return MML_ERR_INVALID_ARG;
        }
    }
    for (int32_t i = n / 2 - 1; i >= 0; i--) {
        sift_down(x, i, n);
    }
    for (int32_t end = n - 1; end > 0; end--) {
        const float t = x[0];
        x[0] = x[end];
        x[end] = t;
        sift_down(x, 0, end);
    }
    // the position in double: q * (n - 1) in float loses the fraction for n beyond ~2^24 / 1000
    const double pos = (double)q * (double)(n - 1);
    int32_t i = (int32_t)pos;
    if (i >= n - 1) {
        *out = x[n - 1];
        return MML_OK;
    }
    const float f = (float)(pos - (double)i);
    *out = x[i] + f * (x[i + 1] - x[i]);
    return MML_OK;
}

mml_status_t mml_detector_init(mml_detector_t *d, const mml_detector_config_t *cfg,
    mml_error_t *err) {
    if (!d || !cfg) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "detector: NULL argument");
    }
    if (cfg->threshold != cfg->threshold || cfg->off != cfg->off || cfg->on != cfg->on) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "detector: a threshold is NaN");
    }
    if (cfg->off > cfg->threshold) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "detector: off must be <= threshold");
    }
    if (cfg->on < cfg->threshold) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "detector: on must be >= threshold");
    }
    if (cfg->n < 1 || cfg->n > MML_DETECTOR_MAX_N || cfg->k < 1 || cfg->k > cfg->n) {
        return mml__fail(err, MML_ERR_INVALID_ARG,
            "detector: need 1 <= k <= n <= 32, got k %d, n %d", cfg->k, cfg->n);
    }
    if (cfg->gap < 0) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "detector: gap must be >= 0, got %d", cfg->gap);
    }
    d->cfg = *cfg;
    mml_detector_reset(d);
    return MML_OK;
}

void mml_detector_reset(mml_detector_t *d) {
    d->history = 0;
    d->since = d->cfg.gap;
    d->active = 0;
}

int mml_detector_update(mml_detector_t *d, float score) {
    const mml_detector_config_t *c = &d->cfg;
    const uint32_t mask = c->n >= 32 ? 0xffffffffu : ((1u << c->n) - 1u);
    d->history = ((d->history << 1) | (score > c->threshold ? 1u : 0u)) & mask;
    if (d->since < c->gap) {
        d->since++;
    }
    if (d->active) {
        if (score < c->off) {
            d->active = 0;
        }
        return 0;
    }
    int32_t above = 0;
    for (uint32_t h = d->history; h; h &= h - 1) {
        above++;
    }
    if ((above >= c->k || score > c->on) && d->since >= c->gap) {
        d->active = 1;
        d->since = 0;
        return 1;
    }
    return 0;
}

#endif // MML_ENABLE_DSP
