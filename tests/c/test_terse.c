// SPDX-License-Identifier: MIT
// The core built without message text (-DMML_ERROR_TEXT=0, mml_config.h): every failure still
// gives its status, the failing op's index and the needed/got bytes, with an empty message, and
// damaged models fail as cleanly as in the default build (ASan, UBSan). The TFLM vector suite runs
// through this build too (build/tests/test_vectors_terse): the same output bytes.
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "microml/microml.h"
#include "mml_test.h"
#include "unsupported_models.h"

#if MML_ERROR_TEXT
#error "test_terse is built with -DMML_ERROR_TEXT=0"
#endif

typedef struct {
    mml_model_t m;
    void *work;
    uint8_t *arena;
    uint8_t *bytes; // the model's copy (4-byte aligned)
} run_t;

static void run_free(run_t *r) {
    free(r->work);
    free(r->arena);
    free(r->bytes);
    memset(r, 0, sizeof(*r));
}

// Loads, plans and prepares a copy of bytes; arena_short bytes fewer than the model needs.
static mml_status_t run_model(run_t *r, const uint8_t *bytes, size_t len, uint32_t arena_short,
    mml_error_t *err) {
    memset(r, 0, sizeof(*r));
    r->bytes = malloc(len ? len : 1);
    memcpy(r->bytes, bytes, len);
    mml_status_t st = mml_model_load(&r->m, r->bytes, len, err);
    if (st != MML_OK) {
        return st;
    }
    size_t work_len = mml_model_work_size(&r->m);
    r->work = malloc(work_len + 8); // glibc malloc: 16-byte aligned
    if ((st = mml_model_plan(&r->m, r->work, work_len, err)) != MML_OK) {
        return st;
    }
    uint32_t need = r->m.arena_bytes;
    size_t give = need > arena_short ? need - arena_short : 0;
    r->arena = malloc(need + 8);
    return mml_model_prepare(&r->m, r->work, r->arena, give, err);
}

static bool terse_error(const mml_error_t *err, mml_status_t st) {
    return err->status == st && err->msg[0] == '\0' && st <= MML_ERR_INVALID_MODEL &&
        st >= MML_ERR_WORK_TOO_SMALL;
}

static void test_unsupported(void) {
    run_t r;
    mml_error_t err;
    mml_status_t st = run_model(&r, model_two, sizeof(model_two), 0, &err);
    CHECK(st == MML_ERR_UNSUPPORTED && terse_error(&err, st), "status %d, message '%s'", (int)st,
        err.msg);
    CHECK(err.op_index == 1, "op_index is the first unsupported op: %d", (int)err.op_index);
    run_free(&r);
    st = run_model(&r, model_one, sizeof(model_one), 0, &err);
    CHECK(st == MML_ERR_UNSUPPORTED && terse_error(&err, st) && err.op_index == 1,
        "status %d op %d", (int)st, (int)err.op_index);
    run_free(&r);
}

// A real model: runs; a too-small arena and work buffer keep their numbers. With damage: every
// truncation and every single-byte change either runs or fails with a status and an empty
// message, and some of the changes fail in an op's prepare, which names the op by index.
static void test_model(const char *rel, bool damage) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", mml_test_data_dir(), rel);
    size_t len;
    uint8_t *bytes = mml_test_read(path, &len);
    CHECK(bytes != NULL, "cannot read %s", path);
    if (!bytes) {
        return;
    }
    run_t r;
    mml_error_t err;
    mml_status_t st = run_model(&r, bytes, len, 0, &err);
    CHECK(st == MML_OK, "%s: status %d", rel, (int)st);
    uint32_t need = r.m.arena_bytes;
    uint32_t n_ops = r.m.n_ops_all;
    CHECK(st != MML_OK || mml_model_invoke(&r.m, &err) == MML_OK, "%s: invoke", rel);
    run_free(&r);

    st = run_model(&r, bytes, len, 4, &err);
    CHECK(st == MML_ERR_ARENA_TOO_SMALL && terse_error(&err, st), "%s: status %d", rel, (int)st);
    CHECK(err.needed == need && err.got == need - 4, "%s: needed %u got %u, want %u %u", rel,
        (unsigned)err.needed, (unsigned)err.got, (unsigned)need, (unsigned)(need - 4));
    run_free(&r);

    mml_model_t m;
    uint8_t *copy = malloc(len);
    memcpy(copy, bytes, len);
    CHECK(mml_model_load(&m, copy, len, &err) == MML_OK, "%s: load", rel);
    uint64_t work[8];
    st = mml_model_plan(&m, work, 8, &err);
    CHECK(st == MML_ERR_WORK_TOO_SMALL && terse_error(&err, st) && err.got == 8 &&
            err.needed == mml_model_work_size(&m),
        "%s: status %d needed %u got %u", rel, (int)st, (unsigned)err.needed, (unsigned)err.got);
    free(copy);
    if (!damage) {
        free(bytes);
        return;
    }

    int failed = 0, op_failed = 0, bad = 0;
    for (size_t cut = 0; cut < len; cut += 1 + cut / 64) {
        st = run_model(&r, bytes, cut, 0, &err);
        bad += st == MML_OK || !terse_error(&err, st);
        run_free(&r);
    }
    CHECK(bad == 0, "%s: %d truncations without a terse error", rel, bad);
    bad = 0;
    uint8_t *damaged = malloc(len);
    for (size_t i = 0; i < len; i++) {
        memcpy(damaged, bytes, len);
        damaged[i] ^= (uint8_t)(i % 7 == 0 ? 0x80 : 0x41);
        st = run_model(&r, damaged, len, 0, &err);
        if (st != MML_OK) {
            failed++;
            bad += !terse_error(&err, st) || err.op_index < -1 || err.op_index >= (int32_t)n_ops;
            op_failed += err.op_index >= 0;
        } else {
            bad += mml_model_invoke(&r.m, &err) != MML_OK;
        }
        run_free(&r);
    }
    CHECK(bad == 0, "%s: %d changed bytes without a terse error", rel, bad);
    CHECK(failed > 0 && op_failed > 0, "%s: %d changes failed, %d of them in an op", rel, failed,
        op_failed);
    free(damaged);
    free(bytes);
}

int main(void) {
    test_unsupported();
    test_model("models/tflite-micro/hello_world_int8.tflite", true);
    test_model("models/tflite-micro/micro_speech_quantized.tflite", false);
    return mml_test_done("test_terse");
}
