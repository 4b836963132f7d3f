// SPDX-License-Identifier: MIT
// libFuzzer target: load + labels + plan + prepare + invoke of arbitrary bytes as a .tflite
// model. Built with clang -fsanitize=fuzzer,address,undefined; seeded with the real models (among them
// the microWakeWord ones: several subgraphs, CALL_ONCE, resource variables). Every op of every
// subgraph is also checked alone, and a prepared model runs twice, is reset and runs again (state
// carried across invocations, CALL_ONCE run again).
#include <stdlib.h>
#include <string.h>
#include "microml/microml.h"

#define ARENA_CAP (4u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    // The model bytes must be 4-byte aligned: copy into a malloc'd buffer of exactly size bytes.
    uint8_t *bytes = malloc(size ? size : 1);
    memcpy(bytes, data, size);
    mml_model_t m;
    mml_error_t err;
    if (mml_model_load(&m, bytes, size, &err) == MML_OK) {
        // Class labels (MLTK metadata): every string must lie inside the buffer, NUL-terminated.
        uint32_t n_labels = mml_model_label_count(&m);
        for (uint32_t i = 0; i < n_labels; i++) {
            uint32_t len;
            const char *s = mml_model_label(&m, i, &len);
            if (s == NULL || strlen(s) != len) {
                abort();
            }
        }
        for (uint32_t i = 0; i < m.n_ops_all; i++) {
            mml_op_info_t op;
            mml_model_op_info(&m, i, &op);
            mml_model_check_op(&m, i, NULL, &err);
        }
        size_t wlen = mml_model_work_size(&m);
        void *work = malloc(wlen + 8);
        if (mml_model_plan(&m, work, wlen, &err) == MML_OK && m.arena_bytes <= ARENA_CAP) {
            uint8_t *arena = malloc(m.arena_bytes ? m.arena_bytes : 1);
            if (mml_model_prepare(&m, work, arena, m.arena_bytes, &err) == MML_OK) {
                for (uint32_t i = 0; i < m.n_inputs; i++) {
                    mml_tensor_info_t t;
                    mml_model_input_info(&m, i, &t);
                    memset(mml_model_input_data(&m, i), 0x5a, t.bytes);
                }
                if (mml_model_invoke(&m, &err) == MML_OK && mml_model_invoke(&m, &err) == MML_OK &&
                    mml_model_reset(&m) == MML_OK) {
                    mml_model_invoke(&m, &err);
                }
            }
            free(arena);
        }
        free(work);
    }
    free(bytes);
    return 0;
}
