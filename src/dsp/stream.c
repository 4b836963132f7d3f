// SPDX-License-Identifier: MIT
// Streaming wake words (mml_stream.h): ESPHome's microWakeWord rule over TFLM's microfrontend
// and streaming models. Per 10 ms slice: one front-end frame, 40 byte copies per model, one
// model invoke every stride slices and a ring sum of `window` bytes; no allocation, no libm.
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "core/status.h"
#include "microml/mml_stream.h"

#if MML_ENABLE_DSP

mml_status_t mml_mww_model_init(mml_mww_model_t *s, mml_model_t *model, int32_t channels,
    int32_t cutoff, int32_t window, uint8_t *ring, mml_error_t *err) {
    if (!s || !model || !ring) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "streaming model: NULL argument");
    }
    if (model->state != MML_MODEL_READY) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "streaming model: not prepared");
    }
    if (cutoff < 0 || cutoff > 255) {
        return mml__fail(err, MML_ERR_INVALID_ARG,
            "streaming model: cutoff %d is not in 0..255 (probability * 255)", cutoff);
    }
    if (window < 1 || window > MML_MWW_WINDOW_MAX) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "streaming model: window %d is not in 1..%d",
            window, (int32_t)MML_MWW_WINDOW_MAX);
    }
    mml_tensor_info_t in, out;
    if (model->n_inputs < 1 || model->n_outputs < 1 ||
        mml_model_input_info(model, 0, &in) != MML_OK ||
        mml_model_output_info(model, 0, &out) != MML_OK) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "streaming model: needs an input and an output");
    }
    if (in.dtype != MML_INT8 || in.rank != 3 || in.shape[0] != 1 || in.shape[1] < 1 ||
        in.shape[2] != channels) {
        return mml__fail(err, MML_ERR_INVALID_ARG,
            "streaming model: input 0 must be int8 [1, stride, %d] (got %s of rank %u)", channels,
            mml_dtype_name((mml_dtype_t)in.dtype), (uint32_t)in.rank);
    }
    if (out.dtype != MML_UINT8 || out.bytes != 1) {
        return mml__fail(err, MML_ERR_INVALID_ARG,
            "streaming model: output 0 must be one uint8 probability (got %s, %u bytes)",
            mml_dtype_name((mml_dtype_t)out.dtype), out.bytes);
    }
    s->model = model;
    s->input = (int8_t *)mml_model_input_data(model, 0);
    s->output = (const uint8_t *)mml_model_output_data(model, 0);
    s->ring = ring;
    s->stride = in.shape[1];
    s->channels = channels;
    s->window = window;
    s->cutoff = cutoff;
    return mml_mww_model_reset(s);
}

// ESPHome's reset_probabilities(): after a detection and at load.
static void reset_probabilities(mml_mww_model_t *s) {
    memset(s->ring, 0, (size_t)s->window);
    s->ignore = -MML_MWW_IGNORE_SLICES;
}

mml_status_t mml_mww_model_reset(mml_mww_model_t *s) {
    mml_status_t st = mml_model_reset(s->model);
    memset(s->input, 0, (size_t)(s->stride * s->channels));
    s->step = 0;
    s->newest = 0;
    s->unprocessed = 0;
    reset_probabilities(s);
    return st;
}

mml_status_t mml_mww_model_slice(mml_mww_model_t *s, const int8_t *features, mml_error_t *err) {
    memcpy(s->input + s->step * s->channels, features, (size_t)s->channels);
    if (++s->step >= s->stride) {
        s->step = 0;
        mml_status_t st = mml_model_invoke(s->model, err);
        if (st != MML_OK) {
            return st;
        }
        if (++s->newest >= s->window) {
            s->newest = 0;
        }
        s->ring[s->newest] = s->output[0];
        s->unprocessed = 1;
    }
    // Only slices whose newest probability is below the cutoff count toward the cool-down.
    if (s->ring[s->newest] < s->cutoff && s->ignore < 0) {
        s->ignore++;
    }
    return MML_OK;
}

uint32_t mml_mww_model_sum(const mml_mww_model_t *s) {
    uint32_t sum = 0;
    for (int32_t i = 0; i < s->window; i++) {
        sum += s->ring[i];
    }
    return sum;
}

static size_t align8(size_t n) {
    return (n + 7u) & ~(size_t)7u;
}

static void frontend_config(const mml_wakeword_config_t *cfg, mml_microfrontend_config_t *fc) {
    mml_microfrontend_config_esphome(fc, cfg->step_ms);
}

size_t mml_wakeword_mem_size(const mml_wakeword_config_t *cfg) {
    if (!cfg || (cfg->step_ms != 10 && cfg->step_ms != 20)) {
        return 0;
    }
    mml_microfrontend_config_t fc;
    frontend_config(cfg, &fc);
    size_t fe = mml_microfrontend_mem_size(&fc);
    if (fe == 0) {
        return 0;
    }
    return align8(fe) + 2 * MML_MWW_WINDOW_MAX;
}

mml_status_t mml_wakeword_init(mml_wakeword_t *w, const mml_wakeword_config_t *cfg, void *mem,
    size_t mem_len, mml_error_t *err) {
    if (!w || !cfg || !mem) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "wake word: NULL argument");
    }
    if (cfg->step_ms != 10 && cfg->step_ms != 20) {
        return mml__fail(err, MML_ERR_INVALID_ARG,
            "wake word: step_ms %d is not 10 or 20 (the manifest's feature_step_size)",
            cfg->step_ms);
    }
    size_t need = mml_wakeword_mem_size(cfg);
    if (mem_len < need) {
        mml__fail(err, MML_ERR_INVALID_ARG, "wake word: memory needs %u bytes, got %u",
            (uint32_t)need, (uint32_t)mem_len);
        if (err) {
            err->needed = (uint32_t)need;
            err->got = (uint32_t)mem_len;
        }
        return MML_ERR_INVALID_ARG;
    }
    mml_microfrontend_config_t fc;
    frontend_config(cfg, &fc);
    size_t fe = mml_microfrontend_mem_size(&fc);
    mml_status_t st = mml_microfrontend_init(&w->fe, &fc, mem, fe, err);
    if (st != MML_OK) {
        return st;
    }
    uint8_t *rings = (uint8_t *)mem + align8(fe);
    st = mml_mww_model_init(&w->wake, cfg->model, MML_WAKEWORD_CHANNELS, cfg->cutoff, cfg->window,
        rings, err);
    if (st != MML_OK) {
        return st;
    }
    w->has_vad = cfg->vad != NULL;
    if (w->has_vad) {
        if (cfg->vad == cfg->model) {
            return mml__fail(err, MML_ERR_INVALID_ARG,
                "wake word: the VAD must be a model object of its own");
        }
        st = mml_mww_model_init(&w->vad, cfg->vad, MML_WAKEWORD_CHANNELS, cfg->vad_cutoff,
            cfg->vad_window, rings + MML_MWW_WINDOW_MAX, err);
        if (st != MML_OK) {
            return st;
        }
    }
    return mml_wakeword_reset(w);
}

mml_status_t mml_wakeword_reset(mml_wakeword_t *w) {
    mml_microfrontend_reset(&w->fe);
    mml_status_t st = mml_mww_model_reset(&w->wake);
    if (st == MML_OK && w->has_vad) {
        st = mml_mww_model_reset(&w->vad);
    }
    memset(w->features, 0, sizeof(w->features));
    w->slices = 0;
    w->detected = 0;
    w->vad_blocked = 0;
    w->sum = 0;
    return st;
}

int mml_wakeword_feed(mml_wakeword_t *w, const int16_t *samples, size_t n, size_t *consumed,
    mml_error_t *err) {
    *consumed = 0;
    if (!mml_microfrontend_process(&w->fe, samples, n, consumed)) {
        return 0;
    }
    mml_microfrontend_to_s8(w->fe.output, MML_WAKEWORD_CHANNELS, w->features);
    w->slices++;
    w->detected = 0;
    w->vad_blocked = 0;
    w->sum = 0;
    mml_status_t st = mml_mww_model_slice(&w->wake, w->features, err);
    if (st == MML_OK && w->has_vad) {
        st = mml_mww_model_slice(&w->vad, w->features, err);
    }
    if (st != MML_OK) {
        return st;
    }
    const int vad_ok =
        !w->has_vad || mml_mww_model_sum(&w->vad) > (uint32_t)(w->vad.cutoff * w->vad.window);
    mml_mww_model_t *s = &w->wake;
    // ESPHome's determine_detected(): a check while ignore < 0 leaves the probability
    // unprocessed, so it is looked at again on the next slice.
    if (s->unprocessed && s->ignore >= 0) {
        s->unprocessed = 0;
        w->sum = mml_mww_model_sum(s);
        if (w->sum > (uint32_t)(s->cutoff * s->window)) {
            if (vad_ok) {
                w->detected = 1;
                reset_probabilities(s);
            } else {
                w->vad_blocked = 1;
            }
        }
    }
    return 1;
}

uint64_t mml_wakeword_slice_end(const mml_wakeword_t *w, uint32_t k) {
    return (uint64_t)w->fe.size + (uint64_t)k * (uint64_t)w->fe.step;
}

#endif // MML_ENABLE_DSP
