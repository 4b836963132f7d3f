// SPDX-License-Identifier: MIT
// Conformance: every public vector of every model in tests/supported_models.txt, through the C API,
// against the outputs TensorFlow Lite Micro produced (../shared/vectors). Integer outputs must be
// byte-identical, float32 within 1e-4 relative or 1e-6 absolute. Multi-invocation vectors run
// their frames one after another on one prepared model (state carried).
#include <math.h>
#include <string.h>
#include "microml/microml.h"
#include "mml_test.h"

// Finds the next "key": "value" string after *at in json; copies value into out.
static int json_next_str(const char *json, const char **at, const char *key, char *out,
    size_t cap) {
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\": \"", key);
    const char *p = strstr(*at, pat);
    if (!p) {
        return 0;
    }
    p += strlen(pat);
    const char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= cap) {
        return 0;
    }
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = 0;
    *at = e;
    (void)json;
    return 1;
}

static long json_next_int(const char **at, const char *key) {
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\": ", key);
    const char *p = strstr(*at, pat);
    if (!p) {
        return -1;
    }
    return strtol(p + strlen(pat), NULL, 10);
}

static int outputs_match(const mml_model_t *m, const unsigned char *expect, const char *what) {
    size_t at = 0;
    for (uint32_t i = 0; i < m->n_outputs; i++) {
        mml_tensor_info_t t;
        mml_model_output_info(m, i, &t);
        const unsigned char *got = mml_model_output_data(m, i);
        if (t.dtype == MML_FLOAT32) {
            for (uint32_t k = 0; k < t.bytes / 4; k++) {
                float a, b;
                memcpy(&a, got + 4 * k, 4);
                memcpy(&b, expect + at + 4 * k, 4);
                float diff = fabsf(a - b);
                if (!(diff <= 1e-6f || diff <= 1e-4f * fabsf(b))) {
                    fprintf(stderr, "%s: output %u[%u] = %.9g, expected %.9g\n", what, i, k,
                        (double)a, (double)b);
                    return 0;
                }
            }
        } else if (memcmp(got, expect + at, t.bytes) != 0) {
            for (uint32_t k = 0; k < t.bytes; k++) {
                if (got[k] != expect[at + k]) {
                    fprintf(stderr, "%s: output %u byte %u = %d, expected %d\n", what, i, k, got[k],
                        expect[at + k]);
                    break;
                }
            }
            return 0;
        }
        at += t.bytes;
    }
    return 1;
}

static void run_model(const char *vectors_dir, const char *shared_dir, const char *name) {
    char path[4096], model_path[2048], rel[512];
    snprintf(path, sizeof(path), "%s/%s/meta.json", vectors_dir, name);
    size_t meta_len;
    char *meta = (char *)mml_test_read(path, &meta_len);
    CHECK(meta != NULL, "cannot read %s", path);
    if (!meta) {
        return;
    }
    meta = realloc(meta, meta_len + 1);
    meta[meta_len] = 0;
    const char *at = meta;
    // "model_path" comes last in meta.json; search from the start.
    const char *mp = strstr(meta, "\"model_path\"");
    CHECK(mp && json_next_str(meta, &mp, "model_path", rel, sizeof(rel)), "%s: no model_path",
        name);
    if (!mp) {
        free(meta);
        return;
    }
    snprintf(model_path, sizeof(model_path), "%s/%s", shared_dir, rel);
    size_t model_len;
    unsigned char *bytes = mml_test_read(model_path, &model_len);
    CHECK(bytes != NULL, "cannot read %s", model_path);
    mml_model_t m;
    mml_error_t err;
    void *work = NULL;
    unsigned char *arena = NULL;
    int ok = bytes && mml_model_load(&m, bytes, model_len, &err) == MML_OK;
    if (ok) {
        work = malloc(mml_model_work_size(&m) + 8);
        ok = mml_model_plan(&m, work, mml_model_work_size(&m), &err) == MML_OK;
    }
    if (ok) {
        arena = malloc(m.arena_bytes);
        ok = mml_model_prepare(&m, work, arena, m.arena_bytes, &err) == MML_OK;
    }
    CHECK(ok, "%s: %s", name, err.msg);
    char in_rel[256], out_rel[256];
    int n_vectors = 0;
    while (ok && json_next_str(meta, &at, "in", in_rel, sizeof(in_rel))) {
        if (!json_next_str(meta, &at, "out", out_rel, sizeof(out_rel))) {
            break;
        }
        if (strncmp(in_rel, "public/", 7) != 0) {
            continue;
        }
        long frames = json_next_int(&at, "invocations");
        frames = frames < 1 ? 1 : frames;
        size_t in_len, out_len;
        snprintf(path, sizeof(path), "%s/%s/%s", vectors_dir, name, in_rel);
        unsigned char *in = mml_test_read(path, &in_len);
        snprintf(path, sizeof(path), "%s/%s/%s", vectors_dir, name, out_rel);
        unsigned char *out = mml_test_read(path, &out_len);
        size_t in_frame = 0, out_frame = 0;
        for (uint32_t i = 0; i < m.n_inputs; i++) {
            mml_tensor_info_t t;
            mml_model_input_info(&m, i, &t);
            in_frame += t.bytes;
        }
        for (uint32_t i = 0; i < m.n_outputs; i++) {
            mml_tensor_info_t t;
            mml_model_output_info(&m, i, &t);
            out_frame += t.bytes;
        }
        int good = in && out && in_len == in_frame * (size_t)frames &&
            out_len == out_frame * (size_t)frames;
        CHECK(good, "%s %s: vector sizes %zu/%zu do not fit the model (%zu/%zu x %ld)", name,
            in_rel, in_len, out_len, in_frame, out_frame, frames);
        mml_model_reset(&m);
        for (long f = 0; good && f < frames; f++) {
            size_t pos = in_frame * (size_t)f;
            for (uint32_t i = 0; i < m.n_inputs; i++) {
                mml_tensor_info_t t;
                mml_model_input_info(&m, i, &t);
                memcpy(mml_model_input_data(&m, i), in + pos, t.bytes);
                pos += t.bytes;
            }
            mml_status_t st = mml_model_invoke(&m, &err);
            CHECK(st == MML_OK, "%s %s: %s", name, in_rel, err.msg);
            char what[4096];
            snprintf(what, sizeof(what), "%s %s frame %ld", name, in_rel, f);
            good = st == MML_OK && outputs_match(&m, out + out_frame * (size_t)f, what);
        }
        CHECK(good, "%s %s: outputs differ from TFLM", name, in_rel);
        n_vectors++;
        free(in);
        free(out);
    }
    CHECK(!ok || n_vectors > 0, "%s: no public vectors", name);
    printf("  %-24s %d vectors, arena %u bytes (32-bit: %u)\n", name, n_vectors,
        ok ? m.arena_bytes : 0, ok ? m.arena_bytes_32 : 0);
    free(arena);
    free(work);
    free(bytes);
    free(meta);
}

int main(int argc, char **argv) {
    const char *list = argc > 1 ? argv[1] : "tests/supported_models.txt";
    char shared[1024], vectors[1100], line[200];
    snprintf(shared, sizeof(shared), "%s/..", mml_test_data_dir());
    snprintf(vectors, sizeof(vectors), "%s/vectors", shared);
    FILE *f = fopen(list, "r");
    CHECK(f != NULL, "cannot read %s", list);
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n# ")] = 0;
        if (line[0]) {
            run_model(vectors, shared, line);
        }
    }
    if (f) {
        fclose(f);
    }
    return mml_test_done("test_vectors");
}
