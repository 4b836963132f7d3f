// SPDX-License-Identifier: MIT
// TFLite Micro's microfrontend (tensorflow/lite/experimental/microfrontend/lib), written from its
// semantics: every integer step, and the float steps that build its tables at init, follow the
// reference so the uint16 features are bit for bit the same. Cost per frame: one int16 FFT of
// fft_size, ~fft_size/2 multiply-adds of filterbank, and per channel a 64-bit integer square root,
// a few multiplies and an integer log; no float in process().
#include <stddef.h>
#include <string.h>
#include "microml/mml_dsp.h"
#include "dsp/audio_fixed.h"
#include "dsp/dsp_math.h"

#if MML_ENABLE_DSP

#define WINDOW_BITS 12     // Q12 window coefficients
#define FILTERBANK_BITS 12 // Q12 filterbank weights
#define NOISE_BITS 14      // Q14 smoothing coefficients
#define WDF_BITS 32 // PCAN gain table: one segment per bit of the noise estimate
#define WDF_LUT_SIZE (4 * WDF_BITS - 3)
#define MAX_CHANNELS 128

static int msb32(uint32_t n) {
    int b = 0;
    while (n) {
        b++;
        n >>= 1;
    }
    return b;
}

static void set_err(mml_error_t *err, const char *msg) {
    if (!err) {
        return;
    }
    err->status = MML_ERR_INVALID_ARG;
    err->op_index = -1;
    err->needed = err->got = 0;
    size_t i = 0;
    for (; msg[i] && i + 1 < sizeof(err->msg); i++) {
        err->msg[i] = msg[i];
    }
    err->msg[i] = '\0';
}

void mml_microfrontend_config_esphome(mml_microfrontend_config_t *cfg, int32_t step_ms) {
    cfg->sample_rate = 16000;
    cfg->window_ms = 30;
    cfg->step_ms = step_ms;
    cfg->num_channels = 40;
    cfg->lower_band_limit = 125.0f;
    cfg->upper_band_limit = 7500.0f;
    cfg->smoothing_bits = 10;
    cfg->even_smoothing = 0.025f;
    cfg->odd_smoothing = 0.06f;
    cfg->min_signal_remaining = 0.05f;
    cfg->enable_pcan = 1;
    cfg->pcan_strength = 0.95f;
    cfg->pcan_offset = 80.0f;
    cfg->pcan_gain_bits = 21;
    cfg->enable_log = 1;
    cfg->log_scale_shift = 6;
}

// The reference builds its tables in float (TFLM's *_util.c): log1pf with glibc's (fdlibm's)
// roundings, which the filterbank edges and weights depend on; cosf as the correctly rounded float
// of a double cos, which gives glibc's window for every size up to 4096 but five (all > 2000).
static float log1p_f(float x) {
    return mml__log1pf_fdlibm(x);
}

static float floor_f(float x) {
    return (float)mml__floor((double)x);
}

// FreqToMel: 1127 ln(1 + f / 700), every step in float.
static float freq_to_mel(float freq) {
    return 1127.0f * log1p_f(freq / 700.0f);
}

// Everything the filterbank layout needs, computed as the reference does in float.
typedef struct {
    int32_t num_channels, start_index, end_index, n_weights;
    float hz_per_sbin, mel_low;
    float center[MAX_CHANNELS + 1];
    int16_t start[MAX_CHANNELS + 1], width[MAX_CHANNELS + 1];
} fb_layout_t;

// 0 when the bands do not fit the spectrum.
static int fb_layout(const mml_microfrontend_config_t *cfg, int32_t spectrum_size, fb_layout_t *l) {
    const int32_t n1 = cfg->num_channels + 1;
    l->num_channels = cfg->num_channels;
    const float mel_low = freq_to_mel(cfg->lower_band_limit);
    const float mel_hi = freq_to_mel(cfg->upper_band_limit);
    const float mel_spacing = (mel_hi - mel_low) / (float)n1;
    for (int32_t i = 0; i < n1; i++) {
        l->center[i] = mel_low + mel_spacing * (float)(i + 1);
    }
    l->mel_low = mel_low;
    l->hz_per_sbin = 0.5f * (float)cfg->sample_rate / ((float)spectrum_size - 1.0f);
    // DC is always excluded; the truncation to int is the reference's.
    l->start_index = (int32_t)(1.5f + cfg->lower_band_limit / l->hz_per_sbin);
    int32_t f0 = l->start_index, n_weights = 0, end = 0;
    for (int32_t c = 0; c < n1; c++) {
        int32_t f = f0;
        while (freq_to_mel((float)f * l->hz_per_sbin) <= l->center[c]) {
            f++;
            if (f > spectrum_size) {
                return 0;
            }
        }
        l->start[c] = (int16_t)f0;
        l->width[c] = (int16_t)(f - f0);
        n_weights += f - f0;
        end = f; // the last bin any channel reads, plus one
        f0 = f;
    }
    l->end_index = end;
    l->n_weights = n_weights;
    return end < spectrum_size;
}

static int config_ok(const mml_microfrontend_config_t *c, const char **why) {
    *why = NULL;
    if (c->sample_rate < 1000 || c->sample_rate > 96000) {
        *why = "sample_rate must be 1000..96000 Hz";
    } else if (c->window_ms < 1 || (int64_t)c->window_ms * c->sample_rate / 1000 > 4096 ||
        (int64_t)c->window_ms * c->sample_rate / 1000 < 2) {
        *why = "window must be 2..4096 samples";
    } else if (c->step_ms < 1 || c->step_ms > c->window_ms ||
        (int64_t)c->step_ms * c->sample_rate / 1000 < 1) {
        *why = "step_ms must be 1..window_ms";
    } else if (c->num_channels < 1 || c->num_channels > MAX_CHANNELS) {
        *why = "num_channels must be 1..128";
    } else if (!(c->lower_band_limit >= 0.0f) || !(c->upper_band_limit > c->lower_band_limit) ||
        c->upper_band_limit > 0.5f * (float)c->sample_rate) {
        *why = "band limits must satisfy 0 <= lower < upper <= sample_rate / 2";
    } else if (c->smoothing_bits < 0 || c->smoothing_bits > 16 || !(c->even_smoothing >= 0.0f) ||
        !(c->even_smoothing <= 1.0f) || !(c->odd_smoothing >= 0.0f) ||
        !(c->odd_smoothing <= 1.0f) || !(c->min_signal_remaining >= 0.0f) ||
        !(c->min_signal_remaining < 1.0f)) {
        *why = "noise reduction settings out of range";
    } else if (c->enable_pcan &&
        (c->pcan_gain_bits < 1 || c->pcan_gain_bits > 30 || !(c->pcan_offset > 0.0f) ||
            !(c->pcan_strength >= 0.0f))) {
        *why = "PCAN settings out of range";
    } else if (c->log_scale_shift < 0 || c->log_scale_shift > 15) {
        *why = "log_scale_shift must be 0..15";
    }
    return *why == NULL;
}

// Carves the block (8-byte aligned pieces); with mem NULL only counts.
typedef struct {
    uint8_t *base;
    size_t used;
} carve_t;

static void *take(carve_t *c, size_t bytes) {
    void *p = c->base ? c->base + c->used : NULL;
    c->used += (bytes + 7u) & ~(size_t)7u;
    return p;
}

static size_t carve(mml_microfrontend_t *fe, const fb_layout_t *l, int32_t size, int32_t fft_size,
    void *mem) {
    carve_t c = {(uint8_t *)mem, 0};
    const size_t n1 = (size_t)l->num_channels + 1, nc = (size_t)l->num_channels;
    fe->work = take(&c, n1 * sizeof(uint64_t));
    fe->coefficients = take(&c, (size_t)size * sizeof(int16_t));
    fe->input = take(&c, (size_t)size * sizeof(int16_t));
    fe->fft_in = take(&c, (size_t)fft_size * sizeof(int16_t));
    fe->fft_scratch = take(&c, (size_t)MML_RFFT_S16_SCRATCH_LEN(fft_size) * sizeof(int16_t));
    fe->fft_out = take(&c, (size_t)(fft_size + 2) * sizeof(int16_t));
    fe->energy = take(&c, (size_t)(fft_size / 2 + 1) * sizeof(int32_t));
    fe->chan_start = take(&c, n1 * sizeof(int16_t));
    fe->chan_width = take(&c, n1 * sizeof(int16_t));
    fe->weights = take(&c, (size_t)l->n_weights * sizeof(int16_t));
    fe->unweights = take(&c, (size_t)l->n_weights * sizeof(int16_t));
    fe->signal = take(&c, nc * sizeof(uint32_t));
    fe->estimate = take(&c, nc * sizeof(uint32_t));
    fe->gain_lut = take(&c, WDF_LUT_SIZE * sizeof(int16_t));
    fe->output = take(&c, nc * sizeof(uint16_t));
    int16_t *fft_table = take(&c, (size_t)MML_RFFT_S16_TABLE_LEN(fft_size) * sizeof(int16_t));
    if (mem) {
        mml_rfft_s16_init(&fe->fft, fft_size, fft_table);
    }
    return c.used;
}

static int32_t fft_size_for(int32_t size) {
    int32_t n = 4;
    while (n < size) {
        n <<= 1;
    }
    return n;
}

size_t mml_microfrontend_mem_size(const mml_microfrontend_config_t *cfg) {
    const char *why;
    fb_layout_t l;
    memset(&l, 0, sizeof(l));
    if (!cfg || !config_ok(cfg, &why)) {
        return 0;
    }
    const int32_t size = cfg->window_ms * cfg->sample_rate / 1000;
    const int32_t fft_size = fft_size_for(size);
    if (!fb_layout(cfg, fft_size / 2 + 1, &l)) {
        return 0;
    }
    mml_microfrontend_t fe;
    return carve(&fe, &l, size, fft_size, NULL);
}

// The reference's PCAN gain at noise estimate x (float math as it does it, powf in double).
static int16_t pcan_gain(const mml_microfrontend_config_t *cfg, int32_t input_bits, uint32_t x) {
    const float xf = (float)x / (float)((uint32_t)1 << input_bits);
    const float p =
        (float)mml__exp(-(double)cfg->pcan_strength * mml__log((double)(xf + cfg->pcan_offset)));
    const float gain = (float)((uint32_t)1 << cfg->pcan_gain_bits) * p;
    if (gain > 32767.0f) {
        return 32767;
    }
    return (int16_t)(gain + 0.5f);
}

mml_status_t mml_microfrontend_init(mml_microfrontend_t *fe, const mml_microfrontend_config_t *cfg,
    void *mem, size_t mem_len, mml_error_t *err) {
    const char *why;
    fb_layout_t l;
    memset(&l, 0, sizeof(l));
    if (!fe || !cfg || !mem) {
        set_err(err, "microfrontend: NULL argument");
        return MML_ERR_INVALID_ARG;
    }
    if (!config_ok(cfg, &why)) {
        set_err(err, why);
        return MML_ERR_INVALID_ARG;
    }
    if (((uintptr_t)mem & 7u) != 0) {
        set_err(err, "microfrontend: memory must be 8-byte aligned");
        return MML_ERR_INVALID_ARG;
    }
    const int32_t size = cfg->window_ms * cfg->sample_rate / 1000;
    const int32_t fft_size = fft_size_for(size);
    if (!fb_layout(cfg, fft_size / 2 + 1, &l)) {
        set_err(err, "microfrontend: filterbank end is above the spectrum size");
        return MML_ERR_INVALID_ARG;
    }
    const size_t need = carve(fe, &l, size, fft_size, NULL);
    if (mem_len < need) {
        set_err(err, "microfrontend: memory too small");
        if (err) {
            err->needed = (uint32_t)need;
            err->got = (uint32_t)mem_len;
        }
        return MML_ERR_INVALID_ARG;
    }
    carve(fe, &l, size, fft_size, mem);
    fe->size = size;
    fe->step = cfg->step_ms * cfg->sample_rate / 1000;
    fe->fft_size = fft_size;
    fe->num_channels = cfg->num_channels;
    fe->start_index = l.start_index;
    fe->end_index = l.end_index;

    // Window: 0.5 - 0.5 cos(2 pi (i + 0.5) / size) in Q12, in float as the reference.
    const float arg = (float)MML__PI * 2.0f / (float)size;
    for (int32_t i = 0; i < size; i++) {
        const float c = (float)mml__cos((double)(arg * ((float)i + 0.5f)));
        const float v = 0.5f - 0.5f * c;
        fe->coefficients[i] = (int16_t)floor_f(v * (float)(1 << WINDOW_BITS) + 0.5f);
    }

    // Filterbank weights: channel c rises over its bins from the previous center (or mel_low).
    int16_t *w = fe->weights, *u = fe->unweights;
    for (int32_t c = 0; c <= l.num_channels; c++) {
        fe->chan_start[c] = l.start[c];
        fe->chan_width[c] = l.width[c];
        const float denom = c == 0 ? l.mel_low : l.center[c - 1];
        for (int32_t j = 0; j < l.width[c]; j++) {
            const int32_t f = l.start[c] + j;
            const float weight =
                (l.center[c] - freq_to_mel((float)f * l.hz_per_sbin)) / (l.center[c] - denom);
            *w++ = (int16_t)floor_f(weight * (float)(1 << FILTERBANK_BITS) + 0.5f);
            *u++ = (int16_t)floor_f((1.0f - weight) * (float)(1 << FILTERBANK_BITS) + 0.5f);
        }
    }

    // Noise reduction coefficients in Q14 (float product, truncated as the reference stores it).
    fe->smoothing_bits = cfg->smoothing_bits;
    fe->even_smoothing = (uint16_t)(cfg->even_smoothing * (float)(1 << NOISE_BITS));
    fe->odd_smoothing = (uint16_t)(cfg->odd_smoothing * (float)(1 << NOISE_BITS));
    fe->min_signal_remaining = (uint16_t)(cfg->min_signal_remaining * (float)(1 << NOISE_BITS));

    // PCAN: gain = 2^gain_bits (noise + offset)^-strength, as a table of quadratic segments.
    const int32_t correction = msb32((uint32_t)fft_size) - 1 - FILTERBANK_BITS / 2;
    fe->enable_pcan = cfg->enable_pcan;
    fe->snr_shift = cfg->pcan_gain_bits - correction - MML__PCAN_SNR_BITS;
    if (cfg->enable_pcan) {
        const int32_t input_bits = cfg->smoothing_bits - correction;
        int16_t *lut = fe->gain_lut;
        memset(lut, 0, WDF_LUT_SIZE * sizeof(int16_t));
        lut[0] = pcan_gain(cfg, input_bits, 0);
        lut[1] = pcan_gain(cfg, input_bits, 1);
        for (int32_t interval = 2; interval <= WDF_BITS; interval++) {
            const uint32_t x0 = (uint32_t)1 << (interval - 1);
            const uint32_t x1 = x0 + (x0 >> 1);
            const uint32_t x2 = interval == WDF_BITS ? x0 + (x0 - 1) : 2 * x0;
            const int16_t y0 = pcan_gain(cfg, input_bits, x0);
            const int16_t y1 = pcan_gain(cfg, input_bits, x1);
            const int16_t y2 = pcan_gain(cfg, input_bits, x2);
            const int32_t d1 = (int32_t)y1 - y0, d2 = (int32_t)y2 - y0;
            const int32_t a1 = 4 * d1 - d2, a2 = d2 - a1;
            lut[4 * interval - 6] = y0;
            lut[4 * interval - 5] = (int16_t)a1;
            lut[4 * interval - 4] = (int16_t)a2;
        }
    }

    fe->enable_log = cfg->enable_log;
    fe->scale_shift = cfg->log_scale_shift;
    mml_microfrontend_reset(fe);
    return MML_OK;
}

void mml_microfrontend_reset(mml_microfrontend_t *fe) {
    memset(fe->input, 0, (size_t)fe->size * sizeof(int16_t));
    fe->input_used = 0;
    memset(fe->work, 0, (size_t)(fe->num_channels + 1) * sizeof(uint64_t));
    memset(fe->estimate, 0, (size_t)fe->num_channels * sizeof(uint32_t));
}

int mml_microfrontend_process(mml_microfrontend_t *fe, const int16_t *samples, size_t n,
    size_t *consumed) {
    // Window: fill, then apply the Q12 window and note the peak.
    size_t take_n = (size_t)(fe->size - fe->input_used);
    if (take_n > n) {
        take_n = n;
    }
    memcpy(fe->input + fe->input_used, samples, take_n * sizeof(int16_t));
    *consumed = take_n;
    fe->input_used += (int32_t)take_n;
    if (fe->input_used < fe->size) {
        return 0;
    }
    int16_t max_abs = 0;
    for (int32_t i = 0; i < fe->size; i++) {
        const int16_t v = (int16_t)(((int32_t)fe->input[i] * fe->coefficients[i]) >> WINDOW_BITS);
        fe->fft_in[i] = v;
        const int16_t a = v < 0 ? (int16_t)-v : v;
        if (a > max_abs) {
            max_abs = a;
        }
    }
    memmove(fe->input, fe->input + fe->step, (size_t)(fe->size - fe->step) * sizeof(int16_t));
    fe->input_used -= fe->step;

    // FFT of the window scaled up to use the int16 range.
    const int shift = 15 - msb32((uint32_t)(int32_t)max_abs);
    for (int32_t i = 0; i < fe->size; i++) {
        fe->fft_in[i] = (int16_t)((uint32_t)(uint16_t)fe->fft_in[i] << shift);
    }
    for (int32_t i = fe->size; i < fe->fft_size; i++) {
        fe->fft_in[i] = 0;
    }
    mml_rfft_s16(&fe->fft, fe->fft_in, fe->fft_scratch, fe->fft_out);

    // Energy of the bins the filterbank reads (int32, as the reference keeps it).
    for (int32_t k = fe->start_index; k < fe->end_index; k++) {
        const int32_t re = fe->fft_out[2 * k], im = fe->fft_out[2 * k + 1];
        fe->energy[k] = (int32_t)((uint32_t)(re * re) + (uint32_t)(im * im));
    }

    // Filterbank: each bin feeds its channel with weight w and the next one with 1 - w.
    uint64_t acc_w = 0, acc_u = 0;
    const int16_t *w = fe->weights, *u = fe->unweights;
    for (int32_t c = 0; c <= fe->num_channels; c++) {
        const int32_t *e = fe->energy + fe->chan_start[c];
        for (int32_t j = 0; j < fe->chan_width[c]; j++) {
            const uint64_t m = (uint64_t)(int64_t)e[j];
            acc_w += (uint64_t)w[j] * m;
            acc_u += (uint64_t)u[j] * m;
        }
        w += fe->chan_width[c];
        u += fe->chan_width[c];
        fe->work[c] = acc_w;
        acc_w = acc_u;
        acc_u = 0;
    }
    uint32_t *signal = fe->signal;
    for (int32_t c = 0; c < fe->num_channels; c++) {
        signal[c] = mml__audio_sqrt64(fe->work[c + 1]) >> shift;
    }

    // Noise reduction: subtract a smoothed noise estimate, keep at least a floor of the signal.
    for (int32_t c = 0; c < fe->num_channels; c++) {
        const uint32_t sm = (c & 1) == 0 ? fe->even_smoothing : fe->odd_smoothing;
        const uint32_t one_minus = (1u << NOISE_BITS) - sm;
        const uint32_t up = signal[c] << fe->smoothing_bits;
        uint32_t est =
            (uint32_t)(((uint64_t)up * sm + (uint64_t)fe->estimate[c] * one_minus) >> NOISE_BITS);
        fe->estimate[c] = est;
        if (est > up) {
            est = up;
        }
        const uint32_t floor_ =
            (uint32_t)(((uint64_t)signal[c] * fe->min_signal_remaining) >> NOISE_BITS);
        const uint32_t sub = (up - est) >> fe->smoothing_bits;
        signal[c] = sub > floor_ ? sub : floor_;
    }

    // PCAN gain control.
    if (fe->enable_pcan) {
        for (int32_t c = 0; c < fe->num_channels; c++) {
            const uint32_t gain = (uint32_t)(int32_t)mml__audio_pcan_gain(fe->estimate[c], fe->gain_lut);
            const uint32_t snr = (uint32_t)(((uint64_t)signal[c] * gain) >> fe->snr_shift);
            signal[c] = mml__audio_pcan_shrink(snr);
        }
    }

    // Log scale into uint16.
    const int correction = msb32((uint32_t)fe->fft_size) - 1 - FILTERBANK_BITS / 2;
    for (int32_t c = 0; c < fe->num_channels; c++) {
        uint32_t v = signal[c];
        if (fe->enable_log) {
            v = correction < 0 ? v >> -correction : v << correction;
            v = v > 1 ? mml__audio_log32(v, 1u << fe->scale_shift) : 0;
        }
        fe->output[c] = (uint16_t)(v < 0xFFFF ? v : 0xFFFF);
    }
    return 1;
}

void mml_microfrontend_to_s8(const uint16_t *in, int32_t n, int8_t *out) {
    for (int32_t i = 0; i < n; i++) {
        int32_t v = ((int32_t)in[i] * 256 + 333) / 666 - 128;
        out[i] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }
}

#endif // MML_ENABLE_DSP
