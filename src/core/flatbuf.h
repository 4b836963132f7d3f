// SPDX-License-Identifier: MIT
// Bounds-checked reading of FlatBuffers: every offset, length and vtable entry is checked against
// the buffer before use; all reads are byte-wise little-endian, so no alignment is assumed.
#ifndef MICROML_CORE_FLATBUF_H
#define MICROML_CORE_FLATBUF_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const uint8_t *p;
    uint32_t len;
} mml__fb_t;

// A table whose vtable and inline extent have been checked.
typedef struct {
    uint32_t pos;     // table start (0 = absent)
    uint32_t vt;      // vtable start
    uint16_t vt_len;  // vtable bytes
    uint16_t tbl_len; // table inline bytes
} mml__fb_table_t;

// A vector whose length has been checked: n elements of the size it was read with, from pos.
typedef struct {
    uint32_t pos;
    uint32_t n;
} mml__fb_vec_t;

// Result of following a reference field.
enum { MML__FB_INVALID = -1, MML__FB_ABSENT = 0, MML__FB_OK = 1 };

static inline uint16_t mml__rd_u16(const uint8_t *p) {
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t mml__rd_u32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t mml__rd_u64(const uint8_t *p) {
    return (uint64_t)mml__rd_u32(p) | ((uint64_t)mml__rd_u32(p + 4) << 32);
}
float mml__rd_f32(const uint8_t *p);

// Checks the table at pos (vtable inside the buffer, every field offset inside the table).
bool mml__fb_table(const mml__fb_t *fb, uint32_t pos, mml__fb_table_t *t);
// The root table (offset at byte 0).
bool mml__fb_root(const mml__fb_t *fb, mml__fb_table_t *t);

// Absolute position of scalar field id of size bytes, or 0 if absent (or not fully inside the
// table).
uint32_t mml__fb_field(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint32_t size);

uint8_t mml__fb_u8(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint8_t def);
int8_t mml__fb_i8(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, int8_t def);
uint16_t mml__fb_u16(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint16_t def);
int32_t mml__fb_i32(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, int32_t def);
uint32_t mml__fb_u32(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint32_t def);
uint64_t mml__fb_u64(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint64_t def);
float mml__fb_f32(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, float def);

// Reference fields: MML__FB_OK with *out filled, MML__FB_ABSENT, or MML__FB_INVALID.
int mml__fb_subtable(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id,
    mml__fb_table_t *out);
int mml__fb_vector(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint32_t elem_size,
    mml__fb_vec_t *out);
// A NUL-terminated string field; *s points into the buffer.
int mml__fb_string(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, const char **s,
    uint32_t *n);
// Element i of a vector of tables.
bool mml__fb_vec_table(const mml__fb_t *fb, const mml__fb_vec_t *v, uint32_t i,
    mml__fb_table_t *out);

// Element i of a checked vector of 4-byte scalars.
static inline uint32_t mml__fb_vec_u32(const mml__fb_t *fb, const mml__fb_vec_t *v, uint32_t i) {
    return mml__rd_u32(fb->p + v->pos + 4 * i);
}

#endif // MICROML_CORE_FLATBUF_H
