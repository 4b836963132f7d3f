// SPDX-License-Identifier: MIT
// Damaged models must be rejected with an error, never crash, hang or read outside the buffer
// (this runs under AddressSanitizer and UBSan). Every truncation length and a flipped byte at
// every position of the small models; seeded random corruption of the larger ones.
#include <string.h>
#include "core/tflite.h"
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

static void put32(unsigned char *b, uint32_t pos, uint32_t v) {
    b[pos] = (unsigned char)v, b[pos + 1] = (unsigned char)(v >> 8);
    b[pos + 2] = (unsigned char)(v >> 16), b[pos + 3] = (unsigned char)(v >> 24);
}

// Damage aimed at the second subgraph (the init subgraph CALL_ONCE runs): huge vector lengths,
// tensor indices out of its range, an operator code out of range, CALL_ONCE pointing nowhere.
static void damaged_second_subgraph(const unsigned char *good, size_t len) {
    mml_model_t m;
    mml__subgraph_t g;
    CHECK(mml_model_load(&m, good, len, NULL) == MML_OK && m.n_subgraphs == 2 &&
            mml__tfl_subgraph(&m, 1, &g) == MML_OK && g.n_ops > 0,
        "model with two subgraphs expected");
    unsigned char *b = malloc(len);
    const uint32_t vectors[] = {g.tensors, g.operators, g.inputs, g.outputs};
    const uint32_t huge[] = {(uint32_t)len, 0x3fffffffu, 0x40000001u, 0xffffffffu};
    for (size_t v = 0; v < 4; v++) {
        for (size_t k = 0; k < 4; k++) {
            memcpy(b, good, len);
            put32(b, vectors[v] - 4, huge[k]);
            CHECK(exercise(b, len, 1) == MML_ERR_INVALID_MODEL, "subgraph 1 vector %zu length %#x",
                v, huge[k]);
        }
    }
    // Every input and output index of every op of subgraph 1 set past its tensors, or to -2.
    int n_indices = 0;
    for (uint32_t i = 0; i < g.n_ops; i++) {
        mml__op_t op;
        CHECK(mml__tfl_op(&m, g.op_base + i, &op, NULL) == MML_OK, "op %u", g.op_base + i);
        const mml__fb_vec_t *lists[] = {&op.inputs, &op.outputs};
        for (int l = 0; l < 2; l++) {
            for (uint32_t k = 0; k < lists[l]->n; k++) {
                const uint32_t bad_index[] = {g.n_tensors, 0x10000u, 0xfffffffeu};
                for (int j = 0; j < 3; j++) {
                    memcpy(b, good, len);
                    put32(b, lists[l]->pos + 4 * k, bad_index[j]);
                    CHECK(exercise(b, len, 1) == MML_ERR_INVALID_MODEL,
                        "op %u index %u set to %#x accepted", op.index, k, bad_index[j]);
                    n_indices++;
                }
            }
        }
    }
    CHECK(n_indices > 0, "subgraph 1 has no tensor indices");
    // CALL_ONCE (op 0 of subgraph 0) pointing at subgraph 0 (itself), 2 (none) or -1: the op is
    // refused at plan, not run.
    mml__op_t call;
    CHECK(mml__tfl_op(&m, 0, &call, NULL) == MML_OK && call.builtin_code == MML_OP_CALL_ONCE,
        "op 0 is CALL_ONCE");
    mml__fb_t fb = mml__model_fb(&m);
    uint32_t field = mml__fb_field(&fb, &call.options, 0, 4);
    CHECK(field != 0, "CALL_ONCE has init_subgraph_index");
    const uint32_t targets[] = {0, 2, 0xffffffffu, 0x7fffffffu};
    for (int j = 0; field && j < 4; j++) {
        memcpy(b, good, len);
        put32(b, field, targets[j]);
        mml_model_t d;
        mml_error_t err;
        void *work = NULL;
        mml_status_t st = mml_model_load(&d, b, len, &err);
        if (st == MML_OK) {
            work = malloc(mml_model_work_size(&d));
            st = mml_model_plan(&d, work, mml_model_work_size(&d), &err);
        }
        CHECK(st == MML_ERR_INVALID_MODEL && strstr(err.msg, "CALL_ONCE") && err.op_index == 0,
            "CALL_ONCE of subgraph %#x: %d %s", targets[j], st, err.msg);
        free(work);
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
        "models/mlcommons-tiny/kws_ref_model.tflite", "models/esphome/vad_v2.tflite"};
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
    size_t len;
    unsigned char *vad = load("models/esphome/vad_v2.tflite", &len);
    if (vad) {
        damaged_second_subgraph(vad, len);
        free(vad);
    }
    return mml_test_done("test_damaged");
}
