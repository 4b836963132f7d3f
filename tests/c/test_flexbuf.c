// SPDX-License-Identifier: MIT
// The FlexBuffers reader (src/core/flexbuf.c) on buffers from an independent encoder
// (test_flexbuf_data.h, from tests/c/test_flexbuf_gen.py: every value read back as encoded), then
// on every truncation and many single-byte corruptions of them, and on hand-broken layouts.
#include <math.h>
#include <string.h>
#include "core/flexbuf.h"
#include "mml_test.h"

enum {
    CHECK_INT,
    CHECK_FLOAT,
    CHECK_BOOL,
    CHECK_STRING,
    CHECK_BLOB,
    CHECK_SIZE,
    CHECK_NULL,
    CHECK_ABSENT,
    CHECK_NOT_INT,
    CHECK_MAP_KEY
};

typedef struct {
    const char *path; // "/key/3/key" from the root; "...#i": key i of the map at "..."
    int kind;
    int64_t i;
    double f;
    const char *s;
    uint32_t n;
} check_t;

typedef struct {
    const char *name;
    const uint8_t *data;
    uint32_t len;
    const check_t *checks;
    uint32_t n_checks;
} flex_case_t;

#include "test_flexbuf_data.h"

// Follows path from root: 1 with *out (and *key_index >= 0 for a "#i" suffix), 0 if the last
// map lookup found no such key, -1 if a step failed.
static int resolve(const mml__flex_t *root, const char *path, mml__flex_t *out, int *key_index) {
    mml__flex_t cur = *root;
    *key_index = -1;
    while (*path) {
        if (*path == '#') {
            *key_index = atoi(path + 1);
            break;
        }
        // *path == '/': the next segment up to '/', '#' or the end.
        const char *seg = ++path;
        while (*path && *path != '/' && *path != '#') {
            path++;
        }
        char name[64];
        size_t n = (size_t)(path - seg);
        if (n >= sizeof(name)) {
            return -1;
        }
        memcpy(name, seg, n);
        name[n] = 0;
        mml__flex_t next;
        if (cur.type == MML__FLEX_MAP) {
            int found = mml__flex_find(&cur, name, &next);
            if (found != MML__FLEX_FOUND) {
                return found == MML__FLEX_ABSENT && !*path ? 0 : -1;
            }
        } else if (!mml__flex_at(&cur, (uint32_t)atoi(name), &next)) {
            return -1;
        }
        cur = next;
    }
    *out = cur;
    return 1;
}

static void run_check(const flex_case_t *c, const mml__flex_t *root, const check_t *k) {
    mml__flex_t r;
    int key_index;
    int found = resolve(root, k->path, &r, &key_index);
    if (k->kind == CHECK_ABSENT) {
        CHECK(found == 0, "%s %s: expected absent, got %d", c->name, k->path, found);
        return;
    }
    CHECK(found == 1, "%s %s: not found (%d)", c->name, k->path, found);
    if (found != 1) {
        return;
    }
    int64_t i = 0;
    double f = 0;
    bool b = false;
    const char *s = NULL;
    const uint8_t *p = NULL;
    uint32_t n = 0;
    switch (k->kind) {
        case CHECK_INT:
            CHECK(mml__flex_int(&r, &i) && i == k->i, "%s %s: int %lld, want %lld", c->name,
                k->path, (long long)i, (long long)k->i);
            if ((double)k->i ==
                (double)(int64_t)(double)k->i) { // exactly representable: as a double
                CHECK(mml__flex_float(&r, &f) && f == (double)k->i, "%s %s: as float %g", c->name,
                    k->path, f);
            }
            break;
        case CHECK_FLOAT:
            CHECK(mml__flex_float(&r, &f) && f == k->f, "%s %s: float %.17g, want %.17g", c->name,
                k->path, f, k->f);
            if (fabs(k->f) < 9e18) { // AsInt64: truncation toward zero
                CHECK(mml__flex_int(&r, &i) && i == (int64_t)k->f, "%s %s: float as int %lld",
                    c->name, k->path, (long long)i);
            }
            break;
        case CHECK_BOOL:
            CHECK(r.type == MML__FLEX_BOOL && mml__flex_bool(&r, &b) && b == (k->i != 0),
                "%s %s: bool", c->name, k->path);
            CHECK(mml__flex_int(&r, &i) && i == k->i, "%s %s: bool as int", c->name, k->path);
            break;
        case CHECK_STRING:
            CHECK(mml__flex_string(&r, &s, &n) && n == k->n && memcmp(s, k->s, n) == 0 && s[n] == 0,
                "%s %s: string of %u bytes, want %u", c->name, k->path, n, k->n);
            CHECK(!mml__flex_int(&r, &i) && !mml__flex_float(&r, &f), "%s %s: string as number",
                c->name, k->path);
            break;
        case CHECK_BLOB:
            CHECK(r.type == MML__FLEX_BLOB && mml__flex_blob(&r, &p, &n) && n == k->n &&
                    memcmp(p, k->s, n) == 0,
                "%s %s: blob of %u bytes, want %u", c->name, k->path, n, k->n);
            CHECK(!mml__flex_string(&r, &s, &n), "%s %s: blob as string", c->name, k->path);
            break;
        case CHECK_SIZE:
            CHECK(mml__flex_size(&r, &n) && n == (uint32_t)k->i, "%s %s: size %u, want %lld",
                c->name, k->path, n, (long long)k->i);
            CHECK(!mml__flex_at(&r, (uint32_t)k->i, &r), "%s %s: element past the end", c->name,
                k->path);
            CHECK(!mml__flex_int(&r, &i), "%s %s: vector as int", c->name, k->path);
            break;
        case CHECK_NULL:
            CHECK(r.type == MML__FLEX_NULL && !mml__flex_int(&r, &i) && !mml__flex_float(&r, &f) &&
                    !mml__flex_string(&r, &s, &n),
                "%s %s: null", c->name, k->path);
            break;
        case CHECK_NOT_INT:
            CHECK(!mml__flex_int(&r, &i), "%s %s: read %lld as int64", c->name, k->path,
                (long long)i);
            break;
        case CHECK_MAP_KEY:
            CHECK(key_index >= 0 && mml__flex_key_at(&r, (uint32_t)key_index, &s, &n) &&
                    n == k->n && memcmp(s, k->s, n) == 0,
                "%s %s: key", c->name, k->path);
            break;
    }
}

// Calls every reader on every value reachable from r; returns how many values it visited.
// Offsets point strictly backwards, so this ends; the budget bounds shared (DAG) subtrees.
static uint32_t walk(const mml__flex_t *r, uint32_t depth, uint32_t *budget) {
    if (depth > 64 || *budget == 0) {
        return 0;
    }
    --*budget;
    int64_t i;
    double f;
    bool b;
    const char *s;
    const uint8_t *p;
    uint32_t n, visited = 1;
    if (mml__flex_string(r, &s, &n)) {
        CHECK(s[n] == 0, "string not NUL-terminated");
    }
    if (mml__flex_blob(r, &p, &n) && n) {
        volatile uint8_t last = p[n - 1]; // ASan: inside the buffer
        (void)last;
    }
    (void)mml__flex_int(r, &i);
    (void)mml__flex_float(r, &f);
    (void)mml__flex_bool(r, &b);
    if (mml__flex_size(r, &n)) {
        for (uint32_t k = 0; k < n && k < 64; k++) {
            mml__flex_t e;
            if (mml__flex_at(r, k, &e)) {
                visited += walk(&e, depth + 1, budget);
            }
            if (mml__flex_key_at(r, k, &s, &n) && r->type == MML__FLEX_MAP) {
                mml__flex_t v;
                (void)mml__flex_find(r, s, &v);
            }
            if (!mml__flex_size(r, &n)) { // n was reused by key_at
                break;
            }
        }
    }
    return visited;
}

static void test_encoded(void) {
    for (size_t c = 0; c < sizeof(flex_cases) / sizeof(flex_cases[0]); c++) {
        const flex_case_t *fc = &flex_cases[c];
        mml__flex_t root;
        CHECK(mml__flex_root(fc->data, fc->len, &root), "%s: root", fc->name);
        for (uint32_t k = 0; k < fc->n_checks; k++) {
            run_check(fc, &root, &fc->checks[k]);
        }
    }
}

// The options of TFLite_Detection_PostProcess through the typed getters.
static void test_getters(void) {
    const flex_case_t *fc = &flex_cases[0];
    mml__flex_t map;
    CHECK(mml__flex_root(fc->data, fc->len, &map) && map.type == MML__FLEX_MAP, "root map");
    int64_t i;
    double f;
    bool b = true;
    CHECK(mml__flex_get_int(&map, "max_detections", -1, &i) && i == 10, "max_detections");
    CHECK(mml__flex_get_int(&map, "no_such", -1, &i) && i == -1, "default int");
    CHECK(mml__flex_get_float(&map, "nms_iou_threshold", 0, &f) && (float)f == 0.6f, "iou");
    CHECK(mml__flex_get_float(&map, "y_scale", 0, &f) && f == 10.0, "y_scale");
    CHECK(mml__flex_get_float(&map, "absent", 2.5, &f) && f == 2.5, "default float");
    CHECK(mml__flex_get_bool(&map, "use_regular_nms", true, &b) && !b, "use_regular_nms");
    CHECK(mml__flex_get_bool(&map, "absent", true, &b) && b, "default bool");
    // A vector is no map: every getter fails rather than answering the default.
    mml__flex_t vec;
    const flex_case_t *mixed = NULL;
    for (size_t c = 0; c < sizeof(flex_cases) / sizeof(flex_cases[0]); c++) {
        if (strcmp(flex_cases[c].name, "mixed_vector") == 0) {
            mixed = &flex_cases[c];
        }
    }
    CHECK(mixed && mml__flex_root(mixed->data, mixed->len, &vec), "mixed_vector case");
    if (mixed) {
        CHECK(!mml__flex_get_int(&vec, "x", 0, &i) &&
                mml__flex_find(&vec, "x", &vec) == MML__FLEX_BAD,
            "lookup in a vector");
    }
}

// Every prefix and many one-byte changes of every buffer: the reader refuses or reads inside.
static void test_damaged(void) {
    static const uint8_t values[] = {0x00, 0x01, 0x03, 0x7f, 0x80, 0xff};
    uint32_t roots = 0, visited = 0;
    for (size_t c = 0; c < sizeof(flex_cases) / sizeof(flex_cases[0]); c++) {
        const flex_case_t *fc = &flex_cases[c];
        uint8_t *buf = malloc(fc->len);
        for (uint32_t len = 0; len < fc->len; len++) {
            // A fresh malloc of exactly len bytes: ASan catches any read past it.
            uint8_t *cut = malloc(len ? len : 1);
            memcpy(cut, fc->data, len);
            mml__flex_t r;
            uint32_t budget = 4096;
            if (mml__flex_root(cut, len, &r)) {
                roots++;
                visited += walk(&r, 0, &budget);
            }
            free(cut);
        }
        if (fc->len > 600) {
            free(buf);
            continue;
        }
        for (uint32_t pos = 0; pos < fc->len; pos++) {
            for (size_t v = 0; v < sizeof(values); v++) {
                memcpy(buf, fc->data, fc->len);
                buf[pos] = values[v];
                mml__flex_t r;
                uint32_t budget = 4096;
                if (mml__flex_root(buf, fc->len, &r)) {
                    roots++;
                    visited += walk(&r, 0, &budget);
                }
            }
        }
        free(buf);
    }
    CHECK(roots > 1000 && visited > roots, "damaged buffers: %u roots, %u values", roots, visited);
}

// Layouts broken by hand, from the encoding of "hello": [5] h e l l o [0] | slot 6, type 0x14
// (STRING, 1-byte size), root width 1.
// A vector whose body would run past the slot that refers to it (an element or type byte at or
// after the slot could make the vector its own element): refused. Built from [1, 2]: [2] 1 2
// [INT INT] | slot 4, VECTOR, width 1; then the size is raised to 3.
static void test_no_cycle(void) {
    static const uint8_t pair[] = {2, 1, 2, 0x04, 0x04, 4, 0x28, 1};
    uint8_t b[sizeof(pair)];
    mml__flex_t r, e;
    uint32_t n;
    int64_t v;
    memcpy(b, pair, sizeof(b));
    CHECK(mml__flex_root(b, sizeof(b), &r) && mml__flex_size(&r, &n) && n == 2 &&
            mml__flex_at(&r, 1, &e) && mml__flex_int(&e, &v) && v == 2,
        "[1, 2]");
    b[0] = 3;
    CHECK(mml__flex_root(b, sizeof(b), &r) && !mml__flex_size(&r, &n) && !mml__flex_at(&r, 0, &e),
        "vector over its own slot");
}

static void test_broken(void) {
    static const uint8_t hello[] = {5, 'h', 'e', 'l', 'l', 'o', 0, 6, 0x14, 1};
    uint8_t b[sizeof(hello)];
    mml__flex_t r;
    const char *s;
    uint32_t n;
    memcpy(b, hello, sizeof(b));
    CHECK(mml__flex_root(b, sizeof(b), &r) && mml__flex_string(&r, &s, &n) && n == 5 &&
            memcmp(s, "hello", 5) == 0,
        "hello");
    CHECK(!mml__flex_root(b, 2, &r), "too short for a root");
    b[9] = 3; // root width 3
    CHECK(!mml__flex_root(b, sizeof(b), &r), "root width 3");
    b[9] = 16; // root wider than the buffer
    CHECK(!mml__flex_root(b, sizeof(b), &r), "root width 16");
    memcpy(b, hello, sizeof(b));
    b[7] = 0; // offset 0: the string starts at its own slot: size byte 6 (0), then the slot (0)
    CHECK(mml__flex_root(b, sizeof(b), &r) && mml__flex_string(&r, &s, &n) && n == 0, "offset 0");
    b[7] = 9; // offset past the buffer's start
    CHECK(mml__flex_root(b, sizeof(b), &r) && !mml__flex_string(&r, &s, &n), "offset too far");
    memcpy(b, hello, sizeof(b));
    b[6] = 'x'; // no NUL after the bytes
    CHECK(mml__flex_root(b, sizeof(b), &r) && !mml__flex_string(&r, &s, &n), "no NUL");
    memcpy(b, hello, sizeof(b));
    b[0] = 200; // size past the buffer's end
    CHECK(mml__flex_root(b, sizeof(b), &r) && !mml__flex_string(&r, &s, &n), "size too big");
    memcpy(b, hello, sizeof(b));
    b[8] = 0x15; // STRING with 2-byte size prefix: the prefix would start before byte 0
    CHECK(mml__flex_root(b, sizeof(b), &r) && !mml__flex_string(&r, &s, &n), "prefix before 0");
    b[8] = (uint8_t)(15 << 2); // the deprecated string vector type
    CHECK(!mml__flex_root(b, sizeof(b), &r), "type 15 refused");
    b[8] = (uint8_t)(40 << 2); // no such type
    CHECK(!mml__flex_root(b, sizeof(b), &r), "type 40 refused");
}

int main(void) {
    test_encoded();
    test_getters();
    test_damaged();
    test_broken();
    test_no_cycle();
    return mml_test_done("test_flexbuf");
}
