// SPDX-License-Identifier: MIT
// microml.WakeWord's behaviour, once for every binding (mml_py_stream.h): its checks and
// messages, sample buffers of any alignment, and the feed loop over mml_wakeword_feed. Cost per
// feed(): the core's per-slice work; a copy through a 256-byte stack buffer only for samples
// that are not 2-byte aligned.
#include <stdarg.h>
#include <string.h>
#include "mml_py_stream.h"

#if MML_ENABLE_DSP

// This file's messages (one table, designated initializers).
typedef enum {
    MSG_CUTOFF,
    MSG_WINDOW,
    MSG_STEP,
    MSG_SAMPLES_ODD,
    MSG_SAMPLES_TYPECODE,
    MSG_SAMPLES_DTYPE,
    MSG_SAMPLES_KIND,
    MSG_FEATURES_WRITABLE,
    MSG_FEATURES_KIND,
    MSG_FEATURES_SIZE,
    MSG_FRONTEND,
    MSG_IGNORE,
    MSG_EVERY,
    MSG_SMOOTH,
    MSG_REFRACTORY,
    MSG_COUNT
} msg_t;

static const mml_py_msg_def_t msgs[MSG_COUNT] = {
    [MSG_CUTOFF] = {MML_PY_EXC_VALUE, "%s must be a probability in 0..1"},
    [MSG_WINDOW] = {MML_PY_EXC_VALUE, "%s must be 1..255 slices, got %d"},
    [MSG_STEP] = {MML_PY_EXC_VALUE,
        "step_ms must be 10 or 20 (the manifest's feature_step_size), got %d"},
    [MSG_SAMPLES_ODD] = {MML_PY_EXC_VALUE,
        "samples as bytes must be 16-bit: %u bytes is an odd count"},
    [MSG_SAMPLES_TYPECODE] = {MML_PY_EXC_TYPE,
        "samples must be int16 (array('h'), bytes), got an array of typecode '%c'"},
    [MSG_SAMPLES_DTYPE] = {MML_PY_EXC_TYPE,
        "samples must be int16 (array('h'), bytes), got an array of %s"},
    [MSG_SAMPLES_KIND] = {MML_PY_EXC_TYPE,
        "samples must be a buffer of int16 (array('h'), bytes, bytearray, memoryview)"},
    [MSG_FEATURES_WRITABLE] = {MML_PY_EXC_VALUE, "features must be a writable buffer"},
    [MSG_FEATURES_KIND] = {MML_PY_EXC_TYPE, "features must hold bytes or int8 items"},
    [MSG_FEATURES_SIZE] = {MML_PY_EXC_VALUE,
        "features needs %u bytes for the %u slices these samples complete, got %u"},
    [MSG_FRONTEND] = {MML_PY_EXC_VALUE, "frontend must be 'micro' or 'mlperf'"},
    [MSG_IGNORE] = {MML_PY_EXC_VALUE, "ignore: labels must be 0..31, got %d"},
    [MSG_EVERY] = {MML_PY_EXC_VALUE, "every must be 1..1000 frames, got %d"},
    [MSG_SMOOTH] = {MML_PY_EXC_VALUE, "smooth must be 1..%d invocations, got %d"},
    [MSG_REFRACTORY] = {MML_PY_EXC_VALUE, "refractory_ms must be 0..3600000, got %d"},
};

// FAIL(id, args...): the caller's e from message id (mml_py_fail_in: %u, %d, %s, %c); false.
#define FAIL(...) mml_py_fail_in(e, msgs, __VA_ARGS__)


// ESPHome's int(p * 255) (Python's truncation of a non-negative float).
static bool cutoff_u8(const char *name, float p, int32_t *out, mml_py_err_t *e) {
    if (!(p >= 0.0f && p <= 1.0f)) { // NaN fails too
        return FAIL(MSG_CUTOFF, name);
    }
    *out = (int32_t)(p * 255.0f);
    return true;
}

bool mml_py_wakeword_config(mml_wakeword_config_t *cfg, mml_py_model_t *model, float cutoff,
    int32_t window, mml_py_model_t *vad, float vad_cutoff, int32_t vad_window, int32_t step_ms,
    mml_py_err_t *e) {
    memset(cfg, 0, sizeof(*cfg));
    if (!cutoff_u8("cutoff", cutoff, &cfg->cutoff, e)) {
        return false;
    }
    if (window < 1 || window > MML_MWW_WINDOW_MAX) {
        return FAIL(MSG_WINDOW, "window", window);
    }
    if (vad != NULL) {
        if (!cutoff_u8("vad_cutoff", vad_cutoff, &cfg->vad_cutoff, e)) {
            return false;
        }
        if (vad_window < 1 || vad_window > MML_MWW_WINDOW_MAX) {
            return FAIL(MSG_WINDOW, "vad_window", vad_window);
        }
        cfg->vad = &vad->model;
        cfg->vad_window = vad_window;
    }
    if (step_ms != 10 && step_ms != 20) {
        return FAIL(MSG_STEP, step_ms);
    }
    cfg->model = &model->model;
    cfg->window = window;
    cfg->step_ms = step_ms;
    return true;
}

size_t mml_py_wakeword_mem_size(const mml_wakeword_config_t *cfg) {
    size_t n = mml_wakeword_mem_size(cfg);
    return n > 0 ? n : 8;
}

bool mml_py_wakeword_init(mml_py_wakeword_t *pw, const mml_wakeword_config_t *cfg, void *mem,
    size_t mem_len, mml_py_err_t *e) {
    mml_error_t err;
    err.msg[0] = '\0';
    pw->mem = mem;
    pw->mem_len = mem_len;
    return mml_py_status(e, mml_wakeword_init(&pw->w, cfg, mem, mem_len, &err), &err);
}

bool mml_py_wakeword_reset(mml_py_wakeword_t *pw, mml_py_err_t *e) {
    return mml_py_status(e, mml_wakeword_reset(&pw->w), NULL);
}

bool mml_py_samples(const mml_py_value_t *v, size_t *n, mml_py_err_t *e) {
    switch (v->kind) {
        case MML_PY_VAL_RAW:
            if (v->len % 2u != 0u) {
                return FAIL(MSG_SAMPLES_ODD, (uint32_t)v->len);
            }
            *n = v->len / 2u;
            return true;
        case MML_PY_VAL_TYPED:
            if (v->dtype == MML_DTYPE_COUNT) {
                return FAIL(MSG_SAMPLES_TYPECODE, v->typecode);
            }
            if (v->dtype != MML_INT16) {
                return FAIL(MSG_SAMPLES_DTYPE, mml_dtype_name((mml_dtype_t)v->dtype));
            }
            *n = v->len / 2u;
            return true;
        default:
            return FAIL(MSG_SAMPLES_KIND);
    }
}

uint32_t mml_py_wakeword_slices_for(const mml_py_wakeword_t *pw, size_t n) {
    const mml_microfrontend_t *fe = &pw->w.fe;
    const size_t have = (size_t)fe->input_used + n;
    if (have < (size_t)fe->size) {
        return 0;
    }
    return (uint32_t)(1u + (have - (size_t)fe->size) / (size_t)fe->step);
}

bool mml_py_wakeword_features_check(const mml_py_wakeword_t *pw, size_t n, bool writable,
    bool raw_or_int8, size_t len, mml_py_err_t *e) {
    if (!writable) {
        return FAIL(MSG_FEATURES_WRITABLE);
    }
    if (!raw_or_int8) {
        return FAIL(MSG_FEATURES_KIND);
    }
    const uint32_t slices = mml_py_wakeword_slices_for(pw, n);
    if ((uint64_t)len < (uint64_t)slices * MML_WAKEWORD_CHANNELS) {
        return FAIL(MSG_FEATURES_SIZE, slices * MML_WAKEWORD_CHANNELS, slices, (uint32_t)len);
    }
    return true;
}

static bool same(const char *a, size_t len, const char *b) {
    size_t i = 0;
    for (; i < len && b[i] != '\0'; i++) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return i == len && b[i] == '\0';
}

bool mml_py_audio_stream_config(mml_audio_stream_config_t *cfg, mml_py_model_t *model,
    const char *frontend, size_t len, int32_t step_ms, int32_t every, int32_t smooth,
    float threshold, int32_t refractory_ms, uint32_t ignore, mml_py_err_t *e) {
    memset(cfg, 0, sizeof(*cfg));
    if (same(frontend, len, "micro")) {
        cfg->frontend = MML_STREAM_MICRO;
        if (step_ms != 10 && step_ms != 20) {
            return FAIL(MSG_STEP, step_ms);
        }
    } else if (same(frontend, len, "mlperf")) {
        cfg->frontend = MML_STREAM_MLPERF;
    } else {
        return FAIL(MSG_FRONTEND);
    }
    if (every < 1 || every > 1000) {
        return FAIL(MSG_EVERY, every);
    }
    if (smooth < 1 || smooth > MML_STREAM_MAX_SMOOTH) {
        return FAIL(MSG_SMOOTH, (int32_t)MML_STREAM_MAX_SMOOTH, smooth);
    }
    if (refractory_ms < 0 || refractory_ms > 3600000) {
        return FAIL(MSG_REFRACTORY, refractory_ms);
    }
    cfg->model = &model->model;
    cfg->step_ms = step_ms;
    cfg->every = every;
    cfg->smooth = smooth;
    cfg->threshold = threshold;
    cfg->refractory_ms = refractory_ms;
    cfg->ignore = ignore;
    return true;
}

bool mml_py_audio_stream_ignore(uint32_t *mask, int32_t label, mml_py_err_t *e) {
    if (label < 0 || label > 31) {
        return FAIL(MSG_IGNORE, label);
    }
    *mask |= 1u << label;
    return true;
}

size_t mml_py_audio_stream_mem_size(const mml_audio_stream_config_t *cfg) {
    size_t n = mml_audio_stream_mem_size(cfg);
    return n > 0 ? n : 8; // init then says what is wrong
}

bool mml_py_audio_stream_init(mml_py_audio_stream_t *pa, const mml_audio_stream_config_t *cfg,
    void *mem, size_t mem_len, mml_py_err_t *e) {
    mml_error_t err;
    err.msg[0] = '\0';
    pa->mem = mem;
    pa->mem_len = mem_len;
    return mml_py_status(e, mml_audio_stream_init(&pa->s, cfg, mem, mem_len, &err), &err);
}

bool mml_py_audio_stream_reset(mml_py_audio_stream_t *pa, mml_py_err_t *e) {
    return mml_py_status(e, mml_audio_stream_reset(&pa->s), NULL);
}

#define STAGE 128 // samples copied at a time when the caller's are not 2-byte aligned

// The samples from data's sample pos on: in place when data is 2-byte aligned, else up to STAGE
// of them (*avail cut to that) copied into stage.
static const int16_t *chunk(const uint8_t *data, size_t pos, bool aligned, int16_t *stage,
    size_t *avail) {
    if (aligned) {
        return (const int16_t *)(const void *)(data + 2u * pos);
    }
    *avail = *avail < STAGE ? *avail : STAGE;
    memcpy(stage, data + 2u * pos, 2u * *avail);
    return stage;
}

bool mml_py_wakeword_feed(mml_py_wakeword_t *pw, const uint8_t *data, size_t n, uint8_t *features,
    mml_py_detection_fn emit, void *ctx, mml_py_err_t *e) {
    mml_wakeword_t *w = &pw->w;
    const bool aligned = ((uintptr_t)data & 1u) == 0u;
    int16_t stage[STAGE];
    size_t pos = 0;
    uint32_t done = 0;
    while (pos < n) {
        size_t avail = n - pos;
        const int16_t *p = chunk(data, pos, aligned, stage, &avail);
        size_t used = 0;
        mml_error_t err;
        err.msg[0] = '\0';
        int r = mml_wakeword_feed(w, p, avail, &used, &err);
        pos += used;
        if (r < 0) {
            return mml_py_status(e, (mml_status_t)r, &err);
        }
        if (r == 1) {
            if (features != NULL) {
                memcpy(features + (size_t)done * MML_WAKEWORD_CHANNELS, w->features,
                    MML_WAKEWORD_CHANNELS);
            }
            done++;
            if (w->detected) {
                mml_py_detection_t d;
                d.label = 0;
                d.score = (float)w->sum / (255.0f * (float)w->wake.window);
                d.slice = w->slices - 1u;
                d.sample = mml_wakeword_slice_end(w, d.slice);
                d.seconds = (float)d.sample / (float)MML_WAKEWORD_RATE;
                if (!emit(ctx, &d)) {
                    e->kind = MML_PY_EXC_NONE;
                    return false;
                }
            }
        }
    }
    return true;
}

bool mml_py_audio_stream_feed(mml_py_audio_stream_t *pa, const uint8_t *data, size_t n,
    mml_py_detection_fn emit, void *ctx, mml_py_err_t *e) {
    mml_audio_stream_t *s = &pa->s;
    const bool aligned = ((uintptr_t)data & 1u) == 0u;
    int16_t stage[STAGE];
    size_t pos = 0;
    while (pos < n) {
        size_t avail = n - pos;
        const int16_t *p = chunk(data, pos, aligned, stage, &avail);
        size_t used = 0;
        mml_error_t err;
        err.msg[0] = '\0';
        int r = mml_audio_stream_feed(s, p, avail, &used, &err);
        pos += used;
        if (r < 0) {
            return mml_py_status(e, (mml_status_t)r, &err);
        }
        if (r == 1 && s->detected) {
            mml_py_detection_t d;
            d.label = (uint32_t)s->label;
            d.score = s->score;
            d.slice = s->frame_count - 1u;
            d.sample = mml_audio_stream_frame_end(s, d.slice);
            d.seconds = (float)d.sample / (float)MML_WAKEWORD_RATE;
            if (!emit(ctx, &d)) {
                e->kind = MML_PY_EXC_NONE;
                return false;
            }
        }
    }
    return true;
}

#endif // MML_ENABLE_DSP
