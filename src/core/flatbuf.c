// SPDX-License-Identifier: MIT
// Bounds-checked FlatBuffers reader (see flatbuf.h). Positions are byte offsets into the buffer;
// arithmetic is done in 64 bits so no offset can wrap.
#include <string.h>
#include "core/flatbuf.h"

float mml__rd_f32(const uint8_t *p) {
    uint32_t u = mml__rd_u32(p);
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

bool mml__fb_table(const mml__fb_t *fb, uint32_t pos, mml__fb_table_t *t) {
    memset(t, 0, sizeof(*t));
    if ((uint64_t)pos + 4 > fb->len) {
        return false;
    }
    int64_t vt = (int64_t)pos - (int32_t)mml__rd_u32(fb->p + pos);
    if (vt < 0 || vt + 4 > (int64_t)fb->len) {
        return false;
    }
    uint16_t vt_len = mml__rd_u16(fb->p + vt);
    uint16_t tbl_len = mml__rd_u16(fb->p + vt + 2);
    if (vt_len < 4 || (vt_len & 1) || vt + vt_len > (int64_t)fb->len || tbl_len < 4 ||
        (uint64_t)pos + tbl_len > fb->len) {
        return false;
    }
    for (uint32_t off = 4; off < vt_len; off += 2) {
        uint16_t fo = mml__rd_u16(fb->p + vt + off);
        if (fo != 0 && (fo < 4 || fo >= tbl_len)) {
            return false;
        }
    }
    t->pos = pos;
    t->vt = (uint32_t)vt;
    t->vt_len = vt_len;
    t->tbl_len = tbl_len;
    return true;
}

bool mml__fb_root(const mml__fb_t *fb, mml__fb_table_t *t) {
    if (fb->len < 8) {
        memset(t, 0, sizeof(*t));
        return false;
    }
    return mml__fb_table(fb, mml__rd_u32(fb->p), t);
}

uint32_t mml__fb_field(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint32_t size) {
    if (!t->pos || 4 + 2 * id + 2 > t->vt_len) {
        return 0;
    }
    uint32_t fo = mml__rd_u16(fb->p + t->vt + 4 + 2 * id);
    if (fo == 0 || fo + size > t->tbl_len) {
        return 0;
    }
    return t->pos + fo;
}

uint8_t mml__fb_u8(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint8_t def) {
    uint32_t f = mml__fb_field(fb, t, id, 1);
    return f ? fb->p[f] : def;
}

int8_t mml__fb_i8(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, int8_t def) {
    return (int8_t)mml__fb_u8(fb, t, id, (uint8_t)def);
}

uint16_t mml__fb_u16(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint16_t def) {
    uint32_t f = mml__fb_field(fb, t, id, 2);
    return f ? mml__rd_u16(fb->p + f) : def;
}

uint32_t mml__fb_u32(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint32_t def) {
    uint32_t f = mml__fb_field(fb, t, id, 4);
    return f ? mml__rd_u32(fb->p + f) : def;
}

int32_t mml__fb_i32(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, int32_t def) {
    return (int32_t)mml__fb_u32(fb, t, id, (uint32_t)def);
}

uint64_t mml__fb_u64(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint64_t def) {
    uint32_t f = mml__fb_field(fb, t, id, 8);
    return f ? mml__rd_u64(fb->p + f) : def;
}

float mml__fb_f32(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, float def) {
    uint32_t f = mml__fb_field(fb, t, id, 4);
    return f ? mml__rd_f32(fb->p + f) : def;
}

// Follows the uoffset stored in field id; *target receives the referenced position.
static int follow(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint32_t *target) {
    if (!t->pos || 4 + 2 * id + 2 > t->vt_len || mml__rd_u16(fb->p + t->vt + 4 + 2 * id) == 0) {
        return MML__FB_ABSENT;
    }
    uint32_t f = mml__fb_field(fb, t, id, 4);
    if (!f) {
        return MML__FB_INVALID;
    }
    uint64_t pos = (uint64_t)f + mml__rd_u32(fb->p + f);
    if (pos >= fb->len) {
        return MML__FB_INVALID;
    }
    *target = (uint32_t)pos;
    return MML__FB_OK;
}

int mml__fb_subtable(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id,
    mml__fb_table_t *out) {
    uint32_t pos = 0;
    int r = follow(fb, t, id, &pos);
    memset(out, 0, sizeof(*out));
    if (r != MML__FB_OK) {
        return r;
    }
    return mml__fb_table(fb, pos, out) ? MML__FB_OK : MML__FB_INVALID;
}

static bool vector_at(const mml__fb_t *fb, uint32_t pos, uint32_t elem_size, mml__fb_vec_t *out) {
    if ((uint64_t)pos + 4 > fb->len) {
        return false;
    }
    uint32_t n = mml__rd_u32(fb->p + pos);
    if ((uint64_t)n * elem_size > (uint64_t)fb->len - pos - 4) {
        return false;
    }
    out->pos = pos + 4;
    out->n = n;
    return true;
}

int mml__fb_vector(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, uint32_t elem_size,
    mml__fb_vec_t *out) {
    uint32_t pos = 0;
    int r = follow(fb, t, id, &pos);
    out->pos = 0;
    out->n = 0;
    if (r != MML__FB_OK) {
        return r;
    }
    return vector_at(fb, pos, elem_size, out) ? MML__FB_OK : MML__FB_INVALID;
}

int mml__fb_string(const mml__fb_t *fb, const mml__fb_table_t *t, uint32_t id, const char **s,
    uint32_t *n) {
    mml__fb_vec_t v;
    int r = mml__fb_vector(fb, t, id, 1, &v);
    if (r != MML__FB_OK) {
        return r;
    }
    // The terminating NUL must be inside the buffer too.
    if ((uint64_t)v.pos + v.n >= fb->len || fb->p[v.pos + v.n] != 0) {
        return MML__FB_INVALID;
    }
    *s = (const char *)fb->p + v.pos;
    *n = v.n;
    return MML__FB_OK;
}

bool mml__fb_vec_table(const mml__fb_t *fb, const mml__fb_vec_t *v, uint32_t i,
    mml__fb_table_t *out) {
    if (i >= v->n) {
        memset(out, 0, sizeof(*out));
        return false;
    }
    uint32_t at = v->pos + 4 * i;
    uint64_t pos = (uint64_t)at + mml__rd_u32(fb->p + at);
    if (pos >= fb->len) {
        memset(out, 0, sizeof(*out));
        return false;
    }
    return mml__fb_table(fb, (uint32_t)pos, out);
}
