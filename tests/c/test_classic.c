// SPDX-License-Identifier: MIT
// The classic-model C API (include/microml/mml_classic.h) against scikit-learn: the models,
// samples and scikit-learn outputs of test_classic_data.h (tests/c/test_classic_gen.py); labels
// identical except counted near-ties, values within 1e-4 relative or 1e-5 absolute. Then every
// truncation and many bit flips of each blob: refused with a message, or loaded and run (ASan
// and UBSan watch every read).
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "microml/microml.h"
#include "microml/mml_classic.h"
#include "mml_test.h"
#include "test_classic_data.h"

#define N_CASES (sizeof(classic_cases) / sizeof(classic_cases[0]))
#define MAX_FLOATS (4096)

static int close_enough(float got, float ref) {
    float err = fabsf(got - ref);
    return err <= 1e-5f || err <= 1e-4f * fabsf(ref);
}

static void check_case(const classic_case_t *c) {
    mml_classic_t m;
    mml_error_t err;
    err.msg[0] = 0;
    mml_status_t st = mml_classic_load(&m, c->blob, c->len, &err);
    CHECK(st == MML_OK, "%s: load: %s", c->name, err.msg);
    if (st != MML_OK) {
        return;
    }
    CHECK(m.n_features == c->n_features, "%s: n_features %u", c->name, m.n_features);
    static float scratch[MAX_FLOATS]; // test-only buffer; the core itself has no statics
    float out[MAX_FLOATS];
    CHECK(mml_classic_scratch_floats(&m) <= MAX_FLOATS, "%s: scratch", c->name);
    uint32_t wrong = 0, ties = 0;
    for (uint32_t k = 0; k < c->n_samples; k++) {
        const float *x = c->x + (size_t)k * c->n_features;
        if (c->labels != NULL) {
            int32_t label = m.classes[mml_classic_predict_class(&m, x, scratch)];
            if (label != c->labels[k]) {
                ties += c->ties[k];
                wrong += !c->ties[k];
            }
        }
        for (int r = 0; r < 3 && c->refs[r].values != NULL; r++) {
            const classic_ref_t *ref = &c->refs[r];
            CHECK(mml_classic_outputs(&m, (mml_classic_what_t)ref->what) == ref->width,
                "%s: outputs of %d", c->name, ref->what);
            CHECK(mml_classic_run(&m, (mml_classic_what_t)ref->what, x, out, scratch) == MML_OK,
                "%s: run", c->name);
            for (uint32_t j = 0; j < ref->width; j++) {
                float want = ref->values[(size_t)k * ref->width + j];
                CHECK(close_enough(out[j], want), "%s: sample %u what %d value %u: %g, want %g",
                    c->name, k, ref->what, j, (double)out[j], (double)want);
            }
        }
    }
    CHECK(wrong == 0, "%s: %u labels differ from scikit-learn", c->name, wrong);
    CHECK(ties <= c->n_samples / 100, "%s: %u near-ties", c->name, ties);
}

// Truncations and bit flips: a clear refusal or a model that runs; never a bad read.
static void check_damage(const classic_case_t *c) {
    uint8_t *copy = malloc(c->len);
    float scratch[MAX_FLOATS], out[MAX_FLOATS];
    memcpy(copy, c->blob, c->len);
    mml_classic_t m;
    mml_error_t err;
    uint32_t refused = 0;
    for (uint32_t n = 0; n < c->len; n++) {
        uint8_t *t = malloc(n > 0 ? n : 1); // exactly n bytes: ASan sees any read past them
        memcpy(t, copy, n);
        err.msg[0] = 0;
        refused += mml_classic_load(&m, t, n, &err) != MML_OK && err.msg[0] != 0;
        free(t);
    }
    CHECK(refused == c->len, "%s: %u of %u truncations refused with a message", c->name, refused,
        c->len);
    uint32_t seed = 12345;
    for (int i = 0; i < 3000; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t at = (seed >> 8) % c->len;
        uint8_t bit = (uint8_t)(1u << ((seed >> 4) & 7));
        copy[at] ^= bit;
        if (mml_classic_load(&m, copy, c->len, &err) == MML_OK &&
            mml_classic_scratch_floats(&m) <= MAX_FLOATS && m.max_width <= MAX_FLOATS) {
            for (int what = 0; what < MML_CLASSIC_WHAT_COUNT; what++) {
                if (mml_classic_outputs(&m, (mml_classic_what_t)what) > 0) {
                    mml_classic_run(&m, (mml_classic_what_t)what, c->x, out, scratch);
                }
            }
            if (m.task == MML_CLASSIC_CLASSIFIER) {
                CHECK(mml_classic_predict_class(&m, c->x, scratch) < m.n_classes, "%s: class",
                    c->name);
            }
        }
        copy[at] ^= bit;
    }
    free(copy);
}

static void check_errors(void) {
    const classic_case_t *c = &classic_cases[0];
    uint8_t *b = malloc(c->len);
    memcpy(b, c->blob, c->len);
    mml_classic_t m;
    mml_error_t err;
    b[4] = 7;
    CHECK(mml_classic_load(&m, b, c->len, &err) == MML_ERR_UNSUPPORTED &&
            strstr(err.msg, "format version 7") != NULL,
        "version: %s", err.msg);
    b[4] = ((const uint8_t *)c->blob)[4]; // the version written
    b[0] = 'X';
    CHECK(mml_classic_load(&m, b, c->len, &err) == MML_ERR_INVALID_MODEL &&
            strstr(err.msg, "MMLC") != NULL,
        "magic: %s", err.msg);
    b[0] = 'M';
    CHECK(mml_classic_load(&m, b, c->len, &err) == MML_OK, "restored: %s", err.msg);
    CHECK(mml_classic_run(&m, MML_CLASSIC_TRANSFORM, c->x, NULL, NULL) == MML_ERR_INVALID_ARG,
        "a classifier has no transform");
    free(b);
}

// A hand-made 3-tree forest of one-leaf trees whose class sums are s0 < s1: predict must give
// the argmax of the averaged values s / 3 (the first class on ties), as scikit-learn's
// predict_proba then argmax, although it compares the undivided sums (forest_argmax).
static uint32_t forest_class(uint32_t s0_bits, uint32_t s1_bits, float proba[2]) {
    uint32_t b[37] = {0};
    memcpy(b, "MMLC", 4);
    b[1] = 1u | 1u << 16; // version 1, one stage
    b[2] = sizeof(b);
    b[3] = 1; // classifier
    b[4] = 1; // one feature
    b[5] = 2; // two classes
    b[6] = 1; // one target
    b[8] = 0; // classes 0, 1
    b[9] = 1;
    b[10] = 1; // stage: trees, param 0 (mean of leaves)
    b[11] = sizeof(b) - 40;
    b[12] = 1; // n_in
    b[13] = 2; // n_out
    uint32_t *body = b + 14;
    body[0] = 3; // trees
    body[1] = 3; // nodes
    body[2] = 2; // leaves
    body[3] = 0; // roots: 0, 1, 2, end 3
    body[4] = 1;
    body[5] = 2;
    body[6] = 3;
    for (uint32_t k = 0; k < 3; k++) { // node k: a leaf (feature -1), leaf 0 for tree 0 else 1
        body[7 + 4 * k] = 0xffffffffu;
        body[7 + 4 * k + 2] = k == 0 ? 0 : 1;
    }
    body[19] = s0_bits; // leaf 0: (s0, s1); leaf 1: (0, 0)
    body[20] = s1_bits;
    mml_classic_t m;
    mml_error_t err;
    float x[1] = {0.0f}, scratch[16];
    CHECK(mml_classic_load(&m, b, sizeof(b), &err) == MML_OK, "forest blob: %s", err.msg);
    CHECK(mml_classic_run(&m, MML_CLASSIC_PROBA, x, proba, scratch) == MML_OK, "forest proba");
    return mml_classic_predict_class(&m, x, scratch);
}

static void check_forest_ties(void) {
    float p[2];
    // 1.7499999f / 3 == 1.75f / 3 in float32: the averaged values tie, class 0 comes first.
    uint32_t c = forest_class(0x3fdfffffu, 0x3fe00000u, p);
    CHECK(p[0] == p[1] && c == 0, "tied averages: class %u, proba %.9g %.9g", c, (double)p[0],
        (double)p[1]);
    // 1.7499998f / 3 < 1.7499999f / 3: class 1.
    c = forest_class(0x3fdffffeu, 0x3fdfffffu, p);
    CHECK(p[0] < p[1] && c == 1, "distinct averages: class %u, proba %.9g %.9g", c, (double)p[0],
        (double)p[1]);
    // The larger sum first: class 0 either way.
    c = forest_class(0x3fe00000u, 0x3fdfffffu, p);
    CHECK(p[0] == p[1] && c == 0, "tied averages, first larger: class %u", c);
}

int main(void) {
    check_forest_ties();
    for (size_t i = 0; i < N_CASES; i++) {
        check_case(&classic_cases[i]);
        check_damage(&classic_cases[i]);
    }
    check_errors();
    return mml_test_done("test_classic");
}
