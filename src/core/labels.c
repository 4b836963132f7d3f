// SPDX-License-Identifier: MIT
// Class labels a .tflite model carries: MLTK's "SL_PARAMSv1" metadata buffer, a FlatBuffers
// dictionary whose "classes" entry is a list of strings. Every read is bounds-checked (the
// buffer is untrusted); a model without labels, or with a damaged dictionary, has none.
#include <string.h>
#include "core/flatbuf.h"
#include "core/tflite.h"
#include "microml/mml_model.h"

// Fields of TFLite's Model and Metadata tables, and of MLTK's dictionary (schema of
// mltk/core/tflite_model_parameters: Dictionary{version, entries:[Entry]},
// Entry{key:string, type:ubyte, value:Value}, Value{...}; a string list is type 13 whose
// strings are Value's field 0).
enum { MODEL_BUFFERS = 4, MODEL_METADATA = 6 };
enum { META_NAME = 0, META_BUFFER = 1 };
enum { BUF_DATA = 0 };
enum { DICT_ENTRIES = 1, ENTRY_KEY = 0, ENTRY_TYPE = 1, ENTRY_VALUE = 2, VALUE_STRINGS = 0 };
enum { TYPE_STRING_LIST = 13 };

static bool str_is(const char *s, uint32_t n, const char *want) {
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

// The vector of label strings (offsets, checked to lie inside the dictionary), or n = 0.
static mml__fb_vec_t find_labels(const mml_model_t *m, mml__fb_t *dict) {
    mml__fb_vec_t none = {0, 0}, metas, bufs, data, entries, strings;
    mml__fb_t fb = mml__model_fb(m);
    mml__fb_table_t root, meta, buf, dr, entry, value;
    if (m->buf == NULL || !mml__fb_root(&fb, &root) ||
        mml__fb_vector(&fb, &root, MODEL_METADATA, 4, &metas) != MML__FB_OK ||
        mml__fb_vector(&fb, &root, MODEL_BUFFERS, 4, &bufs) != MML__FB_OK) {
        return none;
    }
    for (uint32_t i = 0; i < metas.n; i++) {
        const char *name;
        uint32_t n;
        if (!mml__fb_vec_table(&fb, &metas, i, &meta) ||
            mml__fb_string(&fb, &meta, META_NAME, &name, &n) != MML__FB_OK ||
            !str_is(name, n, "SL_PARAMSv1")) {
            continue;
        }
        uint32_t b = mml__fb_u32(&fb, &meta, META_BUFFER, 0);
        if (!mml__fb_vec_table(&fb, &bufs, b, &buf) ||
            mml__fb_vector(&fb, &buf, BUF_DATA, 1, &data) != MML__FB_OK) {
            return none;
        }
        // The dictionary is a FlatBuffer of its own inside the buffer's data.
        dict->p = m->buf + data.pos;
        dict->len = data.n;
        if (!mml__fb_root(dict, &dr) ||
            mml__fb_vector(dict, &dr, DICT_ENTRIES, 4, &entries) != MML__FB_OK) {
            return none;
        }
        for (uint32_t e = 0; e < entries.n; e++) {
            if (!mml__fb_vec_table(dict, &entries, e, &entry) ||
                mml__fb_string(dict, &entry, ENTRY_KEY, &name, &n) != MML__FB_OK ||
                !str_is(name, n, "classes")) {
                continue;
            }
            if (mml__fb_u8(dict, &entry, ENTRY_TYPE, 0) != TYPE_STRING_LIST ||
                mml__fb_subtable(dict, &entry, ENTRY_VALUE, &value) != MML__FB_OK ||
                mml__fb_vector(dict, &value, VALUE_STRINGS, 4, &strings) != MML__FB_OK) {
                return none;
            }
            // Every string must be valid for the count to be trusted.
            for (uint32_t k = 0; k < strings.n; k++) {
                uint32_t at = strings.pos + 4 * k, off = mml__rd_u32(dict->p + at);
                if (off > dict->len - at || dict->len - (at + off) < 4) {
                    return none;
                }
                uint32_t s = at + off, len = mml__rd_u32(dict->p + s);
                if (len >= dict->len - s - 4 || dict->p[s + 4 + len] != 0) {
                    return none;
                }
            }
            return strings;
        }
        return none;
    }
    return none;
}

uint32_t mml_model_label_count(const mml_model_t *m) {
    mml__fb_t dict;
    return find_labels(m, &dict).n;
}

const char *mml_model_label(const mml_model_t *m, uint32_t i, uint32_t *len) {
    mml__fb_t dict;
    mml__fb_vec_t v = find_labels(m, &dict);
    if (i >= v.n) {
        *len = 0;
        return NULL;
    }
    uint32_t at = v.pos + 4 * i, s = at + mml__rd_u32(dict.p + at);
    *len = mml__rd_u32(dict.p + s);
    return (const char *)dict.p + s + 4;
}
