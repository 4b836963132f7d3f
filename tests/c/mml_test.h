// SPDX-License-Identifier: MIT
// A minimal test harness for the C tests: CHECK records a failure with its location and goes on;
// mml_test_done() prints "N passed, N failed" and gives the exit status.
#ifndef MICROML_TESTS_MML_TEST_H
#define MICROML_TESTS_MML_TEST_H

#include <stdio.h>
#include <stdlib.h>

static int mml_test_passed, mml_test_failed;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (cond) {                                                         \
            mml_test_passed++;                                              \
        } else {                                                            \
            mml_test_failed++;                                              \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
        }                                                                   \
    } while (0)

static inline int mml_test_done(const char *name) {
    printf("%s: %d passed, %d failed\n", name, mml_test_passed, mml_test_failed);
    return mml_test_failed ? 1 : 0;
}

// The folder with ../shared/data (MICROML_DATA), and the vectors beside it.
static inline const char *mml_test_data_dir(void) {
    const char *d = getenv("MICROML_DATA");
    return d && *d ? d : "../shared/data";
}

// Reads a whole file (malloc'd, 16-byte aligned); NULL if it cannot.
static inline unsigned char *mml_test_read(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

#endif // MICROML_TESTS_MML_TEST_H
