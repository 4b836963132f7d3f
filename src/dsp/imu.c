// SPDX-License-Identifier: MIT
// Streaming IMU window features (mml_gesture.h): a ring buffer of [window, channels] floats, and
// per completed window statistics, moments, crossings and FFT band energies per channel.
// Cost per sample: one copy (and a window's features every hop samples: O(W) per channel plus
// one rfft of nfft points when bands > 0). No libm: square roots by mml__sqrtf.
#include <string.h>
#include "microml/mml_config.h"
#include "microml/mml_gesture.h"
#include "core/mathf.h"

#if MML_ENABLE_DSP

static int32_t next_pow2(int32_t n) {
    int32_t p = 4;
    while (p < n) {
        p *= 2;
    }
    return p;
}

static int valid(const mml_imu_config_t *c) {
    if (c == NULL || c->channels < 1 || c->channels > MML_IMU_MAX_CHANNELS || c->window < 4 ||
        c->window > 4096 || c->hop < 1 || c->hop > c->window || c->bands < 0 ||
        c->bands > MML_IMU_MAX_BANDS || (c->magnitude != 0 && c->magnitude != 1) || c->queue < 1 ||
        c->queue > 65536 || !(c->rate > 0.0f && c->rate < 1.0e9f)) {
        return 0;
    }
    return c->bands <= next_pow2(c->window) / 2;
}

static int32_t n_channels(const mml_imu_config_t *c) {
    return c->channels + (c->magnitude ? c->channels / 3 : 0);
}

static int32_t per_channel(const mml_imu_config_t *c) {
    return MML_IMU_N_STATS + (c->bands > 0 ? c->bands + 1 : 0);
}

// Float counts rounded up to 2 so that every part stays 8-byte aligned.
static size_t even(size_t n) {
    return (n + 1) & ~(size_t)1;
}

size_t mml_imu_mem_floats(const mml_imu_config_t *c) {
    if (!valid(c)) {
        return 0;
    }
    size_t nfft = (size_t)next_pow2(c->window);
    size_t nf = (size_t)n_channels(c) * (size_t)per_channel(c);
    size_t n = even((size_t)c->window * (size_t)c->channels) + even((size_t)c->queue * nf) +
        even((size_t)c->window);
    if (c->bands > 0) {
        n += nfft + (nfft + 2) + MML_RFFT_F32_TABLE_LEN(nfft);
    }
    return n;
}

mml_status_t mml_imu_init(mml_imu_t *f, const mml_imu_config_t *c, float *mem, size_t mem_floats) {
    size_t need = mml_imu_mem_floats(c);
    if (f == NULL || need == 0 || mem == NULL || mem_floats < need) {
        return MML_ERR_INVALID_ARG;
    }
    memset(f, 0, sizeof(*f));
    f->cfg = *c;
    f->n_channels = n_channels(c);
    f->per_channel = per_channel(c);
    f->n_features = f->n_channels * f->per_channel;
    f->nfft = next_pow2(c->window);
    float *p = mem;
    f->ring = p;
    p += even((size_t)c->window * (size_t)c->channels);
    f->queue = p;
    p += even((size_t)c->queue * (size_t)f->n_features);
    f->chan = p;
    p += even((size_t)c->window);
    if (c->bands > 0) {
        f->fft_in = p;
        p += f->nfft;
        f->spec = p;
        p += f->nfft + 2;
        mml_status_t s = mml_rfft_f32_init(&f->fft, f->nfft, p);
        if (s != MML_OK) {
            return s;
        }
    }
    mml_imu_reset(f);
    return MML_OK;
}

void mml_imu_reset(mml_imu_t *f) {
    f->pos = 0;
    f->to_next = f->cfg.window;
    f->ready = 0;
    f->head = 0;
    memset(f->ring, 0, (size_t)f->cfg.window * (size_t)f->cfg.channels * sizeof(float));
}

int32_t mml_imu_windows_for(const mml_imu_t *f, int32_t n) {
    if (n < f->to_next) {
        return 0;
    }
    return 1 + (n - f->to_next) / f->cfg.hop;
}

// Channel e's window, oldest sample first, into f->chan.
static void gather(mml_imu_t *f, int32_t e) {
    const int32_t w = f->cfg.window, c = f->cfg.channels;
    for (int32_t i = 0, slot = f->pos; i < w; i++, slot = slot + 1 == w ? 0 : slot + 1) {
        const float *s = f->ring + (size_t)slot * (size_t)c;
        if (e < c) {
            f->chan[i] = s[e];
        } else {
            const float *g = s + 3 * (e - c);
            f->chan[i] = mml__sqrtf(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
        }
    }
}

static int32_t crossings(const float *x, int32_t n, float level) {
    int32_t count = 0;
    for (int32_t i = 1; i < n; i++) {
        count += (x[i - 1] < level) != (x[i] < level);
    }
    return count;
}

// Compensated (Kahan) sums: a window of float32 samples summed in float keeps about 1e-7
// relative error, so that the third and fourth moments, which cancel, stay within 1e-6 of a
// float64 reference.
typedef struct {
    float s, c;
} ksum_t;

static void kadd(ksum_t *k, float v) {
    float y = v - k->c;
    float t = k->s + y;
    k->c = (t - k->s) - y;
    k->s = t;
}

// The features of channel f->chan into out [per_channel].
static void channel_features(mml_imu_t *f, float *out) {
    const int32_t w = f->cfg.window;
    const float *x = f->chan;
    const float inv_w = 1.0f / (float)w;
    ksum_t sum = {0.0f, 0.0f}, sum_sq = {0.0f, 0.0f};
    float lo = x[0], hi = x[0];
    for (int32_t i = 0; i < w; i++) {
        kadd(&sum, x[i]);
        kadd(&sum_sq, x[i] * x[i]);
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    // The mean, then corrected by the mean of the residuals (the corrected two-pass algorithm).
    float mean = sum.s * inv_w;
    ksum_t res = {0.0f, 0.0f};
    for (int32_t i = 0; i < w; i++) {
        kadd(&res, x[i] - mean);
    }
    mean += res.s * inv_w;
    ksum_t k2 = {0.0f, 0.0f}, k3 = {0.0f, 0.0f}, k4 = {0.0f, 0.0f};
    for (int32_t i = 0; i < w; i++) {
        float d = x[i] - mean, d2 = d * d;
        kadd(&k2, d2);
        kadd(&k3, d2 * d);
        kadd(&k4, d2 * d2);
    }
    const float m2 = k2.s * inv_w, m3 = k3.s * inv_w, m4 = k4.s * inv_w;
    const float sd = mml__sqrtf(m2);
    out[0] = mean;
    out[1] = sd;
    out[2] = lo;
    out[3] = hi;
    out[4] = mml__sqrtf(sum_sq.s * inv_w);
    out[5] = hi - lo;
    out[6] = (float)crossings(x, w, 0.0f);
    out[7] = (float)crossings(x, w, mean);
    out[8] = m2 > 0.0f ? m3 / (m2 * sd) : 0.0f;
    out[9] = m2 > 0.0f ? m4 / (m2 * m2) - 3.0f : 0.0f;
    const int32_t bands = f->cfg.bands;
    if (bands == 0) {
        return;
    }
    const int32_t nfft = f->nfft, k_max = nfft / 2;
    for (int32_t i = 0; i < nfft; i++) {
        f->fft_in[i] = i < w ? x[i] - mean : 0.0f;
    }
    mml_rfft_f32(&f->fft, f->fft_in, f->spec);
    float *band = out + MML_IMU_N_STATS;
    int32_t best = 1;
    float best_p = -1.0f;
    for (int32_t b = 0; b < bands; b++) {
        band[b] = 0.0f;
    }
    for (int32_t k = 1, b = 0; k <= k_max; k++) {
        float re = f->spec[2 * k], im = f->spec[2 * k + 1], p = re * re + im * im;
        while (b + 1 < bands && k >= 1 + (b + 1) * k_max / bands) {
            b++;
        }
        band[b] += p;
        if (p > best_p) {
            best_p = p;
            best = k;
        }
    }
    for (int32_t b = 0; b < bands; b++) {
        band[b] *= inv_w;
    }
    band[bands] = (float)best * f->cfg.rate / (float)nfft;
}

int32_t mml_imu_push_one(mml_imu_t *f, const float *x) {
    if (f->to_next == 1 && f->ready == f->cfg.queue) {
        return 0;
    }
    const int32_t c = f->cfg.channels;
    memcpy(f->ring + (size_t)f->pos * (size_t)c, x, (size_t)c * sizeof(float));
    f->pos = f->pos + 1 == f->cfg.window ? 0 : f->pos + 1;
    if (--f->to_next > 0) {
        return 1;
    }
    f->to_next = f->cfg.hop;
    int32_t slot = (f->head + f->ready) % f->cfg.queue;
    float *dst = f->queue + (size_t)slot * (size_t)f->n_features;
    for (int32_t e = 0; e < f->n_channels; e++) {
        gather(f, e);
        channel_features(f, dst + (size_t)e * (size_t)f->per_channel);
    }
    f->ready++;
    return 1;
}

int32_t mml_imu_push(mml_imu_t *f, const float *x, int32_t n) {
    int32_t k = 0;
    while (k < n && mml_imu_push_one(f, x + (size_t)k * (size_t)f->cfg.channels)) {
        k++;
    }
    return k;
}

const float *mml_imu_front(const mml_imu_t *f) {
    return f->ready > 0 ? f->queue + (size_t)f->head * (size_t)f->n_features : NULL;
}

void mml_imu_pop(mml_imu_t *f) {
    if (f->ready > 0) {
        f->head = (f->head + 1) % f->cfg.queue;
        f->ready--;
    }
}

int mml_imu_read(mml_imu_t *f, float *out) {
    const float *v = mml_imu_front(f);
    if (v == NULL) {
        return 0;
    }
    memcpy(out, v, (size_t)f->n_features * sizeof(float));
    mml_imu_pop(f);
    return 1;
}

#endif // MML_ENABLE_DSP
