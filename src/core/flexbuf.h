// SPDX-License-Identifier: MIT
// Bounds-checked reading of FlexBuffers, the schema-less format of TFLite's custom-op options:
// maps, vectors (untyped, typed, fixed-size typed), ints, uints, floats, bools, strings, keys and
// blobs. Every offset, width and length is checked against the buffer before use. As every
// encoder writes them, offsets point backwards and a vector's or map's body ends before the slot
// that refers to it; the reader demands both, so each step into an element moves to a lower slot
// and no walk can loop. No allocation.
// A value is a mml__flex_t reference: where its slot is, how wide the slot is, and its type.
#ifndef MICROML_CORE_FLEXBUF_H
#define MICROML_CORE_FLEXBUF_H

#include <stdbool.h>
#include <stdint.h>

// FlexBuffers' value types (flexbuffers.h, Type).
enum {
    MML__FLEX_NULL = 0,
    MML__FLEX_INT = 1,
    MML__FLEX_UINT = 2,
    MML__FLEX_FLOAT = 3,
    MML__FLEX_KEY = 4,
    MML__FLEX_STRING = 5,
    MML__FLEX_INDIRECT_INT = 6,
    MML__FLEX_INDIRECT_UINT = 7,
    MML__FLEX_INDIRECT_FLOAT = 8,
    MML__FLEX_MAP = 9,
    MML__FLEX_VECTOR = 10,
    MML__FLEX_VECTOR_INT = 11, // typed vectors: INT, UINT, FLOAT, KEY elements
    MML__FLEX_VECTOR_UINT = 12,
    MML__FLEX_VECTOR_FLOAT = 13,
    MML__FLEX_VECTOR_KEY = 14,
    // 15: VECTOR_STRING_DEPRECATED, refused
    MML__FLEX_VECTOR_INT2 = 16, // fixed-size typed vectors: 2, 3, 4 of INT, UINT, FLOAT
    MML__FLEX_VECTOR_FLOAT4 = 24,
    MML__FLEX_BLOB = 25,
    MML__FLEX_BOOL = 26,
    MML__FLEX_VECTOR_BOOL = 36,
};

typedef struct {
    const uint8_t *buf;   // the whole FlexBuffer (borrowed)
    uint32_t len;         // its bytes
    uint32_t pos;         // the value's slot: the value itself if inline, else an offset back
    uint8_t parent_width; // bytes of the slot: 1, 2, 4 or 8
    uint8_t byte_width;   // bytes of an out-of-line value's scalars / size prefix
    uint8_t type;         // MML__FLEX_*
} mml__flex_t;

// The root value of buf[0..len). False if the buffer is too short or its root is malformed.
bool mml__flex_root(const uint8_t *buf, uint32_t len, mml__flex_t *out);

// Scalars, converted as FlexBuffers' AsInt64/AsDouble/AsBool do between the numeric types (INT,
// UINT, FLOAT, BOOL and the indirect ones): false for any other type, a float that is NaN or out
// of int64's range, a uint above INT64_MAX, or a float slot narrower than 4 bytes.
bool mml__flex_int(const mml__flex_t *r, int64_t *v);
bool mml__flex_float(const mml__flex_t *r, double *v);
bool mml__flex_bool(const mml__flex_t *r, bool *v);
// STRING or KEY: *s points into the buffer, NUL-terminated, n bytes before the NUL.
bool mml__flex_string(const mml__flex_t *r, const char **s, uint32_t *n);
// BLOB (or STRING): n bytes at *p.
bool mml__flex_blob(const mml__flex_t *r, const uint8_t **p, uint32_t *n);

// Elements of a vector, typed vector, fixed typed vector or map (its values, in key order).
bool mml__flex_size(const mml__flex_t *r, uint32_t *n);
bool mml__flex_at(const mml__flex_t *r, uint32_t i, mml__flex_t *out);
// Key i of a map (keys are sorted bytewise by the encoder).
bool mml__flex_key_at(const mml__flex_t *map, uint32_t i, const char **key, uint32_t *n);

// Map lookup: MML__FLEX_FOUND with *out filled, MML__FLEX_ABSENT, or MML__FLEX_BAD (r is not a
// well-formed map).
enum { MML__FLEX_BAD = -1, MML__FLEX_ABSENT = 0, MML__FLEX_FOUND = 1 };
int mml__flex_find(const mml__flex_t *map, const char *key, mml__flex_t *out);

// A custom op's option by name, converted: true with *v = def if the key is absent, true with the
// value if present and convertible, false if the map is malformed or the value of another type.
bool mml__flex_get_int(const mml__flex_t *map, const char *key, int64_t def, int64_t *v);
bool mml__flex_get_float(const mml__flex_t *map, const char *key, double def, double *v);
bool mml__flex_get_bool(const mml__flex_t *map, const char *key, bool def, bool *v);

#endif // MICROML_CORE_FLEXBUF_H
