// SPDX-License-Identifier: MIT
// TFLite Micro's signal-library ops through the C API: bad options and tensors refused at load
// with their message (test_signal_models.h, from tests/c/test_signal_gen.py); a delay line and a
// framer carrying their state over invocations and back to the start after mml_model_reset;
// audio_preprocessor_int8's noise-estimate state (its size, reset restoring TFLM's chained
// 49-frame vector); and every byte of every signal op's options in that model damaged in turn:
// each load either runs or fails with "op <i> <its name>: ...", never crashes (ASan + UBSan).
#include <string.h>
#include "microml/microml.h"
#include "core/tflite.h"
#include "mml_test.h"
#include "test_signal_models.h"

typedef struct {
    mml_model_t m;
    void *work;
    unsigned char *arena;
} loaded_t;

// Loads, plans and prepares; MML_OK or the first failure (err filled).
static mml_status_t open_model(loaded_t *l, const unsigned char *bytes, size_t len,
    mml_error_t *err) {
    memset(l, 0, sizeof(*l));
    mml_status_t st = mml_model_load(&l->m, bytes, len, err);
    if (st == MML_OK) {
        l->work = malloc(mml_model_work_size(&l->m) + 8);
        st = mml_model_plan(&l->m, l->work, mml_model_work_size(&l->m), err);
    }
    if (st == MML_OK) {
        l->arena = malloc(l->m.arena_bytes);
        st = mml_model_prepare(&l->m, l->work, l->arena, l->m.arena_bytes, err);
    }
    return st;
}

static void close_model(loaded_t *l) {
    free(l->arena);
    free(l->work);
    l->arena = NULL;
    l->work = NULL;
}

static void test_refused(void) {
    for (size_t k = 0; k < sizeof(refused) / sizeof(refused[0]); k++) {
        loaded_t l;
        mml_error_t err;
        mml_status_t st = open_model(&l, refused[k].model, refused[k].len, &err);
        CHECK(st != MML_OK && strstr(err.msg, refused[k].message) != NULL,
            "case %u: status %d, message '%s', expected '%s'", (unsigned)k, (int)st, err.msg,
            refused[k].message);
        close_model(&l);
    }
}

// Runs n invocations of a one-input model; compares output 0 with want (n frames).
static void run_frames(const unsigned char *bytes, size_t len, const int16_t *in, size_t in_n,
    const int16_t *want, size_t out_n, int n, const char *what) {
    loaded_t l;
    mml_error_t err;
    if (open_model(&l, bytes, len, &err) != MML_OK) {
        CHECK(0, "%s does not prepare: %s", what, err.msg);
        close_model(&l);
        return;
    }
    CHECK(l.m.state_bytes > 0, "%s: no state", what);
    for (int pass = 0; pass < 2; pass++) { // the second pass after mml_model_reset
        for (int k = 0; k < n; k++) {
            memcpy(mml_model_input_data(&l.m, 0), in + (size_t)k * in_n, in_n * sizeof(int16_t));
            CHECK(mml_model_invoke(&l.m, &err) == MML_OK, "%s: invoke: %s", what, err.msg);
            CHECK(memcmp(mml_model_output_data(&l.m, 0), want + (size_t)k * out_n,
                      out_n * sizeof(int16_t)) == 0,
                "%s: pass %d frame %d differs", what, pass, k);
        }
        CHECK(mml_model_reset(&l.m) == MML_OK, "%s: reset", what);
    }
    close_model(&l);
}

// The chained yes sequence twice: equal to TFLM's after a reset, different without one.
static void test_preprocessor_state(const unsigned char *model, size_t len) {
    char path[512];
    size_t in_len = 0, out_len = 0;
    snprintf(path, sizeof(path), "%s/../vectors/audio_preprocessor_int8/public/"
        "real_yes_1000ms_seq49.in.bin", mml_test_data_dir());
    unsigned char *in = mml_test_read(path, &in_len);
    snprintf(path, sizeof(path), "%s/../vectors/audio_preprocessor_int8/public/"
        "real_yes_1000ms_seq49.out.bin", mml_test_data_dir());
    unsigned char *want = mml_test_read(path, &out_len);
    loaded_t l;
    mml_error_t err;
    if (!in || !want || in_len != 49 * 960 || out_len != 49 * 40 ||
        open_model(&l, model, len, &err) != MML_OK) {
        CHECK(0, "audio_preprocessor_int8 or its vector unusable");
        free(in);
        free(want);
        return;
    }
    // SignalFilterBankSpectralSubtraction's noise estimate: 40 uint32.
    CHECK(l.m.state_bytes == 160, "state %u bytes", l.m.state_bytes);
    unsigned char got[49 * 40];
    for (int pass = 0; pass < 3; pass++) {
        for (int k = 0; k < 49; k++) {
            memcpy(mml_model_input_data(&l.m, 0), in + k * 960, 960);
            CHECK(mml_model_invoke(&l.m, &err) == MML_OK, "invoke: %s", err.msg);
            memcpy(got + k * 40, mml_model_output_data(&l.m, 0), 40);
        }
        if (pass == 1) { // carried over from pass 0: the noise estimate is not fresh
            CHECK(memcmp(got, want, sizeof(got)) != 0, "state not carried over");
            CHECK(mml_model_reset(&l.m) == MML_OK, "reset");
        } else {
            CHECK(memcmp(got, want, sizeof(got)) == 0, "pass %d differs from TFLM's", pass);
        }
    }
    close_model(&l);
    free(in);
    free(want);
}

// Every byte of every signal op's custom options, set to a few values in turn.
static void test_damaged_options(const unsigned char *good, size_t len) {
    mml_model_t m;
    mml_error_t err;
    if (mml_model_load(&m, good, len, &err) != MML_OK) {
        CHECK(0, "load: %s", err.msg);
        return;
    }
    unsigned char *bad = malloc(len);
    static const int deltas[] = {1, -1, 0x80, 0x40, 0x7f};
    int runs = 0, refusals = 0;
    for (uint32_t i = 0; i < m.n_ops_all; i++) {
        mml__op_t op;
        if (mml__tfl_op(&m, i, &op, NULL) != MML_OK || !op.custom_options) {
            continue;
        }
        const size_t at = (size_t)(op.custom_options - good);
        char name[64];
        snprintf(name, sizeof(name), "op %u %s: ", (unsigned)i, op.custom_name);
        for (uint32_t b = 0; b < op.custom_options_len; b++) {
            for (size_t d = 0; d < sizeof(deltas) / sizeof(deltas[0]) + 2; d++) {
                memcpy(bad, good, len);
                bad[at + b] = d == 5 ? 0 : d == 6 ? 0xff : (unsigned char)(good[at + b] + deltas[d]);
                loaded_t l;
                mml_status_t st = open_model(&l, bad, len, &err);
                if (st == MML_OK) {
                    mml_tensor_info_t x;
                    mml_model_input_info(&l.m, 0, &x);
                    memset(mml_model_input_data(&l.m, 0), 0x5a, x.bytes);
                    st = mml_model_invoke(&l.m, &err);
                    CHECK(st == MML_OK, "op %u byte %u: invoke failed: %s", (unsigned)i,
                        (unsigned)b, err.msg);
                    runs++;
                } else {
                    CHECK(strncmp(err.msg, "op ", 3) == 0 && strstr(err.msg, "Signal"),
                        "op %u byte %u: unexpected message '%s'", (unsigned)i, (unsigned)b,
                        err.msg);
                    refusals += strncmp(err.msg, name, strlen(name)) == 0;
                }
                close_model(&l);
            }
        }
    }
    CHECK(runs > 0 && refusals > 50, "%d runs, %d refusals naming the damaged op", runs, refusals);
    free(bad);
}

int main(void) {
    test_refused();
    run_frames(delay_model, delay_model_len, delay_in, 4, delay_out, 4, 4, "SignalDelay");
    run_frames(framer_model, framer_model_len, framer_in, 4, framer_out, 10, 4, "SignalFramer");
    char path[512];
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/models/tflite-micro/audio_preprocessor_int8.tflite",
        mml_test_data_dir());
    unsigned char *pre = mml_test_read(path, &len);
    CHECK(pre != NULL, "%s missing", path);
    if (pre) {
        test_preprocessor_state(pre, len);
        test_damaged_options(pre, len);
        free(pre);
    }
    return mml_test_done("test_signal");
}
