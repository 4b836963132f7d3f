// SPDX-License-Identifier: MIT
// Damaged models must be rejected with an error, never crash, hang or read outside the buffer
// (this runs under AddressSanitizer and UBSan). Every truncation length and a flipped byte at
// every position of the small models; seeded random corruption of the larger ones.
#include <string.h>
#include "microml/microml.h"
#include "mml_test.h"

#define ARENA_CAP (8u << 20) // mutated shapes can ask for absurd arenas: don't allocate those
#define INVOKE_MACS_CAP (1 << 26)

static uint32_t rng_state = 12345;
static uint32_t rng(void) {
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

// Load, plan, prepare and invoke whatever loads. Returns the first failing status or MML_OK.
// The model copy sits in a buffer of exactly len bytes, so ASan sees any over-read.
static mml_status_t exercise(const unsigned char *model, size_t len, int invoke) {
    unsigned char *copy = malloc(len ? len : 1);
    memcpy(copy, model, len);
    mml_model_t m;
    mml_error_t err;
    mml_status_t st = mml_model_load(&m, copy, len, &err);
    void *work = NULL;
    unsigned char *arena = NULL;
    if (st == MML_OK) {
        work = malloc(mml_model_work_size(&m) + 8);
        st = mml_model_plan(&m, work, mml_model_work_size(&m), &err);
    }
    if (st == MML_OK && m.arena_bytes <= ARENA_CAP) {
        arena = malloc(m.arena_bytes ? m.arena_bytes : 1);
        st = mml_model_prepare(&m, work, arena, m.arena_bytes, &err);
        if (st == MML_OK && invoke) {
            st = mml_model_invoke(&m, &err);
        }
    }
    if (st != MML_OK) {
        // The message is one non-empty line.
        CHECK(err.msg[0] != 0 && strchr(err.msg, '\n') == NULL, "status %d without message", st);
    }
    free(arena);
    free(work);
    free(copy);
    return st;
}

static unsigned char *load(const char *rel, size_t *len) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", mml_test_data_dir(), rel);
    unsigned char *b = mml_test_read(path, len);
    CHECK(b != NULL, "cannot read %s", path);
    return b;
}

static void specific_damage(const unsigned char *good, size_t len) {
    unsigned char *b = malloc(len);
    CHECK(exercise(good, 0, 1) == MML_ERR_INVALID_MODEL, "empty model accepted");
    memcpy(b, good, len);
    memcpy(b + 4, "TFL2", 4);
    CHECK(exercise(b, len, 1) == MML_ERR_INVALID_MODEL, "wrong identifier accepted");
    memcpy(b, good, len);
    b[0] = 0xff, b[1] = 0xff, b[2] = 0xff, b[3] = 0x7f; // root offset far outside
    CHECK(exercise(b, len, 1) == MML_ERR_INVALID_MODEL, "bad root offset accepted");
    memcpy(b, good, len);
    b[0] = (unsigned char)(len - 2), b[1] = (unsigned char)((len - 2) >> 8), b[2] = b[3] = 0;
    CHECK(exercise(b, len, 1) == MML_ERR_INVALID_MODEL, "root table at the end accepted");
    // Every 4-byte word set to a huge value (a vector length or offset going out of bounds).
    int rejected = 0;
    for (size_t i = 8; i + 4 <= len; i += (i > 2048 && i + 2048 < len) ? len / 64 * 4 + 4 : 4) {
        memcpy(b, good, len);
        b[i] = b[i + 1] = b[i + 2] = 0xff, b[i + 3] = 0x7f;
        rejected += exercise(b, len, 1) != MML_OK;
    }
    CHECK(rejected > 0, "no huge-word corruption rejected");
    free(b);
}

static void every_truncation_and_flip(const unsigned char *good, size_t len, size_t step) {
    unsigned char *b = malloc(len);
    int bad_accepted = 0;
    for (size_t n = 0; n < len; n += step) {
        // A truncated model must never load: the root table or its data is cut off.
        mml_status_t st = exercise(good, n, 1);
        bad_accepted += st == MML_OK;
    }
    CHECK(bad_accepted == 0, "%d truncated models accepted", bad_accepted);
    for (size_t i = 0; i < len; i += step) {
        memcpy(b, good, len);
        b[i] ^= 0xff;
        exercise(b, len, 1);
        memcpy(b, good, len);
        b[i] += 1;
        exercise(b, len, 1);
    }
    free(b);
}

static void random_damage(const unsigned char *good, size_t len, int rounds, int invoke) {
    unsigned char *b = malloc(len);
    for (int r = 0; r < rounds; r++) {
        memcpy(b, good, len);
        int hits = 1 + (int)(rng() % 8);
        for (int h = 0; h < hits; h++) {
            // Bias towards the flatbuffer metadata: the first and last KB hold most tables.
            size_t at =
                rng() % 2 ? rng() % len : (rng() % 2 ? rng() % 1024 : len - 1 - rng() % 1024);
            if (at < len) {
                b[at] = (unsigned char)rng();
            }
        }
        exercise(b, len, invoke);
    }
    free(b);
}

int main(void) {
    static const char *small[] = {"models/tflite-micro/hello_world_int8.tflite",
        "models/tflite-micro/hello_world_float.tflite",
        // 16x8: CONV_2D with an int64 bias, TRANSPOSE_CONV with a non-constant output shape.
        "models/tflite-micro-seanet/conv0.tflite",
        "models/tflite-micro-seanet/transpose_conv4.tflite"};
    for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
        size_t len;
        unsigned char *good = load(small[i], &len);
        if (!good) {
            continue;
        }
        CHECK(exercise(good, len, 1) == MML_OK, "%s does not run", small[i]);
        specific_damage(good, len);
        every_truncation_and_flip(good, len, 1);
        random_damage(good, len, 3000, 1);
        free(good);
    }
    static const char *larger[] = {"models/tflite-micro/micro_speech_quantized.tflite",
        "models/tflite-micro/mnist_lstm_int8.tflite", "models/tflite-micro/person_detect.tflite",
        "models/tflite-micro/audio_preprocessor_int8.tflite",
        "models/mlcommons-tiny/kws_ref_model.tflite"};
    for (size_t i = 0; i < sizeof(larger) / sizeof(larger[0]); i++) {
        size_t len;
        unsigned char *good = load(larger[i], &len);
        if (!good) {
            continue;
        }
        specific_damage(good, len);
        every_truncation_and_flip(good, len, len / 97 + 1);
        random_damage(good, len, 300, len < 50000);
        free(good);
    }
    return mml_test_done("test_damaged");
}
