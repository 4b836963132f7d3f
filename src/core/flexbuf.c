// SPDX-License-Identifier: MIT
// Bounds-checked FlexBuffers reader (see flexbuf.h). Layout, from FlexBuffers' documentation:
// the buffer ends with the root's slot, its packed type byte (type << 2 | log2 width) and the
// slot's width. A slot holds a scalar inline (NULL, INT, UINT, FLOAT, BOOL) or an unsigned offset
// back to the value. Out-of-line values: strings and blobs are [size][bytes](NUL); vectors are
// [size][elements][one packed type per element]; typed vectors [size][elements]; fixed typed
// vectors [elements]; maps [keys offset][keys width][size][values][types], the keys being a typed
// vector of KEYs (NUL-terminated strings). Sizes and elements have the value's byte width.
#include <string.h>
#include "core/flatbuf.h"
#include "core/flexbuf.h"
#include "microml/mml_config.h"
#if MML_ENABLE_FLEXBUF

static bool valid_width(uint32_t w) {
    return w == 1 || w == 2 || w == 4 || w == 8;
}

// Do n bytes from pos lie inside the buffer? (64-bit sums: no wrap-around.)
static bool inside(const mml__flex_t *r, uint64_t pos, uint64_t n) {
    return pos + n <= r->len;
}

static uint64_t rd_uint(const uint8_t *p, uint32_t w) {
    switch (w) {
        case 1:
            return p[0];
        case 2:
            return mml__rd_u16(p);
        case 4:
            return mml__rd_u32(p);
        default:
            return mml__rd_u64(p);
    }
}

static int64_t rd_int(const uint8_t *p, uint32_t w) {
    switch (w) {
        case 1:
            return (int8_t)p[0];
        case 2:
            return (int16_t)mml__rd_u16(p);
        case 4:
            return (int32_t)mml__rd_u32(p);
        default:
            return (int64_t)mml__rd_u64(p);
    }
}

static bool known_type(uint32_t t) {
    return t <= MML__FLEX_VECTOR_KEY || (t >= MML__FLEX_VECTOR_INT2 && t <= MML__FLEX_BOOL) ||
        t == MML__FLEX_VECTOR_BOOL;
}

// A reference to the value whose slot is `width` bytes at pos, with packed type byte `packed`.
static bool make_ref(const uint8_t *buf, uint32_t len, uint64_t pos, uint32_t width, uint8_t packed,
    mml__flex_t *out) {
    uint32_t type = packed >> 2;
    if (!valid_width(width) || pos + width > len || !known_type(type)) {
        return false;
    }
    out->buf = buf;
    out->len = len;
    out->pos = (uint32_t)pos;
    out->parent_width = (uint8_t)width;
    out->byte_width = (uint8_t)(1u << (packed & 3));
    out->type = (uint8_t)type;
    return true;
}

bool mml__flex_root(const uint8_t *buf, uint32_t len, mml__flex_t *out) {
    if (!buf || len < 3) {
        return false;
    }
    uint32_t width = buf[len - 1];
    if (!valid_width(width) || len < 2 + width) {
        return false;
    }
    return make_ref(buf, len, len - 2 - width, width, buf[len - 2], out);
}

// Where an out-of-line value starts: its slot's offset back from the slot (0 for an empty vector
// or map, whose body ends right where its slot is written).
static bool target(const mml__flex_t *r, uint32_t *t) {
    uint64_t off = rd_uint(r->buf + r->pos, r->parent_width);
    if (off > r->pos) {
        return false;
    }
    *t = r->pos - (uint32_t)off;
    return true;
}

// The size prefix of a value starting at t with byte width w.
static bool size_prefix(const mml__flex_t *r, uint32_t t, uint32_t w, uint32_t *n) {
    if (t < w) {
        return false;
    }
    uint64_t v = rd_uint(r->buf + t - w, w);
    if (v > r->len) { // no value can have more elements than the buffer has bytes
        return false;
    }
    *n = (uint32_t)v;
    return true;
}

// The scalar a numeric reference holds: its bytes and width, and INT/UINT/FLOAT/BOOL.
static bool scalar(const mml__flex_t *r, const uint8_t **p, uint32_t *w, uint32_t *kind) {
    switch (r->type) {
        case MML__FLEX_INT:
        case MML__FLEX_UINT:
        case MML__FLEX_FLOAT:
        case MML__FLEX_BOOL:
            *p = r->buf + r->pos;
            *w = r->parent_width;
            *kind = r->type;
            return true;
        case MML__FLEX_INDIRECT_INT:
        case MML__FLEX_INDIRECT_UINT:
        case MML__FLEX_INDIRECT_FLOAT: {
            uint32_t t;
            if (!target(r, &t) || !inside(r, t, r->byte_width)) {
                return false;
            }
            *p = r->buf + t;
            *w = r->byte_width;
            *kind = r->type - (MML__FLEX_INDIRECT_INT - MML__FLEX_INT);
            return true;
        }
        default:
            return false;
    }
}

static bool rd_float(const uint8_t *p, uint32_t w, double *v) {
    if (w == 4) {
        *v = (double)mml__rd_f32(p);
        return true;
    }
    if (w == 8) {
        uint64_t u = mml__rd_u64(p);
        memcpy(v, &u, sizeof(*v));
        return true;
    }
    return false; // FlexBuffers has no 8- or 16-bit floats
}

bool mml__flex_int(const mml__flex_t *r, int64_t *v) {
    const uint8_t *p;
    uint32_t w, kind;
    if (!scalar(r, &p, &w, &kind)) {
        return false;
    }
    if (kind == MML__FLEX_INT) {
        *v = rd_int(p, w);
        return true;
    }
    if (kind == MML__FLEX_FLOAT) {
        double d;
        // -2^63 <= d < 2^63, and not NaN: then the truncation is defined.
        if (!rd_float(p, w, &d) || !(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
            return false;
        }
        *v = (int64_t)d;
        return true;
    }
    uint64_t u = rd_uint(p, w); // UINT, BOOL
    if (u > (uint64_t)INT64_MAX) {
        return false;
    }
    *v = (int64_t)u;
    return true;
}

bool mml__flex_float(const mml__flex_t *r, double *v) {
    const uint8_t *p;
    uint32_t w, kind;
    if (!scalar(r, &p, &w, &kind)) {
        return false;
    }
    if (kind == MML__FLEX_FLOAT) {
        return rd_float(p, w, v);
    }
    *v = kind == MML__FLEX_INT ? (double)rd_int(p, w) : (double)rd_uint(p, w);
    return true;
}

bool mml__flex_bool(const mml__flex_t *r, bool *v) {
    const uint8_t *p;
    uint32_t w, kind;
    if (!scalar(r, &p, &w, &kind)) {
        return false;
    }
    if (kind == MML__FLEX_FLOAT) {
        double d;
        if (!rd_float(p, w, &d)) {
            return false;
        }
        *v = d != 0.0;
        return true;
    }
    *v = rd_uint(p, w) != 0;
    return true;
}

// A NUL-terminated key at t: its length, if the NUL is inside the buffer.
static bool key_len(const mml__flex_t *r, uint32_t t, uint32_t *n) {
    for (uint32_t i = t; i < r->len; i++) { // no memchr in the .mpy's libc
        if (r->buf[i] == 0) {
            *n = i - t;
            return true;
        }
    }
    return false;
}

bool mml__flex_string(const mml__flex_t *r, const char **s, uint32_t *n) {
    uint32_t t, len;
    if ((r->type != MML__FLEX_STRING && r->type != MML__FLEX_KEY) || !target(r, &t)) {
        return false;
    }
    if (r->type == MML__FLEX_KEY) {
        if (!key_len(r, t, &len)) {
            return false;
        }
    } else if (!size_prefix(r, t, r->byte_width, &len) || !inside(r, t, (uint64_t)len + 1) ||
        r->buf[t + len] != 0) {
        return false;
    }
    *s = (const char *)(r->buf + t);
    *n = len;
    return true;
}

bool mml__flex_blob(const mml__flex_t *r, const uint8_t **p, uint32_t *n) {
    uint32_t t, len;
    if ((r->type != MML__FLEX_BLOB && r->type != MML__FLEX_STRING) || !target(r, &t) ||
        !size_prefix(r, t, r->byte_width, &len) || !inside(r, t, len)) {
        return false;
    }
    *p = r->buf + t;
    *n = len;
    return true;
}

// The elements of a vector-like value: n of `width` bytes from data; typed: the element type
// (else 0: one packed type byte per element follows the elements).
typedef struct {
    uint32_t data, n, width, elem_type;
} vec_t;

static bool vector(const mml__flex_t *r, vec_t *v) {
    uint32_t t = r->type, w = r->byte_width;
    if (t == MML__FLEX_VECTOR || t == MML__FLEX_MAP ||
        (t >= MML__FLEX_VECTOR_INT && t <= MML__FLEX_VECTOR_KEY) || t == MML__FLEX_VECTOR_BOOL) {
        if (!target(r, &v->data) || !size_prefix(r, v->data, w, &v->n)) {
            return false;
        }
        v->elem_type = 0; // untyped
        if (t == MML__FLEX_VECTOR_BOOL) {
            v->elem_type = MML__FLEX_BOOL;
        } else if (t >= MML__FLEX_VECTOR_INT && t <= MML__FLEX_VECTOR_KEY) {
            v->elem_type = t - MML__FLEX_VECTOR_INT + MML__FLEX_INT;
        }
    } else if (t >= MML__FLEX_VECTOR_INT2 && t <= MML__FLEX_VECTOR_FLOAT4) {
        if (!target(r, &v->data)) {
            return false;
        }
        v->n = 2 + (t - MML__FLEX_VECTOR_INT2) / 3;
        v->elem_type = MML__FLEX_INT + (t - MML__FLEX_VECTOR_INT2) % 3;
    } else {
        return false;
    }
    v->width = w;
    // The body ends before the slot that refers to it, as an encoder writes it: each step into
    // an element then moves to a lower slot, so no walk can loop.
    uint64_t bytes = (uint64_t)v->n * w + (v->elem_type ? 0 : v->n);
    return (uint64_t)v->data + bytes <= r->pos;
}

bool mml__flex_size(const mml__flex_t *r, uint32_t *n) {
    vec_t v;
    if (!vector(r, &v)) {
        return false;
    }
    *n = v.n;
    return true;
}

bool mml__flex_at(const mml__flex_t *r, uint32_t i, mml__flex_t *out) {
    vec_t v;
    if (!vector(r, &v) || i >= v.n) {
        return false;
    }
    uint64_t slot = v.data + (uint64_t)i * v.width;
    if (v.elem_type == 0) {
        return make_ref(r->buf, r->len, slot, v.width, r->buf[v.data + (uint64_t)v.n * v.width + i],
            out);
    }
    // A typed vector's element: its slot is as wide as the vector's elements.
    return make_ref(r->buf, r->len, slot, v.width, (uint8_t)(v.elem_type << 2), out);
}

// A map's keys: n NUL-terminated strings, one offset each, of keys->width bytes from keys->data.
static bool map_keys(const mml__flex_t *map, vec_t *keys, uint32_t *n) {
    vec_t vals;
    uint32_t w = map->byte_width;
    if (map->type != MML__FLEX_MAP || !vector(map, &vals) || vals.data < 3 * w) {
        return false;
    }
    uint32_t slot = vals.data - 3 * w; // the keys vector's offset, then its width, then the size
    uint64_t off = rd_uint(map->buf + slot, w), kw = rd_uint(map->buf + slot + w, w);
    if (off > slot || !valid_width((uint32_t)kw)) {
        return false;
    }
    keys->data = slot - (uint32_t)off;
    keys->width = (uint32_t)kw;
    keys->elem_type = MML__FLEX_KEY;
    if (!size_prefix(map, keys->data, keys->width, &keys->n) || keys->n != vals.n ||
        !inside(map, keys->data, (uint64_t)keys->n * keys->width)) {
        return false;
    }
    *n = vals.n;
    return true;
}

static bool key_of(const mml__flex_t *map, const vec_t *keys, uint32_t i, const char **key,
    uint32_t *n) {
    mml__flex_t k;
    uint32_t slot = keys->data + i * keys->width;
    return make_ref(map->buf, map->len, slot, keys->width, MML__FLEX_KEY << 2, &k) &&
        mml__flex_string(&k, key, n);
}

bool mml__flex_key_at(const mml__flex_t *map, uint32_t i, const char **key, uint32_t *n) {
    vec_t keys;
    uint32_t count;
    return map_keys(map, &keys, &count) && i < count && key_of(map, &keys, i, key, n);
}

int mml__flex_find(const mml__flex_t *map, const char *key, mml__flex_t *out) {
    vec_t keys;
    uint32_t count, want = (uint32_t)strlen(key);
    if (!map_keys(map, &keys, &count)) {
        return MML__FLEX_BAD;
    }
    // Linear: option maps are small, and an unsorted (malformed) map still answers correctly.
    for (uint32_t i = 0; i < count; i++) {
        const char *k;
        uint32_t n;
        if (!key_of(map, &keys, i, &k, &n)) {
            return MML__FLEX_BAD;
        }
        if (n == want && memcmp(k, key, n) == 0) {
            return mml__flex_at(map, i, out) ? MML__FLEX_FOUND : MML__FLEX_BAD;
        }
    }
    return MML__FLEX_ABSENT;
}

bool mml__flex_get_int(const mml__flex_t *map, const char *key, int64_t def, int64_t *v) {
    mml__flex_t r;
    int found = mml__flex_find(map, key, &r);
    if (found == MML__FLEX_ABSENT) {
        *v = def;
        return true;
    }
    return found == MML__FLEX_FOUND && mml__flex_int(&r, v);
}

bool mml__flex_get_float(const mml__flex_t *map, const char *key, double def, double *v) {
    mml__flex_t r;
    int found = mml__flex_find(map, key, &r);
    if (found == MML__FLEX_ABSENT) {
        *v = def;
        return true;
    }
    return found == MML__FLEX_FOUND && mml__flex_float(&r, v);
}

bool mml__flex_get_bool(const mml__flex_t *map, const char *key, bool def, bool *v) {
    mml__flex_t r;
    int found = mml__flex_find(map, key, &r);
    if (found == MML__FLEX_ABSENT) {
        *v = def;
        return true;
    }
    return found == MML__FLEX_FOUND && mml__flex_bool(&r, v);
}
#endif // MML_ENABLE_FLEXBUF
