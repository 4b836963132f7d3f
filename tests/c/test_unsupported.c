// SPDX-License-Identifier: MIT
// mml_model_plan on models with ops no build runs (tests/c/unsupported_models.h): the error names
// every such op with its index and version, keeps the first op's reason (as one op alone gives it)
// and index, and cuts a long list with "... and N more" inside MML_ERROR_MSG_LEN.
#include <stdlib.h>
#include <string.h>
#include "microml/microml.h"
#include "mml_test.h"
#include "unsupported_models.h"

// Loads a copy of bytes (4-byte aligned) and plans it; returns plan's status, err filled.
static mml_status_t plan(const unsigned char *bytes, size_t len, mml_error_t *err) {
    unsigned char *buf = malloc(len);
    mml_model_t m;
    mml_status_t st = MML_ERR_INVALID_ARG;
    if (buf) {
        memcpy(buf, bytes, len);
        st = mml_model_load(&m, buf, len, err);
    }
    void *work = NULL;
    if (st == MML_OK) {
        work = malloc(mml_model_work_size(&m) + 8);
        st = work ? mml_model_plan(&m, work, mml_model_work_size(&m), err) : MML_ERR_INVALID_ARG;
        CHECK(m.state == MML_MODEL_LOADED, "a failed plan leaves the model loaded");
    }
    free(work);
    free(buf);
    return st;
}

static void test_two(void) {
    mml_error_t err;
    mml_status_t st = plan(model_two, sizeof(model_two), &err);
    CHECK(st == MML_ERR_UNSUPPORTED && err.status == MML_ERR_UNSUPPORTED, "status %d", (int)st);
    CHECK(err.op_index == 1, "op_index is the first unsupported op: %d", (int)err.op_index);
    const char *want =
        "2 unsupported ops: op 1 SKIP_GRAM: op not supported (v2), op 3 " NO_SUCH_CUSTOM " v1";
    CHECK(strcmp(err.msg, want) == 0, "message '%s'", err.msg);
}

static void test_one(void) {
    mml_error_t err;
    mml_status_t st = plan(model_one, sizeof(model_one), &err);
    CHECK(st == MML_ERR_UNSUPPORTED && err.op_index == 1, "status %d op %d", (int)st,
        (int)err.op_index);
    CHECK(strcmp(err.msg, "op 1 LSH_PROJECTION: op not supported") == 0,
        "one op keeps its own reason: '%s'", err.msg);
}

// 12 unsupported ops, 1..12: odd ones LSH_PROJECTION v1, even ones SKIP_GRAM v3.
static void test_many(void) {
    mml_error_t err;
    mml_status_t st = plan(model_many, sizeof(model_many), &err);
    CHECK(st == MML_ERR_UNSUPPORTED && err.op_index == 1, "status %d op %d", (int)st,
        (int)err.op_index);
    size_t len = strlen(err.msg);
    CHECK(len < MML_ERROR_MSG_LEN, "length %u", (unsigned)len);
    // The count, the first op's reason and version, the next ops in order, then "... and N more"
    // with N the ones left out.
    const char *head = "12 unsupported ops: op 1 LSH_PROJECTION: op not supported (v1)";
    CHECK(strncmp(err.msg, head, strlen(head)) == 0, "head '%s'", err.msg);
    const char *p = err.msg + strlen(head);
    int listed = 1;
    for (;;) {
        char want[48];
        int op = listed + 1;
        snprintf(want, sizeof(want), ", op %d %s", op,
            op % 2 ? "LSH_PROJECTION v1" : "SKIP_GRAM v3");
        if (strncmp(p, want, strlen(want)) != 0) {
            break;
        }
        p += strlen(want);
        listed++;
    }
    CHECK(listed >= 2, "at least two ops named: '%s'", err.msg);
    char tail[32];
    snprintf(tail, sizeof(tail), ", ... and %d more", 12 - listed);
    CHECK(strcmp(p, tail) == 0, "tail '%s' after %d ops, want '%s'", p, listed, tail);
}

static void test_long_names(void) {
    mml_error_t err;
    mml_status_t st = plan(model_long, sizeof(model_long), &err);
    CHECK(st == MML_ERR_UNSUPPORTED && err.op_index == 0, "status %d op %d", (int)st,
        (int)err.op_index);
    CHECK(strcmp(err.msg, "2 unsupported ops: ... and 2 more") == 0, "'%s'", err.msg);
}

int main(void) {
    test_two();
    test_one();
    test_many();
    test_long_names();
    return mml_test_done("test_unsupported");
}
