// SPDX-License-Identifier: MIT
// libFuzzer target: arbitrary bytes as a classic (scikit-learn) model: load, then every method
// (every mml_classic_what_t) on two samples. Seeded with blobs of tests/py/classic_cases.py, full
// and compact forms (tests/fuzz/classic_seeds.py).
#include <stdlib.h>
#include <string.h>
#include "microml/mml_classic.h"

#define MAX_FLOATS (1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *bytes = malloc(size ? size : 1); // 4-byte aligned, exactly size bytes
    memcpy(bytes, data, size);
    mml_classic_t m;
    mml_error_t err;
    if (mml_classic_load(&m, bytes, size, &err) == MML_OK && m.n_features <= MAX_FLOATS &&
        m.max_width <= MAX_FLOATS) {
        float *x = calloc(m.n_features, sizeof(float));
        float *scratch = malloc(sizeof(float) * mml_classic_scratch_floats(&m));
        float *out = malloc(sizeof(float) * m.max_width);
        for (int pass = 0; pass < 2; pass++) {
            for (uint32_t i = 0; i < m.n_features; i++) {
                x[i] = pass == 0 ? 0.0f : (float)i - 3.5f;
            }
            for (int what = 0; what < MML_CLASSIC_WHAT_COUNT; what++) {
                uint32_t n = mml_classic_outputs(&m, (mml_classic_what_t)what);
                if (n > m.max_width) {
                    abort(); // the loader promised room for every result
                }
                if (n > 0) {
                    mml_classic_run(&m, (mml_classic_what_t)what, x, out, scratch);
                }
            }
            if (m.task == MML_CLASSIC_CLASSIFIER &&
                mml_classic_predict_class(&m, x, scratch) >= m.n_classes) {
                abort();
            }
        }
        free(x);
        free(scratch);
        free(out);
    }
    free(bytes);
    return 0;
}
