// SPDX-License-Identifier: MIT
// Host harness for benchmarks/run: one model, one input vector, counted under callgrind.
//   bench_host MODEL IN.bin [--per-op]
// Loads, plans and prepares MODEL, copies IN.bin into the input tensors (all inputs
// concatenated in input order, as the TFLM vectors store them), runs one warm-up inference,
// then runs the measured inference inside bench_invoke(), a separately named non-inlined
// function: `valgrind --tool=callgrind --toggle-collect=bench_invoke` counts exactly that call
// and everything it calls (mml_model_invoke), like TFLM's figures count Invoke() alone.
// --per-op: afterwards runs each op once more through bench_op() and, under callgrind, dumps
// the counters after each op (CALLGRIND_DUMP_STATS_AT "op N"), for a per-op breakdown.
// Prints the output bytes as hex on stdout, so the caller can check them against the vector.
// aligned_alloc is C11; the harness is compiled with -std=c99 like the core.
#define _ISOC11_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>
#include "microml/microml.h"

static uint8_t *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}

__attribute__((noinline)) mml_status_t bench_invoke(mml_model_t *m, mml_error_t *err);
__attribute__((noinline)) mml_status_t bench_invoke(mml_model_t *m, mml_error_t *err) {
    mml_status_t st = mml_model_invoke(m, err);
    __asm__ volatile("" ::: "memory"); // keep the call (and this function) as it is
    return st;
}

__attribute__((noinline)) mml_status_t bench_op(mml_model_t *m, uint32_t op, mml_error_t *err);
__attribute__((noinline)) mml_status_t bench_op(mml_model_t *m, uint32_t op, mml_error_t *err) {
    mml_status_t st = mml_model_invoke_op(m, op, err);
    __asm__ volatile("" ::: "memory");
    return st;
}

// Copies the vector into the input tensors (the planner may reuse their space during an
// inference, so this is done before every inference).
static int set_inputs(mml_model_t *m, const uint8_t *in, size_t in_len) {
    size_t at = 0;
    for (uint32_t i = 0; i < m->n_inputs; i++) {
        mml_tensor_info_t t;
        mml_model_input_info(m, i, &t);
        if (at + t.bytes > in_len) {
            return 1;
        }
        memcpy(mml_model_input_data(m, i), in + at, t.bytes);
        at += t.bytes;
    }
    return 0;
}

static int fail(const char *what, const char *msg) {
    fprintf(stderr, "bench_host: %s: %s\n", what, msg);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: bench_host MODEL IN.bin [--per-op]\n");
        return 2;
    }
    int per_op = argc > 3 && strcmp(argv[3], "--per-op") == 0;
    size_t len = 0, in_len = 0;
    uint8_t *buf = read_all(argv[1], &len);
    uint8_t *in = read_all(argv[2], &in_len);
    if (!buf || !in) {
        return fail(!buf ? argv[1] : argv[2], "cannot read");
    }
    static mml_model_t m;
    mml_error_t err;
    if (mml_model_load(&m, buf, len, &err) != MML_OK) {
        return fail("load", err.msg);
    }
    void *work = malloc(mml_model_work_size(&m) + 8);
    if (!work || mml_model_plan(&m, work, mml_model_work_size(&m), &err) != MML_OK) {
        return fail("plan", work ? err.msg : "out of memory");
    }
    uint8_t *arena = aligned_alloc(16, (m.arena_bytes + 15) / 16 * 16 + 16);
    if (!arena || mml_model_prepare(&m, work, arena, m.arena_bytes, &err) != MML_OK) {
        return fail("prepare", arena ? err.msg : "out of memory");
    }
    if (set_inputs(&m, in, in_len)) {
        return fail(argv[2], "shorter than the model's inputs");
    }
    if (mml_model_invoke(&m, &err) != MML_OK) { // warm-up (not counted)
        return fail("invoke", err.msg);
    }
    // The warm-up may have changed variable tensors (recurrent state): start from prepare's
    // state again, as TFLM's figure (a fresh interpreter per vector) does.
    mml_model_reset(&m);
    set_inputs(&m, in, in_len);
    if (bench_invoke(&m, &err) != MML_OK) { // the measured inference
        return fail("invoke", err.msg);
    }
    for (uint32_t i = 0; i < m.n_outputs; i++) {
        mml_tensor_info_t t;
        mml_model_output_info(&m, i, &t);
        const uint8_t *d = mml_model_output_data(&m, i);
        for (uint32_t k = 0; k < t.bytes; k++) {
            printf("%02x", d[k]);
        }
    }
    printf("\n");
    if (per_op) {
        mml_model_reset(&m);
        set_inputs(&m, in, in_len);
        char name[32];
        CALLGRIND_ZERO_STATS;
        for (uint32_t i = 0; i < m.n_ops; i++) {
            if (bench_op(&m, i, &err) != MML_OK) {
                return fail("invoke_op", err.msg);
            }
            snprintf(name, sizeof(name), "op %u", (unsigned)i);
            CALLGRIND_DUMP_STATS_AT(name);
        }
    }
    free(arena);
    free(work);
    free(in);
    free(buf);
    return 0;
}
