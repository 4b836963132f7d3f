// SPDX-License-Identifier: MIT
// State across invocations through the C API: CALL_ONCE running its init subgraph once after
// prepare and again after mml_model_reset, resource variables carrying values from one invoke to
// the next, the counts mml_model_t reports for several subgraphs; on a generated two-subgraph
// model (test_state_model.h, expected values computed here) and on microWakeWord's vad_v2
// against TFLM's chained real_speech_seq99 vector.
#include <string.h>
#include "microml/microml.h"
#include "mml_test.h"
#include "test_state_model.h"

typedef struct {
    mml_model_t m;
    void *work;
    unsigned char *arena;
} loaded_t;

static int open_model(loaded_t *l, const unsigned char *bytes, size_t len) {
    mml_error_t err;
    memset(l, 0, sizeof(*l));
    int ok = mml_model_load(&l->m, bytes, len, &err) == MML_OK;
    if (ok) {
        l->work = malloc(mml_model_work_size(&l->m) + 8);
        ok = mml_model_plan(&l->m, l->work, mml_model_work_size(&l->m), &err) == MML_OK;
    }
    if (ok) {
        l->arena = malloc(l->m.arena_bytes);
        ok = mml_model_prepare(&l->m, l->work, l->arena, l->m.arena_bytes, &err) == MML_OK;
    }
    CHECK(ok, "model does not prepare: %s", err.msg);
    return ok;
}

static void close_model(loaded_t *l) {
    free(l->arena);
    free(l->work);
}

// y = acc + x with acc from the init subgraph; float sums computed here, in the same order.
static void test_generated_model(void) {
    loaded_t l;
    if (!open_model(&l, state_model, state_model_len)) {
        return;
    }
    mml_model_t *m = &l.m;
    CHECK(m->n_subgraphs == 2 && m->n_ops == 5 && m->n_ops_all == 7, "counts %u %u %u",
        m->n_subgraphs, m->n_ops, m->n_ops_all);
    CHECK(m->n_tensors == 4 && m->n_tensors_all == 6, "tensors %u %u", m->n_tensors,
        m->n_tensors_all);
    CHECK(m->n_resource_variables == 1, "variables %u", m->n_resource_variables);
    // The variable (16 bytes) and the CALL_ONCE flag (4), nothing else.
    CHECK(m->state_bytes == 20, "state %u bytes", m->state_bytes);
    mml_op_info_t op;
    CHECK(mml_model_op_info(m, 5, &op) == MML_OK && op.subgraph == 1 &&
            strcmp(op.name, "VAR_HANDLE") == 0,
        "op 5: %s in subgraph %u", op.name, op.subgraph);
    CHECK(mml_model_op_info(m, 0, &op) == MML_OK && op.subgraph == 0 &&
            strcmp(op.name, "CALL_ONCE") == 0,
        "op 0: %s", op.name);
    CHECK(mml_model_op_info(m, 7, &op) == MML_ERR_INVALID_ARG, "op 7 does not exist");
    CHECK(mml_model_check_op(m, 6, NULL, NULL) == MML_OK, "op 6 (ASSIGN_VARIABLE) checks alone");
    mml_tensor_info_t t;
    CHECK(mml_model_tensor_info(m, 5, &t) == MML_OK && t.is_constant && t.bytes == 16,
        "tensor 5: the init constant");
    CHECK(mml_model_tensor_info(m, 4, &t) == MML_OK && t.dtype == MML_RESOURCE, "tensor 4");

    static const float frames[5][4] = {{1.0f, 2.0f, 3.0f, 4.0f}, {0.25f, -0.5f, 1e-3f, -8.0f},
        {-3.0f, 7.5f, 0.125f, 1e4f}, {2.0f, 2.0f, 2.0f, 2.0f}, {-0.5f, 0.5f, -0.5f, 0.5f}};
    float want[5][4], acc[4];
    memcpy(acc, state_model_init, sizeof(acc));
    for (int f = 0; f < 5; f++) {
        for (int i = 0; i < 4; i++) {
            acc[i] = acc[i] + frames[f][i];
            want[f][i] = acc[i];
        }
    }
    float *x = (float *)mml_model_input_data(m, 0);
    const float *y = (const float *)mml_model_output_data(m, 0);
    for (int round = 0; round < 3; round++) {
        // Round 0 right after prepare; round 1 after a reset in the middle of a run (3 frames
        // in), round 2 after a reset at the end: the init subgraph must run again each time.
        int n = round == 1 ? 3 : 5;
        for (int f = 0; f < n; f++) {
            memcpy(x, frames[f], sizeof(frames[f]));
            CHECK(mml_model_invoke(m, NULL) == MML_OK, "invoke");
            CHECK(memcmp(y, want[f], sizeof(want[f])) == 0, "round %d frame %d: %g, expected %g",
                round, f, (double)y[0], (double)want[f][0]);
        }
        CHECK(mml_model_reset(m) == MML_OK, "reset");
    }
    // Op by op (how `microml bench` profiles): the CALL_ONCE (op 0) runs the init subgraph.
    for (int f = 0; f < 2; f++) {
        memcpy(x, frames[f], sizeof(frames[f]));
        for (uint32_t i = 0; i < m->n_ops; i++) {
            CHECK(mml_model_invoke_op(m, i, NULL) == MML_OK, "op %u", i);
        }
        CHECK(memcmp(y, want[f], sizeof(want[f])) == 0, "op by op, frame %d", f);
    }
    CHECK(mml_model_invoke_op(m, 5, NULL) == MML_ERR_INVALID_ARG,
        "ops of other subgraphs do not run alone");
    close_model(&l);
}

// vad_v2 on TFLM's real_speech_seq99 (99 frames of real speech features on one interpreter): a
// reset in the middle restarts the sequence exactly, and the state matters: frames fed to a freshly
// reset model alone give other outputs than in the sequence.
static void test_vad(void) {
    char path[1024];
    size_t len, in_len, out_len;
    const char *dir = mml_test_data_dir();
    snprintf(path, sizeof(path), "%s/models/esphome/vad_v2.tflite", dir);
    unsigned char *bytes = mml_test_read(path, &len);
    snprintf(path, sizeof(path), "%s/../vectors/mww_vad_v2/public/real_speech_seq99.in.bin", dir);
    unsigned char *in = mml_test_read(path, &in_len);
    snprintf(path, sizeof(path), "%s/../vectors/mww_vad_v2/public/real_speech_seq99.out.bin", dir);
    unsigned char *out = mml_test_read(path, &out_len);
    enum { FRAMES = 99, IN = 120 };
    int have = bytes && in && out && in_len == FRAMES * IN && out_len == FRAMES;
    CHECK(have, "vad_v2 real_speech_seq99 data");
    loaded_t l;
    if (have && open_model(&l, bytes, len)) {
        mml_model_t *m = &l.m;
        // TFLM's op counts (meta.json: 32 ops in subgraph 0, 40 in all; 4 variables, each
        // assigned once by the init subgraph).
        CHECK(m->n_subgraphs == 2 && m->n_ops == 32 && m->n_ops_all == 40, "vad counts %u %u",
            m->n_ops, m->n_ops_all);
        CHECK(m->n_resource_variables == 4, "vad variables %u", m->n_resource_variables);
        int8_t *x = (int8_t *)mml_model_input_data(m, 0);
        const uint8_t *y = (const uint8_t *)mml_model_output_data(m, 0);
        int bad = 0;
        for (int f = 0; f < FRAMES; f++) {
            if (f == 50) {
                CHECK(mml_model_reset(m) == MML_OK, "reset");
                for (int g = 0; g < 50; g++) { // the start again, on the same interpreter
                    memcpy(x, in + IN * g, IN);
                    bad += mml_model_invoke(m, NULL) != MML_OK || *y != out[g];
                }
            }
            memcpy(x, in + IN * f, IN);
            bad += mml_model_invoke(m, NULL) != MML_OK || *y != out[f];
        }
        CHECK(bad == 0, "%d frames differ from TFLM", bad);
        int stateful = 0;
        for (int f = 30; f < 80; f++) {
            mml_model_reset(m);
            memcpy(x, in + IN * f, IN);
            stateful += mml_model_invoke(m, NULL) == MML_OK && *y != out[f];
        }
        CHECK(stateful > 10, "only %d of 50 frames depend on the ones before", stateful);
        close_model(&l);
    }
    free(bytes);
    free(in);
    free(out);
}

int main(void) {
    test_generated_model();
    test_vad();
    return mml_test_done("test_state");
}
