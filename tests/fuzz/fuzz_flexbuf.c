// SPDX-License-Identifier: MIT
// libFuzzer target: arbitrary bytes as a FlexBuffer (TFLite custom-op options) through every
// reader of src/core/flexbuf.h, walking every value reachable from the root. Built with clang
// -fsanitize=fuzzer,address,undefined; seeded with FlexBuffers from tests/fuzz/flexbuf_seeds.py.
#include <stdlib.h>
#include <string.h>
#include "core/flexbuf.h"

static void walk(const mml__flex_t *r, unsigned depth, unsigned *budget) {
    if (depth > 64 || *budget == 0) {
        return;
    }
    --*budget;
    int64_t i;
    double f;
    bool b;
    const char *s;
    const uint8_t *p;
    uint32_t n;
    if (mml__flex_string(r, &s, &n) && s[n] != 0) {
        abort(); // promised NUL-terminated
    }
    if (mml__flex_blob(r, &p, &n) && n) {
        volatile uint8_t last = p[n - 1];
        (void)last;
    }
    (void)mml__flex_int(r, &i);
    (void)mml__flex_float(r, &f);
    (void)mml__flex_bool(r, &b);
    (void)mml__flex_get_int(r, "max_detections", 0, &i);
    (void)mml__flex_get_float(r, "y_scale", 0.0, &f);
    (void)mml__flex_get_bool(r, "use_regular_nms", false, &b);
    uint32_t size;
    if (!mml__flex_size(r, &size)) {
        return;
    }
    for (uint32_t k = 0; k < size && k < 256; k++) {
        mml__flex_t e;
        if (mml__flex_at(r, k, &e)) {
            walk(&e, depth + 1, budget);
        }
        if (mml__flex_key_at(r, k, &s, &n)) {
            mml__flex_t v;
            if (mml__flex_find(r, s, &v) == MML__FLEX_ABSENT) {
                abort(); // a map's own key is found (or an earlier key is malformed)
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > (1u << 20)) {
        return 0;
    }
    // An exact-size copy: ASan catches any read past the end.
    uint8_t *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);
    mml__flex_t root;
    unsigned budget = 20000;
    if (mml__flex_root(buf, (uint32_t)size, &root)) {
        walk(&root, 0, &budget);
    }
    free(buf);
    return 0;
}
