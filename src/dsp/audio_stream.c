// SPDX-License-Identifier: MIT
// Any classifier on streamed audio (mml_stream.h): microfrontend or MLPerf KWS front end, a
// rolling feature map, a model run every N frames, a moving average of its scores and
// detections with a refractory period. Cost per invocation: MICRO a copy of the map (2 KB for
// micro_speech); MLPERF 49 512-point FFTs over the last second; plus the model.
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "core/status.h"
#include "microml/mml_stream.h"

#if MML_ENABLE_DSP

#define KWS_SAMPLES MML_KWS_MFCC_SAMPLES
#define KWS_VALUES (MML_KWS_MFCC_FRAMES * MML_KWS_MFCC_COEFFS)
#define KWS_HOP 320

static size_t align8(size_t n) {
    return (n + 7u) & ~(size_t)7u;
}

// Bytes of the front end's own memory (0: bad settings).
static size_t frontend_bytes(const mml_audio_stream_config_t *cfg) {
    if (cfg->frontend == MML_STREAM_MLPERF) {
        return mml_kws_mfcc_mem_size();
    }
    if (cfg->frontend != MML_STREAM_MICRO || (cfg->step_ms != 10 && cfg->step_ms != 20)) {
        return 0;
    }
    mml_microfrontend_config_t fc;
    mml_microfrontend_config_esphome(&fc, cfg->step_ms);
    return mml_microfrontend_mem_size(&fc);
}

// Checks the model's I/O for cfg; fills channels, frames, n_classes.
static mml_status_t check_model(const mml_audio_stream_config_t *cfg, mml_tensor_info_t *in,
    mml_tensor_info_t *out, int32_t *channels, int32_t *frames, int32_t *n_classes,
    mml_error_t *err) {
    mml_model_t *m = cfg->model;
    if (!m || m->state != MML_MODEL_READY) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "audio stream: model not prepared");
    }
    if (m->n_inputs < 1 || m->n_outputs < 1 || mml_model_input_info(m, 0, in) != MML_OK ||
        mml_model_output_info(m, 0, out) != MML_OK) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "audio stream: needs an input and an output");
    }
    const uint32_t values = in->bytes;
    if (cfg->frontend == MML_STREAM_MLPERF) {
        if (in->dtype != MML_INT8 || values != KWS_VALUES) {
            return mml__fail(err, MML_ERR_INVALID_ARG,
                "audio stream: the mlperf front end needs an int8 input of 49 x 10 values (got "
                "%s, %u bytes)",
                mml_dtype_name((mml_dtype_t)in->dtype), values);
        }
        *channels = MML_KWS_MFCC_COEFFS;
        *frames = MML_KWS_MFCC_FRAMES;
    } else {
        if (in->dtype != MML_INT8 || values == 0 || values % MML_WAKEWORD_CHANNELS != 0) {
            return mml__fail(err, MML_ERR_INVALID_ARG,
                "audio stream: the micro front end needs an int8 input of frames x 40 values "
                "(got %s, %u bytes)",
                mml_dtype_name((mml_dtype_t)in->dtype), values);
        }
        *channels = MML_WAKEWORD_CHANNELS;
        *frames = (int32_t)(values / MML_WAKEWORD_CHANNELS);
    }
    const uint32_t size = mml_dtype_size((mml_dtype_t)out->dtype);
    if ((out->dtype != MML_INT8 && out->dtype != MML_UINT8 && out->dtype != MML_FLOAT32) ||
        size == 0 || out->bytes / size < 1 || out->bytes / size > MML_STREAM_MAX_CLASSES) {
        return mml__fail(err, MML_ERR_INVALID_ARG,
            "audio stream: output 0 must hold 1..%d int8, uint8 or float32 scores (got %s, %u "
            "bytes)",
            (int32_t)MML_STREAM_MAX_CLASSES, mml_dtype_name((mml_dtype_t)out->dtype), out->bytes);
    }
    *n_classes = (int32_t)(out->bytes / size);
    return MML_OK;
}

// Bytes after the front end's: floats first (mfcc, scores, averages), then int16, then int8.
static size_t tail_bytes(const mml_audio_stream_config_t *cfg, int32_t channels, int32_t frames,
    int32_t n_classes) {
    size_t n = ((size_t)cfg->smooth + 1u) * (size_t)n_classes * sizeof(float);
    if (cfg->frontend == MML_STREAM_MLPERF) {
        n += KWS_VALUES * sizeof(float) + 2u * KWS_SAMPLES * sizeof(int16_t);
    } else {
        n += (size_t)frames * (size_t)channels;
    }
    return n;
}

size_t mml_audio_stream_mem_size(const mml_audio_stream_config_t *cfg) {
    mml_tensor_info_t in, out;
    int32_t channels, frames, n_classes;
    if (!cfg || cfg->smooth < 1 || cfg->smooth > MML_STREAM_MAX_SMOOTH) {
        return 0;
    }
    size_t fe = frontend_bytes(cfg);
    if (fe == 0 || check_model(cfg, &in, &out, &channels, &frames, &n_classes, NULL) != MML_OK) {
        return 0;
    }
    return align8(fe) + tail_bytes(cfg, channels, frames, n_classes);
}

mml_status_t mml_audio_stream_init(mml_audio_stream_t *s, const mml_audio_stream_config_t *cfg,
    void *mem, size_t mem_len, mml_error_t *err) {
    if (!s || !cfg || !mem) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "audio stream: NULL argument");
    }
    if (cfg->frontend != MML_STREAM_MICRO && cfg->frontend != MML_STREAM_MLPERF) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "audio stream: unknown front end %d",
            cfg->frontend);
    }
    if (cfg->frontend == MML_STREAM_MICRO && cfg->step_ms != 10 && cfg->step_ms != 20) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "audio stream: step_ms %d is not 10 or 20",
            cfg->step_ms);
    }
    if (cfg->every < 1 || cfg->every > 1000) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "audio stream: every %d is not in 1..1000",
            cfg->every);
    }
    if (cfg->smooth < 1 || cfg->smooth > MML_STREAM_MAX_SMOOTH) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "audio stream: smooth %d is not in 1..%d",
            cfg->smooth, (int32_t)MML_STREAM_MAX_SMOOTH);
    }
    if (cfg->refractory_ms < 0 || cfg->refractory_ms > 3600000 ||
        !(cfg->threshold == cfg->threshold)) {
        return mml__fail(err, MML_ERR_INVALID_ARG,
            "audio stream: refractory_ms must be 0..3600000 and threshold a number");
    }
    mml_status_t st =
        check_model(cfg, &s->in, &s->out, &s->channels, &s->frames, &s->n_classes, err);
    if (st != MML_OK) {
        return st;
    }
    const size_t need = mml_audio_stream_mem_size(cfg);
    if (mem_len < need || ((uintptr_t)mem & 7u) != 0) {
        mml__fail(err, MML_ERR_INVALID_ARG,
            "audio stream: memory needs %u bytes, 8-byte aligned, got %u", (uint32_t)need,
            (uint32_t)mem_len);
        if (err) {
            err->needed = (uint32_t)need;
            err->got = (uint32_t)mem_len;
        }
        return MML_ERR_INVALID_ARG;
    }
    s->cfg = *cfg;
    const size_t fe = frontend_bytes(cfg);
    if (cfg->frontend == MML_STREAM_MLPERF) {
        st = mml_kws_mfcc_init(&s->kws, mem, fe);
        s->hop = KWS_HOP;
    } else {
        mml_microfrontend_config_t fc;
        mml_microfrontend_config_esphome(&fc, cfg->step_ms);
        st = mml_microfrontend_init(&s->fe, &fc, mem, fe, err);
        s->hop = s->fe.step;
    }
    if (st != MML_OK) {
        return mml__fail(err, st, "audio stream: front end init failed");
    }
    uint8_t *p = (uint8_t *)mem + align8(fe);
    s->scores = (float *)(void *)p;
    p += (size_t)cfg->smooth * (size_t)s->n_classes * sizeof(float);
    s->avg = (float *)(void *)p;
    p += (size_t)s->n_classes * sizeof(float);
    s->mfcc = NULL;
    s->ring = s->window = NULL;
    s->map = NULL;
    if (cfg->frontend == MML_STREAM_MLPERF) {
        s->mfcc = (float *)(void *)p;
        p += KWS_VALUES * sizeof(float);
        s->ring = (int16_t *)(void *)p;
        p += KWS_SAMPLES * sizeof(int16_t);
        s->window = (int16_t *)(void *)p;
    } else {
        s->map = (int8_t *)p;
    }
    s->input = (int8_t *)mml_model_input_data(cfg->model, 0);
    s->output = mml_model_output_data(cfg->model, 0);
    s->refractory_frames =
        ((uint32_t)cfg->refractory_ms * 16u + (uint32_t)s->hop - 1u) / (uint32_t)s->hop;
    return mml_audio_stream_reset(s);
}

mml_status_t mml_audio_stream_reset(mml_audio_stream_t *s) {
    if (s->cfg.frontend == MML_STREAM_MLPERF) {
        memset(s->ring, 0, KWS_SAMPLES * sizeof(int16_t));
    } else {
        mml_microfrontend_reset(&s->fe);
        memset(s->map, -128, (size_t)s->frames * (size_t)s->channels);
    }
    memset(s->scores, 0, (size_t)s->cfg.smooth * (size_t)s->n_classes * sizeof(float));
    memset(s->avg, 0, (size_t)s->n_classes * sizeof(float));
    s->map_head = s->ring_head = s->hop_fill = 0;
    s->score_head = s->n_scores = 0;
    s->frame_count = s->since_invoke = 0;
    s->last_detection = -1;
    s->invoked = s->detected = 0;
    s->label = 0;
    s->score = 0.0f;
    return mml_model_reset(s->cfg.model);
}

// Takes samples into the MLPERF ring until a hop is complete: 1 then.
static int mlperf_take(mml_audio_stream_t *s, const int16_t *samples, size_t n, size_t *consumed) {
    size_t take = (size_t)(s->hop - s->hop_fill);
    take = take < n ? take : n;
    for (size_t i = 0; i < take; i++) {
        s->ring[s->ring_head] = samples[i];
        s->ring_head = s->ring_head + 1 == KWS_SAMPLES ? 0 : s->ring_head + 1;
    }
    *consumed = take;
    s->hop_fill += (int32_t)take;
    if (s->hop_fill < s->hop) {
        return 0;
    }
    s->hop_fill = 0;
    return 1;
}

// The model's input from the front end's state, oldest first.
static void fill_input(mml_audio_stream_t *s) {
    if (s->cfg.frontend == MML_STREAM_MLPERF) {
        const size_t older = (size_t)(KWS_SAMPLES - s->ring_head);
        memcpy(s->window, s->ring + s->ring_head, older * sizeof(int16_t));
        memcpy(s->window + older, s->ring, (size_t)s->ring_head * sizeof(int16_t));
        mml_kws_mfcc_f32(&s->kws, s->window, KWS_SAMPLES, s->mfcc);
        mml_kws_mfcc_quantize(s->mfcc, KWS_VALUES, s->in.scale, s->in.zero_point, s->input);
        return;
    }
    const size_t row = (size_t)s->channels;
    const size_t older = (size_t)(s->frames - s->map_head);
    memcpy(s->input, s->map + (size_t)s->map_head * row, older * row);
    memcpy(s->input + older * row, s->map, (size_t)s->map_head * row);
}

int mml_audio_stream_feed(mml_audio_stream_t *s, const int16_t *samples, size_t n, size_t *consumed,
    mml_error_t *err) {
    *consumed = 0;
    if (s->cfg.frontend == MML_STREAM_MLPERF) {
        if (!mlperf_take(s, samples, n, consumed)) {
            return 0;
        }
    } else {
        if (!mml_microfrontend_process(&s->fe, samples, n, consumed)) {
            return 0;
        }
        mml_microfrontend_to_s8(s->fe.output, s->channels,
            s->map + (size_t)s->map_head * (size_t)s->channels);
        s->map_head = s->map_head + 1 == s->frames ? 0 : s->map_head + 1;
    }
    const uint32_t frame = s->frame_count++;
    s->invoked = s->detected = 0;
    // The first invocation waits for a full map (1 s for MLPERF); then one every `every`.
    const uint32_t fill =
        s->cfg.frontend == MML_STREAM_MLPERF ? KWS_SAMPLES / KWS_HOP : (uint32_t)s->frames;
    if (s->frame_count < fill ||
        (s->frame_count > fill && ++s->since_invoke < (uint32_t)s->cfg.every)) {
        return 1;
    }
    s->since_invoke = 0;
    fill_input(s);
    mml_status_t st = mml_model_invoke(s->cfg.model, err);
    if (st != MML_OK) {
        return st;
    }
    s->invoked = 1;
    float *row = s->scores + (size_t)s->score_head * (size_t)s->n_classes;
    for (int32_t c = 0; c < s->n_classes; c++) {
        row[c] = mml_tensor_get_float(&s->out, s->output, (uint32_t)c);
    }
    s->score_head = s->score_head + 1 == s->cfg.smooth ? 0 : s->score_head + 1;
    s->n_scores += s->n_scores < s->cfg.smooth;
    const float inv = 1.0f / (float)s->n_scores;
    int32_t best = 0;
    for (int32_t c = 0; c < s->n_classes; c++) {
        float sum = 0.0f;
        for (int32_t k = 0; k < s->n_scores; k++) {
            sum += s->scores[(size_t)k * (size_t)s->n_classes + (size_t)c];
        }
        s->avg[c] = sum * inv;
        best = s->avg[c] > s->avg[best] ? c : best;
    }
    s->label = best;
    s->score = s->avg[best];
    const int ignored = best < 32 && ((s->cfg.ignore >> best) & 1u);
    if (!ignored && s->score >= s->cfg.threshold &&
        (s->last_detection < 0 ||
            (int64_t)frame - s->last_detection >= (int64_t)s->refractory_frames)) {
        s->detected = 1;
        s->last_detection = frame;
    }
    return 1;
}

uint64_t mml_audio_stream_frame_end(const mml_audio_stream_t *s, uint32_t k) {
    if (s->cfg.frontend == MML_STREAM_MLPERF) {
        return ((uint64_t)k + 1u) * KWS_HOP;
    }
    return (uint64_t)s->fe.size + (uint64_t)k * (uint64_t)s->fe.step;
}

#endif // MML_ENABLE_DSP
