// SPDX-License-Identifier: MIT
// The microfrontend (src/dsp/microfrontend.c) through the C API: on the 16 synthesized clips of
// <MICROML_DATA>/testdata/wakeword/audio, feeding the samples whole and in random chunk sizes
// (1..700) gives TFLM's stored int8 features byte for byte; reset() restarts cleanly; bad
// configurations are refused with a message; the int8 conversion at its edges.
#include <string.h>
#include "microml/mml_dsp.h"
#include "mml_test.h"

static const char *const clips[] = {
    "general_00",
    "general_01",
    "general_02",
    "general_03",
    "general_04",
    "general_05",
    "okay_nabu_00",
    "okay_nabu_01",
    "okay_nabu_02",
    "okay_nabu_03",
    "okay_nabu_04",
    "okay_nabu_05",
    "okay_nabu_06",
    "okay_nabu_07",
    "okay_nabu_08",
    "okay_nabu_09",
};

// The 16-bit samples of a canonical PCM WAV (the "data" chunk), malloc'd; NULL if none.
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

static uint32_t rng = 12345u;
static size_t next_chunk(void) {
    rng = rng * 1664525u + 1013904223u;
    return 1 + (rng >> 8) % 700;
}

// Runs the samples through fe in chunks (random if random_chunks), int8 rows into out; returns
// the number of frames.
static size_t run(mml_microfrontend_t *fe, const int16_t *s, size_t n, int random_chunks,
    int8_t *out, size_t max_frames) {
    size_t frames = 0;
    for (size_t pos = 0; pos < n;) {
        size_t chunk = random_chunks ? next_chunk() : n - pos;
        if (chunk > n - pos) {
            chunk = n - pos;
        }
        // Within a chunk, call again until the chunk is used up (a call stops after a frame).
        const int16_t *p = s + pos;
        size_t left = chunk;
        while (left > 0) {
            size_t used = 0;
            if (mml_microfrontend_process(fe, p, left, &used) && frames < max_frames) {
                mml_microfrontend_to_s8(fe->output, fe->num_channels, out + 40 * frames);
                frames++;
            }
            p += used;
            left -= used;
        }
        pos += chunk;
    }
    return frames;
}

static void test_clips(void) {
    mml_microfrontend_config_t cfg;
    mml_microfrontend_config_esphome(&cfg, 10);
    const size_t mem_len = mml_microfrontend_mem_size(&cfg);
    CHECK(mem_len > 0 && mem_len < 20000, "ESPHome settings need %zu bytes", mem_len);
    uint64_t *mem = malloc(mem_len);
    mml_microfrontend_t fe;
    mml_error_t err;
    CHECK(mml_microfrontend_init(&fe, &cfg, mem, mem_len, &err) == MML_OK, "init: %s", err.msg);
    for (size_t c = 0; c < sizeof clips / sizeof clips[0]; c++) {
        char path[512];
        size_t n = 0, want_len = 0;
        snprintf(path, sizeof path, "%s/testdata/wakeword/audio/%s.wav", mml_test_data_dir(),
            clips[c]);
        int16_t *s = wav_samples(path, &n);
        snprintf(path, sizeof path, "%s/testdata/wakeword/features_10ms/%s.features.bin",
            mml_test_data_dir(), clips[c]);
        unsigned char *want = mml_test_read(path, &want_len);
        CHECK(s && want, "%s: test data missing", clips[c]);
        if (!s || !want) {
            free(s);
            free(want);
            continue;
        }
        const size_t max_frames = n / 160 + 1;
        int8_t *got = malloc(40 * max_frames);
        for (int random_chunks = 0; random_chunks < 2; random_chunks++) {
            mml_microfrontend_reset(&fe);
            memset(got, 0x55, 40 * max_frames);
            size_t frames = run(&fe, s, n, random_chunks, got, max_frames);
            CHECK(frames * 40 == want_len, "%s: %zu frames, want %zu", clips[c], frames,
                want_len / 40);
            CHECK(frames * 40 == want_len && memcmp(got, want, want_len) == 0,
                "%s (%s): features differ from TFLM's", clips[c],
                random_chunks ? "random chunks" : "whole");
        }
        free(got);
        free(s);
        free(want);
    }
    free(mem);
}

static void test_config_errors(void) {
    mml_microfrontend_config_t cfg;
    mml_microfrontend_t fe;
    mml_error_t err;
    static uint64_t mem[4096];
    mml_microfrontend_config_esphome(&cfg, 10);
    CHECK(mml_microfrontend_init(&fe, &cfg, mem, 100, &err) == MML_ERR_INVALID_ARG &&
            err.needed == mml_microfrontend_mem_size(&cfg) && err.got == 100,
        "small memory: %s", err.msg);
    cfg.upper_band_limit = 9000.0f;
    CHECK(mml_microfrontend_mem_size(&cfg) == 0, "upper band above Nyquist");
    CHECK(mml_microfrontend_init(&fe, &cfg, mem, sizeof mem, &err) == MML_ERR_INVALID_ARG &&
            strstr(err.msg, "band") != NULL,
        "msg: %s", err.msg);
    mml_microfrontend_config_esphome(&cfg, 40);
    CHECK(mml_microfrontend_init(&fe, &cfg, mem, sizeof mem, &err) == MML_ERR_INVALID_ARG &&
            strstr(err.msg, "step") != NULL,
        "step 40 > window 30: %s", err.msg);
    mml_microfrontend_config_esphome(&cfg, 10);
    cfg.num_channels = 0;
    CHECK(mml_microfrontend_init(&fe, &cfg, mem, sizeof mem, &err) == MML_ERR_INVALID_ARG,
        "0 channels");
    mml_microfrontend_config_esphome(&cfg, 20);
    CHECK(mml_microfrontend_init(&fe, &cfg, mem, sizeof mem, &err) == MML_OK && fe.step == 320,
        "20 ms step");
}

static void test_to_s8(void) {
    // clamp((v * 256 + 333) / 666 - 128, -128, 127), computed by hand at the edges.
    const uint16_t in[] = {0, 1, 2, 3, 664, 665, 666, 1000, 65535};
    const int8_t want[] = {-128, -128, -127, -127, 127, 127, 127, 127, 127};
    int8_t out[9];
    mml_microfrontend_to_s8(in, 9, out);
    for (int i = 0; i < 9; i++) {
        CHECK(out[i] == want[i], "v=%u -> %d, want %d", in[i], out[i], want[i]);
    }
}

int main(void) {
    test_clips();
    test_config_errors();
    test_to_s8();
    return mml_test_done("test_microfrontend");
}
