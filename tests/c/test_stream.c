// SPDX-License-Identifier: MIT
// Streaming wake words (src/dsp/stream.c) through the C API with the real okay_nabu_v2 and
// vad_v2 models on <MICROML_DATA>/testdata/wakeword: every slice's features and every
// invocation's output equal TFLM's stored ones; the detections from a cold start are the ones
// its README lists (invocation i fires on slice 3i + 2); a 10+ s recording (clips back to back)
// fed in random chunk sizes gives the same features, outputs and detections as fed whole; the
// VAD gate; bad configurations are refused with a message.
#include <string.h>
#include "microml/microml.h"
#include "mml_test.h"

// The README's table: clip, and the invocation of the cold-start detection (-1: none).
static const struct {
    const char *clip;
    int invocation;
} clips[] = {
    {"general_00", -1},
    {"general_01", -1},
    {"general_02", -1},
    {"general_03", -1},
    {"general_04", -1},
    {"general_05", -1},
    {"okay_nabu_00", 71},
    {"okay_nabu_01", 61},
    {"okay_nabu_02", 73},
    {"okay_nabu_03", 63},
    {"okay_nabu_04", -1},
    {"okay_nabu_05", 67},
    {"okay_nabu_06", -1},
    {"okay_nabu_07", 61},
    {"okay_nabu_08", 74},
    {"okay_nabu_09", 64},
};
#define N_CLIPS (sizeof clips / sizeof clips[0])

typedef struct {
    mml_model_t m;
    unsigned char *bytes, *work, *arena;
} loaded_t;

static int open_model(loaded_t *l, const char *name) {
    char path[512];
    size_t len = 0;
    mml_error_t err = {0};
    memset(l, 0, sizeof(*l));
    snprintf(path, sizeof path, "%s/models/esphome/%s.tflite", mml_test_data_dir(), name);
    l->bytes = mml_test_read(path, &len);
    int ok = l->bytes && mml_model_load(&l->m, l->bytes, len, &err) == MML_OK;
    if (ok) {
        l->work = malloc(mml_model_work_size(&l->m) + 8);
        ok = mml_model_plan(&l->m, l->work, mml_model_work_size(&l->m), &err) == MML_OK;
    }
    if (ok) {
        l->arena = malloc(l->m.arena_bytes);
        ok = mml_model_prepare(&l->m, l->work, l->arena, l->m.arena_bytes, &err) == MML_OK;
    }
    CHECK(ok, "%s does not prepare: %s", name, err.msg);
    return ok;
}

static void close_model(loaded_t *l) {
    free(l->arena);
    free(l->work);
    free(l->bytes);
}

static int16_t *wav_samples(const char *path, size_t *n) {
    size_t len = 0;
    unsigned char *b = mml_test_read(path, &len);
    if (!b) {
        return NULL;
    }
    for (size_t off = 12; off + 8 <= len;) {
        size_t size = (size_t)b[off + 4] | (size_t)b[off + 5] << 8 | (size_t)b[off + 6] << 16 |
            (size_t)b[off + 7] << 24;
        if (memcmp(b + off, "data", 4) == 0 && off + 8 + size <= len) {
            int16_t *s = malloc(size + 2);
            *n = size / 2;
            for (size_t i = 0; i < *n; i++) {
                s[i] = (int16_t)(uint16_t)(b[off + 8 + 2 * i] | b[off + 9 + 2 * i] << 8);
            }
            free(b);
            return s;
        }
        off += 8 + size + (size & 1);
    }
    free(b);
    return NULL;
}

static unsigned char *clip_file(const char *dir, const char *clip, const char *ext, size_t *len) {
    char path[512];
    snprintf(path, sizeof path, "%s/testdata/wakeword/%s/%s%s", mml_test_data_dir(), dir, clip,
        ext);
    return mml_test_read(path, len);
}

static uint32_t rng = 4242u;
static size_t next_chunk(void) {
    rng = rng * 1664525u + 1013904223u;
    return (rng >> 8) % 900; // 0..899: empty chunks too
}

// What a run saw: features of every slice, the wake and VAD outputs of every invocation, and
// the slices on which detections fired.
typedef struct {
    int8_t *features;
    uint8_t *wake_out, *vad_out;
    uint32_t slices, invocations, detections[64], n_detections;
} trace_t;

static void run(mml_wakeword_t *w, const int16_t *s, size_t n, int random_chunks, trace_t *t,
    size_t max_slices) {
    mml_error_t err;
    CHECK(mml_wakeword_reset(w) == MML_OK, "reset");
    t->slices = t->invocations = t->n_detections = 0;
    for (size_t pos = 0; pos < n;) {
        size_t chunk = random_chunks ? next_chunk() : n - pos;
        chunk = chunk > n - pos ? n - pos : chunk;
        const int16_t *p = s + pos;
        size_t left = chunk;
        do {
            size_t used = 0;
            int r = mml_wakeword_feed(w, p, left, &used, &err);
            CHECK(r >= 0, "feed: %s", err.msg);
            if (r == 1 && t->slices < max_slices) {
                memcpy(t->features + 40 * t->slices, w->features, 40);
                if (w->wake.step == 0) {
                    // Straight from the output tensors (a detection zeroes the wake ring).
                    t->wake_out[t->invocations] = w->wake.output[0];
                    t->vad_out[t->invocations] = w->has_vad ? w->vad.output[0] : 0;
                    t->invocations++;
                }
                if (w->detected && t->n_detections < 64) {
                    t->detections[t->n_detections++] = w->slices - 1;
                }
                t->slices++;
            }
            p += used;
            left -= used;
        } while (left > 0);
        pos += chunk;
    }
}

static int wakeword_open(mml_wakeword_t *w, void **mem, mml_model_t *wake, mml_model_t *vad) {
    mml_wakeword_config_t cfg = {wake, 247, 5, vad, 127, 5, 10};
    size_t len = mml_wakeword_mem_size(&cfg);
    *mem = malloc(len);
    mml_error_t err = {0};
    int ok = mml_wakeword_init(w, &cfg, *mem, len, &err) == MML_OK;
    CHECK(ok, "init: %s", err.msg);
    return ok;
}

static void test_clips(loaded_t *wake, loaded_t *vad) {
    mml_wakeword_t w;
    void *mem;
    if (!wakeword_open(&w, &mem, &wake->m, &vad->m)) {
        return;
    }
    for (size_t c = 0; c < N_CLIPS; c++) {
        char path[512];
        size_t n = 0, feat_len = 0, wake_len = 0, vad_len = 0;
        snprintf(path, sizeof path, "%s/testdata/wakeword/audio/%s.wav", mml_test_data_dir(),
            clips[c].clip);
        int16_t *s = wav_samples(path, &n);
        unsigned char *feat = clip_file("features_10ms", clips[c].clip, ".features.bin", &feat_len);
        unsigned char *want_wake = clip_file("okay_nabu_v2", clips[c].clip, ".out.bin", &wake_len);
        unsigned char *want_vad = clip_file("vad_v2", clips[c].clip, ".out.bin", &vad_len);
        CHECK(s && feat && want_wake && want_vad, "%s: test data missing", clips[c].clip);
        if (s && feat && want_wake && want_vad) {
            size_t max = n / 160 + 1;
            trace_t t = {malloc(40 * max), malloc(max), malloc(max), 0, 0, {0}, 0};
            for (int random_chunks = 0; random_chunks < 2; random_chunks++) {
                run(&w, s, n, random_chunks, &t, max);
                const char *how = random_chunks ? "random chunks" : "whole";
                CHECK(t.slices * 40 == feat_len && memcmp(t.features, feat, feat_len) == 0,
                    "%s (%s): %u slices, features differ from TFLM's", clips[c].clip, how,
                    t.slices);
                CHECK(t.invocations == wake_len && memcmp(t.wake_out, want_wake, wake_len) == 0,
                    "%s (%s): okay_nabu_v2 outputs differ from TFLM's", clips[c].clip, how);
                CHECK(t.invocations == vad_len && memcmp(t.vad_out, want_vad, vad_len) == 0,
                    "%s (%s): vad_v2 outputs differ from TFLM's", clips[c].clip, how);
            }
            free(t.features);
            free(t.wake_out);
            free(t.vad_out);
        }
        free(s);
        free(feat);
        free(want_wake);
        free(want_vad);
    }
    free(mem);
}

// The README's detections, from a cold start, without the VAD.
static void test_detections(loaded_t *wake) {
    mml_wakeword_t w;
    void *mem;
    if (!wakeword_open(&w, &mem, &wake->m, NULL)) {
        return;
    }
    for (size_t c = 0; c < N_CLIPS; c++) {
        char path[512];
        size_t n = 0;
        snprintf(path, sizeof path, "%s/testdata/wakeword/audio/%s.wav", mml_test_data_dir(),
            clips[c].clip);
        int16_t *s = wav_samples(path, &n);
        if (!s) {
            CHECK(0, "%s missing", path);
            continue;
        }
        size_t max = n / 160 + 1;
        trace_t t = {malloc(40 * max), malloc(max), malloc(max), 0, 0, {0}, 0};
        run(&w, s, n, 1, &t, max);
        if (clips[c].invocation < 0) {
            CHECK(t.n_detections == 0, "%s: %u detections, want none", clips[c].clip,
                t.n_detections);
        } else {
            CHECK(t.n_detections == 1 && t.detections[0] == 3u * (uint32_t)clips[c].invocation + 2,
                "%s: detection on slice %u, want %u", clips[c].clip,
                t.n_detections ? t.detections[0] : 0, 3u * (uint32_t)clips[c].invocation + 2);
            // Slice 3i + 2 ends at 480 + 160 (3i + 2) samples: 2.18 s for invocation 71.
            if (clips[c].invocation == 71) {
                CHECK(mml_wakeword_slice_end(&w, t.detections[0]) == 34880u, "slice end");
            }
        }
        free(t.features);
        free(t.wake_out);
        free(t.vad_out);
        free(s);
    }
    free(mem);
}

// Clips back to back (11.6 s): random chunks give what the whole recording gives, and both find
// one detection per okay_nabu clip (each comes long after the previous one's 100-slice ignore
// window).
static void test_long_recording(loaded_t *wake, loaded_t *vad) {
    const int order[] = {6, 0, 7, 8, 1, 9};
    int16_t *all = NULL;
    size_t total = 0;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        char path[512];
        size_t n = 0;
        snprintf(path, sizeof path, "%s/testdata/wakeword/audio/%s.wav", mml_test_data_dir(),
            clips[order[k]].clip);
        int16_t *s = wav_samples(path, &n);
        if (!s) {
            CHECK(0, "%s missing", path);
            free(all);
            return;
        }
        all = realloc(all, (total + n) * sizeof(int16_t));
        memcpy(all + total, s, n * sizeof(int16_t));
        total += n;
        free(s);
    }
    CHECK(total >= 160000, "recording of %zu samples, want >= 10 s", total);
    mml_wakeword_t w;
    void *mem;
    if (!wakeword_open(&w, &mem, &wake->m, &vad->m)) {
        free(all);
        return;
    }
    size_t max = total / 160 + 1;
    trace_t a = {malloc(40 * max), malloc(max), malloc(max), 0, 0, {0}, 0};
    trace_t b = {malloc(40 * max), malloc(max), malloc(max), 0, 0, {0}, 0};
    run(&w, all, total, 0, &a, max);
    for (int round = 0; round < 3; round++) {
        run(&w, all, total, 1, &b, max);
        CHECK(a.slices == b.slices && memcmp(a.features, b.features, 40 * a.slices) == 0,
            "random chunks: features differ");
        CHECK(a.invocations == b.invocations &&
                memcmp(a.wake_out, b.wake_out, a.invocations) == 0 &&
                memcmp(a.vad_out, b.vad_out, a.invocations) == 0,
            "random chunks: outputs differ");
        CHECK(a.n_detections == b.n_detections &&
                memcmp(a.detections, b.detections, 4 * a.n_detections) == 0,
            "random chunks: detections differ (%u vs %u)", a.n_detections, b.n_detections);
    }
    CHECK(a.n_detections == 4, "%u detections in the recording, want 4 (4 okay_nabu clips)",
        a.n_detections);
    free(a.features);
    free(a.wake_out);
    free(a.vad_out);
    free(b.features);
    free(b.wake_out);
    free(b.vad_out);
    free(mem);
    free(all);
}

static void test_errors(loaded_t *wake, loaded_t *vad) {
    mml_wakeword_t w;
    mml_error_t err;
    static uint64_t mem[4096];
    mml_wakeword_config_t cfg = {&wake->m, 247, 5, NULL, 127, 5, 10};
    cfg.step_ms = 30;
    CHECK(mml_wakeword_mem_size(&cfg) == 0, "step 30");
    CHECK(mml_wakeword_init(&w, &cfg, mem, sizeof mem, &err) == MML_ERR_INVALID_ARG &&
            strstr(err.msg, "step_ms 30") != NULL,
        "step 30: %s", err.msg);
    cfg.step_ms = 10;
    CHECK(mml_wakeword_init(&w, &cfg, mem, 64, &err) == MML_ERR_INVALID_ARG &&
            err.needed == mml_wakeword_mem_size(&cfg) && err.got == 64,
        "small memory: %s", err.msg);
    cfg.cutoff = 256;
    CHECK(mml_wakeword_init(&w, &cfg, mem, sizeof mem, &err) == MML_ERR_INVALID_ARG &&
            strstr(err.msg, "cutoff 256") != NULL,
        "cutoff: %s", err.msg);
    cfg.cutoff = 247;
    cfg.window = 0;
    CHECK(mml_wakeword_init(&w, &cfg, mem, sizeof mem, &err) == MML_ERR_INVALID_ARG &&
            strstr(err.msg, "window 0") != NULL,
        "window: %s", err.msg);
    cfg.window = 5;
    cfg.vad = &wake->m;
    CHECK(mml_wakeword_init(&w, &cfg, mem, sizeof mem, &err) == MML_ERR_INVALID_ARG &&
            strstr(err.msg, "VAD") != NULL,
        "same model twice: %s", err.msg);
    cfg.vad = &vad->m;
    cfg.vad_window = 300;
    CHECK(mml_wakeword_init(&w, &cfg, mem, sizeof mem, &err) == MML_ERR_INVALID_ARG,
        "vad window 300");
    // A model that is not a streaming model: hello_world's float input.
    loaded_t other;
    char path[512];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/models/tflite-micro/hello_world_int8.tflite",
        mml_test_data_dir());
    other.bytes = mml_test_read(path, &len);
    if (other.bytes) {
        mml_error_t e2;
        other.work = NULL;
        other.arena = NULL;
        int ok = mml_model_load(&other.m, other.bytes, len, &e2) == MML_OK;
        if (ok) {
            other.work = malloc(mml_model_work_size(&other.m) + 8);
            ok = mml_model_plan(&other.m, other.work, mml_model_work_size(&other.m), &e2) == MML_OK;
        }
        if (ok) {
            other.arena = malloc(other.m.arena_bytes);
            ok = mml_model_prepare(&other.m, other.work, other.arena, other.m.arena_bytes, &e2) ==
                MML_OK;
        }
        if (ok) {
            cfg.model = &other.m;
            cfg.vad = NULL;
            CHECK(mml_wakeword_init(&w, &cfg, mem, sizeof mem, &err) == MML_ERR_INVALID_ARG &&
                    strstr(err.msg, "input 0 must be int8 [1, stride, 40]") != NULL,
                "hello_world: %s", err.msg);
        }
        close_model(&other);
    }
}

// AudioStream, MLPERF: on a 1 s clip the invocation at frame 49 sees the whole clip, so its input
// is what mml_kws_mfcc_f32 + quantize give for the clip; and micro_speech's detections on clips
// back to back are the same in random chunks as whole.
static void test_audio_stream(void) {
    loaded_t kws, ms;
    char path[512];
    memset(&kws, 0, sizeof kws);
    memset(&ms, 0, sizeof ms);
    // open_model reads models/esphome/: load these two by hand.
    const char *files[2] = {"mlcommons-tiny/kws_ref_model", "tflite-micro/micro_speech_quantized"};
    loaded_t *ls[2] = {&kws, &ms};
    for (int k = 0; k < 2; k++) {
        size_t len = 0;
        mml_error_t err = {0};
        snprintf(path, sizeof path, "%s/models/%s.tflite", mml_test_data_dir(), files[k]);
        loaded_t *l = ls[k];
        l->bytes = mml_test_read(path, &len);
        int ok = l->bytes && mml_model_load(&l->m, l->bytes, len, &err) == MML_OK;
        if (ok) {
            l->work = malloc(mml_model_work_size(&l->m) + 8);
            ok = mml_model_plan(&l->m, l->work, mml_model_work_size(&l->m), &err) == MML_OK;
        }
        if (ok) {
            l->arena = malloc(l->m.arena_bytes);
            ok = mml_model_prepare(&l->m, l->work, l->arena, l->m.arena_bytes, &err) == MML_OK;
        }
        CHECK(ok, "%s: %s", files[k], err.msg);
        if (!ok) {
            close_model(&kws);
            close_model(&ms);
            return;
        }
    }
    // MLPERF against the whole-clip front end.
    mml_audio_stream_config_t cfg = {&kws.m, MML_STREAM_MLPERF, 0, 1000, 1, 2.0f, 0, 0};
    size_t len = mml_audio_stream_mem_size(&cfg);
    void *mem = malloc(len);
    mml_audio_stream_t s;
    mml_error_t err = {0};
    CHECK(len > 0 && mml_audio_stream_init(&s, &cfg, mem, len, &err) == MML_OK, "init: %s",
        err.msg);
    void *kmem = malloc(mml_kws_mfcc_mem_size());
    mml_kws_mfcc_t fe;
    CHECK(mml_kws_mfcc_init(&fe, kmem, mml_kws_mfcc_mem_size()) == MML_OK, "kws init");
    mml_tensor_info_t in;
    mml_model_input_info(&kws.m, 0, &in);
    snprintf(path, sizeof path, "%s/testdata/tflite-micro/micro_speech/yes_1000ms.wav",
        mml_test_data_dir());
    size_t n = 0;
    int16_t *yes = wav_samples(path, &n);
    CHECK(yes && n == 16000, "yes_1000ms.wav: %zu samples", n);
    if (yes && n == 16000) {
        float mfcc[490];
        int8_t want[490];
        mml_kws_mfcc_f32(&fe, yes, 16000, mfcc);
        mml_kws_mfcc_quantize(mfcc, 490, in.scale, in.zero_point, want);
        size_t pos = 0, used = 0;
        int invoked = 0;
        while (pos < n) {
            size_t chunk = next_chunk();
            chunk = chunk > n - pos ? n - pos : chunk;
            size_t left = chunk;
            while (left > 0) {
                int r = mml_audio_stream_feed(&s, yes + pos + (chunk - left), left, &used, &err);
                CHECK(r >= 0, "feed: %s", err.msg);
                if (r == 1 && s.invoked) {
                    invoked++;
                    // The model's input tensor may be reused inside the arena by then: compare
                    // the MFCC the stream computed, and its quantization.
                    int8_t got[490];
                    mml_kws_mfcc_quantize(s.mfcc, 490, in.scale, in.zero_point, got);
                    CHECK(s.frame_count == 50 && memcmp(s.mfcc, mfcc, sizeof mfcc) == 0 &&
                            memcmp(got, want, 490) == 0,
                        "mlperf window at frame %u differs from the whole clip's", s.frame_count);
                }
                left -= used;
            }
            pos += chunk;
        }
        CHECK(invoked == 1 && s.frame_count == 50 && !s.detected, "%d invocations", invoked);
    }
    free(mem);
    free(kmem);

    // micro_speech on 12 s of clips: random chunks == whole.
    const char *words[] = {"yes", "silence", "no", "noise"};
    int16_t *all = NULL;
    size_t total = 0;
    for (int r = 0; r < 3; r++) {
        for (int k = 0; k < 4; k++) {
            snprintf(path, sizeof path, "%s/testdata/tflite-micro/micro_speech/%s_1000ms.wav",
                mml_test_data_dir(), words[k]);
            size_t m = 0;
            int16_t *x = wav_samples(path, &m);
            if (x) {
                all = realloc(all, (total + m) * sizeof(int16_t));
                memcpy(all + total, x, m * sizeof(int16_t));
                total += m;
                free(x);
            }
        }
    }
    CHECK(total >= 160000, "%zu samples", total);
    mml_audio_stream_config_t mcfg = {&ms.m, MML_STREAM_MICRO, 20, 2, 3, 0.6f, 1500, 3u};
    len = mml_audio_stream_mem_size(&mcfg);
    mem = malloc(len);
    CHECK(mml_audio_stream_init(&s, &mcfg, mem, len, &err) == MML_OK, "init: %s", err.msg);
    uint32_t det[2][64], nd[2] = {0, 0}, lab[2][64];
    for (int random_chunks = 0; random_chunks < 2; random_chunks++) {
        mml_audio_stream_reset(&s);
        size_t pos = 0, used = 0;
        while (pos < total) {
            size_t chunk = random_chunks ? next_chunk() : total - pos;
            chunk = chunk > total - pos ? total - pos : chunk;
            size_t left = chunk;
            while (left > 0) {
                int r = mml_audio_stream_feed(&s, all + pos + (chunk - left), left, &used, &err);
                CHECK(r >= 0, "feed: %s", err.msg);
                if (r == 1 && s.detected && nd[random_chunks] < 64) {
                    det[random_chunks][nd[random_chunks]] = s.frame_count - 1;
                    lab[random_chunks][nd[random_chunks]++] = (uint32_t)s.label;
                }
                left -= used;
            }
            pos += chunk;
        }
    }
    CHECK(nd[0] >= 3 && nd[0] == nd[1] && memcmp(det[0], det[1], 4 * nd[0]) == 0 &&
            memcmp(lab[0], lab[1], 4 * nd[0]) == 0,
        "micro_speech detections: %u whole, %u in random chunks", nd[0], nd[1]);
    for (uint32_t k = 0; k < nd[0]; k++) {
        CHECK(lab[0][k] == 2 || lab[0][k] == 3, "detection %u: label %u (silence/unknown ignored)",
            k, lab[0][k]);
        CHECK(k == 0 || det[0][k] - det[0][k - 1] >= 75, "refractory: frames %u then %u",
            det[0][k - 1 + (k == 0)], det[0][k]);
    }
    // Bad settings.
    mcfg.every = 0;
    CHECK(mml_audio_stream_init(&s, &mcfg, mem, len, &err) == MML_ERR_INVALID_ARG &&
            strstr(err.msg, "every 0") != NULL,
        "every 0: %s", err.msg);
    mcfg.every = 2;
    mcfg.frontend = MML_STREAM_MLPERF;
    CHECK(mml_audio_stream_init(&s, &mcfg, mem, len, &err) == MML_ERR_INVALID_ARG &&
            strstr(err.msg, "49 x 10") != NULL,
        "micro_speech on mlperf: %s", err.msg);
    free(mem);
    free(all);
    free(yes);
    close_model(&kws);
    close_model(&ms);
}

int main(void) {
    loaded_t wake, vad;
    if (open_model(&wake, "okay_nabu_v2") && open_model(&vad, "vad_v2")) {
        test_clips(&wake, &vad);
        test_detections(&wake);
        test_long_recording(&wake, &vad);
        test_errors(&wake, &vad);
        test_audio_stream();
    }
    close_model(&wake);
    close_model(&vad);
    return mml_test_done("test_stream");
}
