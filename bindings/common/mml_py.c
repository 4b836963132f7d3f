// SPDX-License-Identifier: MIT
// The microml Python API's behaviour, shared by the MicroPython and CPython bindings (see
// mml_py.h): checks, conversions and every message. Cost: no allocation, no writable statics;
// predict's per-call work is the input and output copies and one pointer check per buffer.
#include "mml_py.h"

#include <stdarg.h>
#include <string.h>

// ---------------------------------------------------------------------------------------------
// Messages: the one table of what the API says, and the one mapping of core statuses.

static const mml_py_msg_def_t msgs[MML_PY_MSG_COUNT] = {
    [MML_PY_MSG_ARENA_TOO_SMALL] = {MML_PY_EXC_MEMORY, "arena needs %u bytes, got %u"},
    [MML_PY_MSG_UNSUPPORTED] = {MML_PY_EXC_NOT_IMPLEMENTED, "%s"},
    [MML_PY_MSG_INVALID] = {MML_PY_EXC_VALUE, "%s"},
    [MML_PY_MSG_INTERNAL] = {MML_PY_EXC_RUNTIME, "microml internal error (%d): %s"},
    [MML_PY_MSG_MODEL_NOT_BUFFER] = {MML_PY_EXC_VALUE,
        "model must be a bytes-like object (bytes, bytearray, memoryview, array)"},
    [MML_PY_MSG_MODEL_UNALIGNED] = {MML_PY_EXC_VALUE, "model buffer must be 4-byte aligned"},
    [MML_PY_MSG_MODEL_TOO_BIG] = {MML_PY_EXC_VALUE, "model larger than 4 GiB"},
    [MML_PY_MSG_ARENA_NOT_WRITABLE] = {MML_PY_EXC_VALUE,
        "arena must be a writable buffer (bytearray, memoryview)"},
    [MML_PY_MSG_ARENA_UNALIGNED] = {MML_PY_EXC_VALUE, "arena must be %u-byte aligned"},
    [MML_PY_MSG_MODEL_MOVED] = {MML_PY_EXC_VALUE,
        "model buffer was resized or moved after Model(): keep it unchanged"},
    [MML_PY_MSG_ARENA_MOVED] = {MML_PY_EXC_VALUE,
        "arena was resized or moved after Model(): keep it unchanged"},
    [MML_PY_MSG_INPUTS_NOT_SEQ] = {MML_PY_EXC_VALUE,
        "model has %u inputs: x must be a tuple or list of %u values"},
    [MML_PY_MSG_INPUTS_COUNT] = {MML_PY_EXC_VALUE, "model has %u inputs, got %u"},
    [MML_PY_MSG_INPUT_KIND] = {MML_PY_EXC_VALUE,
        "input %u must be a buffer or a list/tuple of numbers"},
    [MML_PY_MSG_INPUT_BYTES] = {MML_PY_EXC_VALUE, "input %u needs %u bytes, got %u"},
    [MML_PY_MSG_INPUT_VALUES] = {MML_PY_EXC_VALUE, "input %u needs %u values, got %u"},
    [MML_PY_MSG_INPUT_ITEM] = {MML_PY_EXC_VALUE, "input %u: item %u is not a number"},
    [MML_PY_MSG_INPUT_TYPECODE] = {MML_PY_EXC_TYPE,
        "input %u: arrays of typecode '%c' are not supported"},
    [MML_PY_MSG_INPUT_DTYPE] = {MML_PY_EXC_TYPE,
        "input %u is %s: got an array of %s (give %s values, floats to quantize, or bytes)"},
    [MML_PY_MSG_OUTPUT_BYTES] = {MML_PY_EXC_VALUE, "output %u needs %u bytes, got %u"},
    [MML_PY_MSG_OUT_NOT_SEQ] = {MML_PY_EXC_VALUE,
        "model has %u outputs: out must be a tuple or list of %u buffers"},
    [MML_PY_MSG_OUT_COUNT] = {MML_PY_EXC_VALUE, "out needs %u buffers, got %u"},
    [MML_PY_MSG_OUT_NOT_WRITABLE] = {MML_PY_EXC_VALUE, "out %u must be a writable buffer"},
    [MML_PY_MSG_BATCH_MISMATCH] = {MML_PY_EXC_VALUE,
        "input %u has a batch of %u, input 0 of %u"},
    [MML_PY_MSG_ONE_AT_A_TIME] = {MML_PY_EXC_VALUE, "%s takes one input, not a batch"},
    [MML_PY_MSG_OUTPUT_INDEX] = {MML_PY_EXC_VALUE, "output %d out of range (model has %u)"},
    [MML_PY_MSG_TOPK_K] = {MML_PY_EXC_VALUE, "k must be 1..%u, got %d"},
    [MML_PY_MSG_TOPK_OUT] = {MML_PY_EXC_VALUE,
        "out must be (indices, scores): writable arrays of %u 'i' and %u 'f' items"},
    [MML_PY_MSG_LOAD_STR] = {MML_PY_EXC_VALUE,
        "load() needs the model's bytes, got a str (a file path? read the file: "
        "open(path, 'rb').read())"},
    [MML_PY_MSG_LOAD_UNKNOWN] = {MML_PY_EXC_VALUE, "not a model microml knows: %s"},
    [MML_PY_MSG_CLASSIC_OFF] = {MML_PY_EXC_NOT_IMPLEMENTED,
        "a classic (scikit-learn) model: not in this build (MML_ENABLE_CLASSIC=0)"},
    [MML_PY_MSG_CLASSIC_NO_METHOD] = {MML_PY_EXC_VALUE, "this model (%s) has no %s"},
    [MML_PY_MSG_CLASSIC_N_ZERO] = {MML_PY_EXC_VALUE, "n must be at least 1"},
    [MML_PY_MSG_CLASSIC_N_FLAT] = {MML_PY_EXC_VALUE, "n= needs a flat buffer of n*%u floats"},
    [MML_PY_MSG_CLASSIC_X_BYTES] = {MML_PY_EXC_VALUE,
        "X as bytes must hold float32 values: %u bytes is not a multiple of 4"},
    [MML_PY_MSG_CLASSIC_X_TYPECODE] = {MML_PY_EXC_TYPE,
        "X: arrays of typecode '%c' are not supported (give floats)"},
    [MML_PY_MSG_CLASSIC_X_COLUMNS] = {MML_PY_EXC_VALUE,
        "X has %u features per sample, the model takes %u"},
    [MML_PY_MSG_CLASSIC_X_RANK] = {MML_PY_EXC_VALUE, "X must be 1-D (one sample) or 2-D (a batch)"},
    [MML_PY_MSG_CLASSIC_X_KIND] = {MML_PY_EXC_TYPE,
        "X must be a buffer, an array or a list of floats"},
    [MML_PY_MSG_CLASSIC_X_BATCH] = {MML_PY_EXC_VALUE,
        "X has %u values: not n=%d samples of %u features"},
    [MML_PY_MSG_CLASSIC_X_FEATURES] = {MML_PY_EXC_VALUE,
        "X has %u features, the model takes %u (a batch: 2-D, or n=)"},
    [MML_PY_MSG_CLASSIC_X_ITEM] = {MML_PY_EXC_TYPE, "X: item %u is not a number"},
    [MML_PY_MSG_CLASSIC_OUT_NOT_WRITABLE] = {MML_PY_EXC_VALUE, "out must be a writable buffer"},
    [MML_PY_MSG_CLASSIC_OUT_TYPECODE] = {MML_PY_EXC_TYPE, "out must hold '%c' items, got '%c'"},
    [MML_PY_MSG_CLASSIC_OUT_BYTES] = {MML_PY_EXC_VALUE, "out needs %u bytes, got %u"},
};

// The message being built at e->msg[*pos], truncated to fit.
static void put(mml_py_err_t *e, size_t *pos, const char *s) {
    while (*s != '\0' && *pos + 1 < sizeof(e->msg)) {
        e->msg[(*pos)++] = *s++;
    }
    e->msg[*pos] = '\0';
}

static void put_uint(mml_py_err_t *e, size_t *pos, uint32_t v) {
    char digits[11];
    size_t n = sizeof(digits) - 1;
    digits[n] = '\0';
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    put(e, pos, digits + n);
}

static void put_int(mml_py_err_t *e, size_t *pos, int32_t v) {
    if (v < 0) {
        put(e, pos, "-");
        put_uint(e, pos, 0u - (uint32_t)v);
    } else {
        put_uint(e, pos, (uint32_t)v);
    }
}

void mml_py_vputf(mml_py_err_t *e, size_t *pos, const char *fmt, va_list ap) {
    e->msg[*pos] = '\0';
    for (const char *f = fmt; *f != '\0'; f++) {
        char one[2] = {*f, '\0'};
        if (*f != '%' || f[1] == '\0') {
            put(e, pos, one);
            continue;
        }
        switch (*++f) {
            case 'u':
                put_uint(e, pos, va_arg(ap, uint32_t));
                break;
            case 'd':
                put_int(e, pos, va_arg(ap, int32_t));
                break;
            case 's':
                put(e, pos, va_arg(ap, const char *));
                break;
            case 'c':
                one[0] = (char)va_arg(ap, int);
                put(e, pos, one);
                break;
            default:
                one[0] = *f;
                put(e, pos, one);
                break;
        }
    }
}

void mml_py_putf(mml_py_err_t *e, size_t *pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    mml_py_vputf(e, pos, fmt, ap);
    va_end(ap);
}

bool mml_py_failv(mml_py_err_t *e, mml_py_exc_t kind, const char *fmt, va_list ap) {
    size_t pos = 0;
    e->kind = kind;
    mml_py_vputf(e, &pos, fmt, ap);
    return false;
}

bool mml_py_failf(mml_py_err_t *e, mml_py_exc_t kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    mml_py_failv(e, kind, fmt, ap);
    va_end(ap);
    return false;
}

bool mml_py_fail_in(mml_py_err_t *e, const mml_py_msg_def_t *table, int id, ...) {
    va_list ap;
    va_start(ap, id);
    mml_py_failv(e, (mml_py_exc_t)table[id].kind, table[id].fmt, ap);
    va_end(ap);
    return false;
}

bool mml_py_fail(mml_py_err_t *e, mml_py_msg_t id, ...) {
    va_list ap;
    va_start(ap, id);
    mml_py_failv(e, (mml_py_exc_t)msgs[id].kind, msgs[id].fmt, ap);
    va_end(ap);
    return false;
}

bool mml_py_status(mml_py_err_t *e, mml_status_t status, const mml_error_t *err) {
    // The core's messages say what they are ("malformed model: ...", "op 3 CONV_2D: ...").
    const char *msg = err != NULL && err->msg[0] != '\0' ? err->msg : mml_status_str(status);
    switch (status) {
        case MML_OK:
            e->kind = MML_PY_EXC_NONE;
            return true;
        case MML_ERR_ARENA_TOO_SMALL:
            return mml_py_fail(e, MML_PY_MSG_ARENA_TOO_SMALL, err != NULL ? err->needed : 0u,
                err != NULL ? err->got : 0u);
        case MML_ERR_UNSUPPORTED:
            return mml_py_fail(e, MML_PY_MSG_UNSUPPORTED, msg);
        case MML_ERR_INVALID_MODEL:
        case MML_ERR_INVALID_ARG:
            return mml_py_fail(e, MML_PY_MSG_INVALID, msg);
        default:
            // WORK_TOO_SMALL or a code newer than this file: the binding itself is wrong.
            return mml_py_fail(e, MML_PY_MSG_INTERNAL, (int32_t)status, msg);
    }
}

// ---------------------------------------------------------------------------------------------
// Model families

static bool is_tflite(const uint8_t *buf, size_t len) {
    return len >= 8 && memcmp(buf + 4, "TFL3", 4) == 0;
}

static bool is_classic(const uint8_t *buf, size_t len) {
    return len >= 4 && memcmp(buf, MML_CLASSIC_MAGIC, 4) == 0;
}

// One entry per model family; microml.load() takes the first that matches.
static const struct {
    mml_py_family_t family;
    bool (*match)(const uint8_t *buf, size_t len);
} families[] = {
    {MML_PY_FAMILY_TFLITE, is_tflite},
#if MML_ENABLE_CLASSIC
    {MML_PY_FAMILY_CLASSIC, is_classic},
#endif
};

bool mml_py_family(const uint8_t *buf, size_t len, bool is_str, mml_py_family_t *family,
    mml_py_err_t *e) {
    *family = MML_PY_FAMILY_NONE;
    if (is_str) {
        return mml_py_fail(e, MML_PY_MSG_LOAD_STR);
    }
    for (size_t k = 0; k < sizeof(families) / sizeof(families[0]); k++) {
        if (families[k].match(buf, len)) {
            *family = families[k].family;
            return true;
        }
    }
    if (!MML_ENABLE_CLASSIC && is_classic(buf, len)) {
        return mml_py_fail(e, MML_PY_MSG_CLASSIC_OFF);
    }
    const char *what = "unknown bytes (a .tflite file has \"TFL3\" at offset 4, a classic model "
                       "\"MMLC\" at 0)";
    if (len < 8) {
        what = "too short to be a model";
    } else if (memcmp(buf, "PK\x03\x04", 4) == 0) {
        what = "a zip archive (a Keras .keras file? convert it to .tflite)";
    } else if (buf[0] == 0x1f && buf[1] == 0x8b) {
        what = "gzip data (decompress it first)";
    } else if (memcmp(buf, "\x89HDF", 4) == 0) {
        what = "an HDF5 file (a Keras .h5 model? convert it to .tflite)";
    } else if (buf[0] == '{' || buf[0] == '<' || buf[0] == '#') {
        what = "text (JSON, XML or a script?), not a model";
    } else if (memcmp(buf, "\x7f" "ELF", 4) == 0) {
        what = "an ELF executable";
    }
    return mml_py_fail(e, MML_PY_MSG_LOAD_UNKNOWN, what);
}

// ---------------------------------------------------------------------------------------------
// Model life cycle

bool mml_py_model_load(mml_py_model_t *pm, const uint8_t *buf, size_t len, mml_py_err_t *e) {
    memset(pm, 0, sizeof(*pm));
    if ((uintptr_t)buf % 4 != 0) {
        return mml_py_fail(e, MML_PY_MSG_MODEL_UNALIGNED);
    }
    if ((uint64_t)len > UINT32_MAX) {
        return mml_py_fail(e, MML_PY_MSG_MODEL_TOO_BIG);
    }
    mml_error_t err;
    err.msg[0] = '\0';
    if (!mml_py_status(e, mml_model_load(&pm->model, buf, len, &err), &err)) {
        return false;
    }
    pm->buf = buf;
    pm->len = len;
    return true;
}

uint32_t mml_py_model_n_io(const mml_py_model_t *pm) {
    uint32_t n = pm->model.n_inputs + pm->model.n_outputs;
    return n > 0 ? n : 1;
}

bool mml_py_model_infos(mml_py_model_t *pm, mml_py_err_t *e) {
    const mml_model_t *m = &pm->model;
    for (uint32_t k = 0; k < m->n_inputs + m->n_outputs; k++) {
        mml_status_t st = k < m->n_inputs ? mml_model_input_info(m, k, &pm->io[k])
                                          : mml_model_output_info(m, k - m->n_inputs, &pm->io[k]);
        if (st != MML_OK) {
            return mml_py_status(e, st, NULL);
        }
    }
    return true;
}

size_t mml_py_model_work_size(const mml_py_model_t *pm) {
    size_t n = mml_model_work_size(&pm->model);
    return n > 0 ? n : 1;
}

bool mml_py_model_plan(mml_py_model_t *pm, void *work, size_t work_len, mml_py_err_t *e) {
    mml_error_t err;
    err.msg[0] = '\0';
    return mml_py_status(e, mml_model_plan(&pm->model, work, work_len, &err), &err);
}

size_t mml_py_arena_alloc_size(const mml_py_model_t *pm) {
    return (size_t)pm->model.arena_bytes + MML_ARENA_BASE_ALIGN;
}

uint8_t *mml_py_arena_align(void *alloc) {
    uintptr_t a = ((uintptr_t)alloc + MML_ARENA_BASE_ALIGN - 1) &
        ~(uintptr_t)(MML_ARENA_BASE_ALIGN - 1);
    return (uint8_t *)a;
}

bool mml_py_model_prepare(mml_py_model_t *pm, void *work, uint8_t *arena, size_t arena_len,
    bool writable, mml_py_err_t *e) {
    if (!writable) {
        return mml_py_fail(e, MML_PY_MSG_ARENA_NOT_WRITABLE);
    }
    if ((uintptr_t)arena % MML_ARENA_BASE_ALIGN != 0) {
        return mml_py_fail(e, MML_PY_MSG_ARENA_UNALIGNED, (uint32_t)MML_ARENA_BASE_ALIGN);
    }
    mml_error_t err;
    err.msg[0] = '\0';
    if (arena_len < pm->model.arena_bytes) {
        err.needed = pm->model.arena_bytes;
        err.got = arena_len > UINT32_MAX ? UINT32_MAX : (uint32_t)arena_len;
        return mml_py_status(e, MML_ERR_ARENA_TOO_SMALL, &err);
    }
    if (!mml_py_status(e, mml_model_prepare(&pm->model, work, arena, arena_len, &err), &err)) {
        return false;
    }
    pm->arena = arena;
    pm->arena_len = arena_len;
    return true;
}

bool mml_py_model_check(const mml_py_model_t *pm, const uint8_t *buf, size_t len,
    const uint8_t *arena, size_t arena_len, mml_py_err_t *e) {
    if (buf != pm->buf || len != pm->len) {
        return mml_py_fail(e, MML_PY_MSG_MODEL_MOVED);
    }
    if (arena != NULL && (arena != pm->arena || arena_len != pm->arena_len)) {
        return mml_py_fail(e, MML_PY_MSG_ARENA_MOVED);
    }
    return true;
}

void mml_py_model_repr(const mml_py_model_t *pm, char *out, size_t out_len) {
    mml_py_err_t b; // its msg is a convenient bounded string builder
    size_t pos = 0;
    const mml_model_t *m = &pm->model;
    put(&b, &pos, "<microml.Model ");
    for (uint32_t k = 0; k < m->n_inputs + m->n_outputs; k++) {
        const mml_tensor_info_t *t = &pm->io[k];
        put(&b, &pos, k == 0 ? "" : k == m->n_inputs ? " -> " : ", ");
        put(&b, &pos, mml_dtype_name((mml_dtype_t)t->dtype));
        put(&b, &pos, "[");
        for (uint8_t d = 0; d < t->rank; d++) {
            put(&b, &pos, d > 0 ? "," : "");
            put_int(&b, &pos, t->shape[d]);
        }
        put(&b, &pos, "]");
    }
    put(&b, &pos, ", ");
    put_uint(&b, &pos, m->n_ops);
    put(&b, &pos, " ops, arena ");
    put_uint(&b, &pos, m->arena_bytes);
    put(&b, &pos, " bytes>");
    size_t n = pos < out_len ? pos : out_len - 1;
    memcpy(out, b.msg, n);
    out[n] = '\0';
}

uint32_t mml_py_model_n_labels(const mml_py_model_t *pm) {
    return mml_model_label_count(&pm->model);
}

const char *mml_py_model_label(const mml_py_model_t *pm, uint32_t i, uint32_t *n) {
    return mml_model_label(&pm->model, i, n);
}

// ---------------------------------------------------------------------------------------------
// Inputs

uint8_t mml_py_typecode_dtype(char typecode, size_t itemsize) {
    bool is_signed;
    switch (typecode) {
        case 'f':
            return itemsize == 4 ? MML_FLOAT32 : MML_DTYPE_COUNT;
        case 'd':
            return itemsize == 8 ? MML_FLOAT64 : MML_DTYPE_COUNT;
        case 'e':
            return itemsize == 2 ? MML_FLOAT16 : MML_DTYPE_COUNT;
        case '?':
            return itemsize == 1 ? MML_BOOL : MML_DTYPE_COUNT;
        case 'b':
        case 'h':
        case 'i':
        case 'l':
        case 'q':
        case 'n':
            is_signed = true;
            break;
        case 'B':
        case 'H':
        case 'I':
        case 'L':
        case 'Q':
        case 'N':
            is_signed = false;
            break;
        default:
            return MML_DTYPE_COUNT;
    }
    switch (itemsize) {
        case 1:
            return is_signed ? MML_INT8 : MML_UINT8;
        case 2:
            return is_signed ? MML_INT16 : MML_UINT16;
        case 4:
            return is_signed ? MML_INT32 : MML_UINT32;
        case 8:
            return is_signed ? MML_INT64 : MML_UINT64;
        default:
            return MML_DTYPE_COUNT;
    }
}

char mml_py_dtype_typecode(uint8_t dtype) {
    switch (dtype) {
        case MML_INT8:
            return 'b';
        case MML_UINT8:
        case MML_BOOL:
            return 'B';
        case MML_INT16:
            return 'h';
        case MML_UINT16:
            return 'H';
        case MML_INT32:
            return 'i';
        case MML_UINT32:
            return 'I';
        case MML_INT64:
            return 'q';
        case MML_UINT64:
            return 'Q';
        case MML_FLOAT32:
            return 'f';
        case MML_FLOAT64:
            return 'd';
        default:
            return 0;
    }
}

static uint32_t elements(const mml_tensor_info_t *t) {
    uint32_t size = mml_dtype_size((mml_dtype_t)t->dtype);
    return size > 0 ? t->bytes / size : 0;
}

static bool is_float_dtype(uint8_t dtype) {
    return dtype == MML_FLOAT32 || dtype == MML_FLOAT64 || dtype == MML_FLOAT16;
}

// An IEEE 754 half (numpy float16) as a float, by its bits (every half is exact in a float).
static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13); // infinity or NaN
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (man << 13); // rebias 15 -> 127
    } else if (man == 0) {
        bits = sign; // +-0
    } else {
        // Subnormal half (man * 2^-24): normalize it, a normal float.
        exp = 113;
        while ((man & 0x400) == 0) {
            man <<= 1;
            exp--;
        }
        bits = sign | (exp << 23) | ((man & 0x3ff) << 13);
    }
    float v;
    memcpy(&v, &bits, 4);
    return v;
}

// Element k of a typed buffer as a float.
static float typed_get(const mml_py_value_t *v, size_t k) {
    const uint8_t *p = v->data + k * mml_dtype_size((mml_dtype_t)v->dtype);
    switch (v->dtype) {
        case MML_INT8:
            return (float)(int8_t)p[0];
        case MML_UINT8:
        case MML_BOOL:
            return (float)p[0];
        case MML_INT16: {
            int16_t x;
            memcpy(&x, p, 2);
            return (float)x;
        }
        case MML_UINT16: {
            uint16_t x;
            memcpy(&x, p, 2);
            return (float)x;
        }
        case MML_INT32: {
            int32_t x;
            memcpy(&x, p, 4);
            return (float)x;
        }
        case MML_UINT32: {
            uint32_t x;
            memcpy(&x, p, 4);
            return (float)x;
        }
        case MML_INT64: {
            int64_t x;
            memcpy(&x, p, 8);
            return (float)x;
        }
        case MML_UINT64: {
            uint64_t x;
            memcpy(&x, p, 8);
            return (float)x;
        }
        case MML_FLOAT64: {
            double x;
            memcpy(&x, p, 8);
            return (float)x;
        }
        case MML_FLOAT16: {
            uint16_t x;
            memcpy(&x, p, 2);
            return half_to_float(x);
        }
        default: { // MML_FLOAT32
            float x;
            memcpy(&x, p, 4);
            return x;
        }
    }
}

// The batch size of a typed value with shape for tensor t, or 0 if its shape is not a batch.
static uint32_t batch_of(const mml_tensor_info_t *t, const mml_py_value_t *v) {
    if (v->ndim == 0 || v->shape[0] < 2 || v->shape[0] > UINT32_MAX) {
        return 0;
    }
    const size_t *rest = v->shape + 1;
    uint8_t skip; // leading tensor dims the value's shape leaves out
    if (v->ndim == t->rank && t->rank >= 1 && t->shape[0] == 1) {
        skip = 1; // (N, *shape[1:])
    } else if (v->ndim == t->rank + 1) {
        skip = 0; // (N, *shape)
    } else {
        return 0;
    }
    for (uint8_t d = skip; d < t->rank; d++) {
        if (rest[d - skip] != (size_t)t->shape[d]) {
            return 0;
        }
    }
    return (uint32_t)v->shape[0];
}

bool mml_py_input_check(const mml_py_model_t *pm, uint32_t i, const mml_py_value_t *v,
    uint32_t *batch, mml_py_err_t *e) {
    const mml_tensor_info_t *t = &pm->io[i];
    uint32_t n = elements(t);
    *batch = 1;
    switch (v->kind) {
        case MML_PY_VAL_RAW:
            if (v->len != t->bytes) {
                return mml_py_fail(e, MML_PY_MSG_INPUT_BYTES, i, t->bytes, (uint32_t)v->len);
            }
            return true;
        case MML_PY_VAL_SEQ:
            if (v->len != n) {
                return mml_py_fail(e, MML_PY_MSG_INPUT_VALUES, i, n, (uint32_t)v->len);
            }
            return true;
        case MML_PY_VAL_TYPED:
            break;
        default:
            return mml_py_fail(e, MML_PY_MSG_INPUT_KIND, i);
    }
    uint32_t size = mml_dtype_size((mml_dtype_t)v->dtype);
    if (v->dtype >= MML_DTYPE_COUNT || size == 0) {
        return mml_py_fail(e, MML_PY_MSG_INPUT_TYPECODE, i, (int)v->typecode);
    }
    // Values of another type are taken as real values (quantized for a quantized tensor) only
    // when they are floats, or when the tensor is float: an integer array of another integer
    // type is ambiguous (raw values or real values?) and refused.
    if (v->dtype != t->dtype && !is_float_dtype(v->dtype) && !is_float_dtype(t->dtype)) {
        return mml_py_fail(e, MML_PY_MSG_INPUT_DTYPE, i, mml_dtype_name((mml_dtype_t)t->dtype),
            mml_dtype_name((mml_dtype_t)v->dtype), mml_dtype_name((mml_dtype_t)t->dtype));
    }
    size_t count = v->len / size;
    if (count == n) {
        return true;
    }
    uint32_t b = batch_of(t, v);
    if (b >= 2 && count == (size_t)b * n) {
        *batch = b;
        return true;
    }
    return mml_py_fail(e, MML_PY_MSG_INPUT_VALUES, i, n, (uint32_t)count);
}

bool mml_py_batch_agree(uint32_t i, uint32_t batch, uint32_t first, mml_py_err_t *e) {
    return batch == first || mml_py_fail(e, MML_PY_MSG_BATCH_MISMATCH, i, batch, first);
}

bool mml_py_input_set(mml_py_model_t *pm, uint32_t i, const mml_py_value_t *v, uint32_t k,
    mml_py_err_t *e) {
    const mml_tensor_info_t *t = &pm->io[i];
    uint8_t *data = mml_model_input_data(&pm->model, i);
    uint32_t n = elements(t);
    if (v->kind == MML_PY_VAL_RAW) {
        memcpy(data, v->data, t->bytes);
    } else if (v->kind == MML_PY_VAL_SEQ) {
        for (uint32_t j = 0; j < n; j++) {
            float x;
            if (!v->get(v->ctx, j, &x)) {
                return mml_py_fail(e, MML_PY_MSG_INPUT_ITEM, i, j);
            }
            mml_tensor_set_float(t, data, j, x);
        }
    } else if (v->dtype == t->dtype) {
        memcpy(data, v->data + (size_t)k * t->bytes, t->bytes);
    } else {
        for (uint32_t j = 0; j < n; j++) {
            mml_tensor_set_float(t, data, j, typed_get(v, (size_t)k * n + j));
        }
    }
    return true;
}

bool mml_py_invoke(mml_py_model_t *pm, mml_py_err_t *e) {
    mml_error_t err;
    err.msg[0] = '\0';
    return mml_py_status(e, mml_model_invoke(&pm->model, &err), &err);
}

// ---------------------------------------------------------------------------------------------
// Outputs

const mml_tensor_info_t *mml_py_output_info(const mml_py_model_t *pm, uint32_t i) {
    return &pm->io[pm->model.n_inputs + i];
}

uint32_t mml_py_output_count(const mml_py_model_t *pm, uint32_t i) {
    return elements(mml_py_output_info(pm, i));
}

size_t mml_py_output_bytes(const mml_py_model_t *pm, uint32_t i, mml_py_out_mode_t mode) {
    const mml_tensor_info_t *t = mml_py_output_info(pm, i);
    return mode == MML_PY_OUT_FLOAT ? (size_t)elements(t) * 4 : t->bytes;
}

char mml_py_output_typecode(const mml_py_model_t *pm, uint32_t i, mml_py_out_mode_t mode) {
    return mode == MML_PY_OUT_FLOAT ? 'f' : mml_py_dtype_typecode(mml_py_output_info(pm, i)->dtype);
}

bool mml_py_out_check(const mml_py_model_t *pm, uint32_t i, mml_py_out_mode_t mode,
    uint32_t batch, bool writable, size_t len, mml_py_err_t *e) {
    if (!writable) {
        return mml_py_fail(e, MML_PY_MSG_OUT_NOT_WRITABLE, i);
    }
    size_t need = mml_py_output_bytes(pm, i, mode) * batch;
    if (len != need) {
        return mml_py_fail(e, MML_PY_MSG_OUTPUT_BYTES, i, (uint32_t)need, (uint32_t)len);
    }
    return true;
}

void mml_py_output_copy(const mml_py_model_t *pm, uint32_t i, mml_py_out_mode_t mode,
    uint8_t *dst) {
    const mml_tensor_info_t *t = mml_py_output_info(pm, i);
    const void *data = mml_model_output_data(&pm->model, i);
    if (mode == MML_PY_OUT_RAW || t->dtype == MML_FLOAT32) {
        memcpy(dst, data, t->bytes);
        return;
    }
    uint32_t n = elements(t);
    for (uint32_t j = 0; j < n; j++) {
        float x = mml_tensor_get_float(t, data, j);
        memcpy(dst + 4 * (size_t)j, &x, 4);
    }
}

bool mml_py_output_index(const mml_py_model_t *pm, int32_t i, mml_py_err_t *e) {
    if (i < 0 || (uint32_t)i >= pm->model.n_outputs) {
        return mml_py_fail(e, MML_PY_MSG_OUTPUT_INDEX, i, pm->model.n_outputs);
    }
    return true;
}

// Element j of output i dequantized (every dtype orders the same as its dequantized values,
// since scale > 0).
static float out_value(const mml_py_model_t *pm, uint32_t i, uint32_t j) {
    return mml_tensor_get_float(mml_py_output_info(pm, i), mml_model_output_data(&pm->model, i), j);
}

uint32_t mml_py_argmax(const mml_py_model_t *pm, uint32_t i) {
    uint32_t n = mml_py_output_count(pm, i), best = 0;
    for (uint32_t j = 1; j < n; j++) {
        if (out_value(pm, i, j) > out_value(pm, i, best)) {
            best = j;
        }
    }
    return best;
}

bool mml_py_top_k_check(const mml_py_model_t *pm, uint32_t i, int32_t k, mml_py_err_t *e) {
    uint32_t n = mml_py_output_count(pm, i);
    if (k < 1 || (uint32_t)k > n) {
        return mml_py_fail(e, MML_PY_MSG_TOPK_K, n, k);
    }
    return true;
}

void mml_py_top_k(const mml_py_model_t *pm, uint32_t i, uint32_t k, uint8_t *idx, uint8_t *score) {
    // k passes of selection: O(k n), no scratch memory; k is small in practice.
    uint32_t n = mml_py_output_count(pm, i);
    float prev = 0.0f;
    uint32_t prev_j = 0;
    for (uint32_t r = 0; r < k; r++) {
        int32_t best = -1;
        float best_v = 0.0f;
        for (uint32_t j = 0; j < n; j++) {
            float x = out_value(pm, i, j);
            // Only elements after the previous pick in (value desc, index asc) order.
            if (r > 0 && (x > prev || (x == prev && j <= prev_j))) {
                continue;
            }
            if (best < 0 || x > best_v) {
                best = (int32_t)j;
                best_v = x;
            }
        }
        memcpy(idx + 4 * (size_t)r, &best, 4);
        memcpy(score + 4 * (size_t)r, &best_v, 4);
        prev = best_v;
        prev_j = (uint32_t)best;
    }
}

bool mml_py_top_k_out_check(uint32_t k, bool writable, char idx_tc, size_t idx_len,
    char score_tc, size_t score_len, mml_py_err_t *e) {
    if (!writable || (idx_tc != 'i' && idx_tc != 'l') || idx_len != 4 * (size_t)k ||
        score_tc != 'f' || score_len != 4 * (size_t)k) {
        return mml_py_fail(e, MML_PY_MSG_TOPK_OUT, k, k);
    }
    return true;
}

bool mml_py_one_at_a_time(const char *what, mml_py_err_t *e) {
    return mml_py_fail(e, MML_PY_MSG_ONE_AT_A_TIME, what);
}

// ---------------------------------------------------------------------------------------------
// Classical models (scikit-learn): the API of ClassicModel, written once.
#if MML_ENABLE_CLASSIC

bool mml_py_classic_load(mml_py_classic_t *pc, const uint8_t *buf, size_t len, mml_py_err_t *e) {
    memset(pc, 0, sizeof(*pc));
    if ((uintptr_t)buf % 4 != 0) {
        return mml_py_fail(e, MML_PY_MSG_MODEL_UNALIGNED);
    }
    if ((uint64_t)len > UINT32_MAX) {
        return mml_py_fail(e, MML_PY_MSG_MODEL_TOO_BIG);
    }
    mml_error_t err;
    err.msg[0] = '\0';
    if (!mml_py_status(e, mml_classic_load(&pc->m, buf, len, &err), &err)) {
        return false;
    }
    pc->buf = buf;
    pc->len = len;
    return true;
}

bool mml_py_classic_check(const mml_py_classic_t *pc, const uint8_t *buf, size_t len,
    mml_py_err_t *e) {
    return (buf == pc->buf && len == pc->len) || mml_py_fail(e, MML_PY_MSG_MODEL_MOVED);
}

size_t mml_py_classic_work_floats(const mml_py_classic_t *pc) {
    // The sample, the core's scratch, then the result (no stage is wider than max_width).
    return (size_t)pc->m.n_features + mml_classic_scratch_floats(&pc->m) + pc->m.max_width;
}

static const char *stage_name(uint16_t kind) {
    switch (kind) {
        case MML_CLASSIC_TREES:
            return "trees";
        case MML_CLASSIC_LINEAR:
            return "linear";
        case MML_CLASSIC_AFFINE:
            return "scaler";
        case MML_CLASSIC_NORMALIZER:
            return "normalizer";
        case MML_CLASSIC_PCA:
            return "pca";
        case MML_CLASSIC_DENSE:
            return "dense";
        case MML_CLASSIC_GAUSSIAN_NB:
            return "gaussian_nb";
        case MML_CLASSIC_SVM:
            return "svm";
        case MML_CLASSIC_CENTROIDS:
            return "centroids";
        case MML_CLASSIC_GMM:
            return "gmm";
        case MML_CLASSIC_KNN:
            return "knn";
        case MML_CLASSIC_MAHALANOBIS:
            return "mahalanobis";
        default:
            return "?";
    }
}

static void classic_kind(const mml_py_classic_t *pc, mml_py_err_t *b, size_t *pos) {
    const mml_classic_t *m = &pc->m;
    for (uint32_t s = 0; s < m->n_stages; s++) {
        const uint8_t *p = m->buf + m->stage[s];
        put(b, pos, s > 0 ? "+" : "");
        put(b, pos, stage_name((uint16_t)(p[0] | p[1] << 8)));
    }
    put(b, pos,
        m->task == MML_CLASSIC_CLASSIFIER       ? " classifier"
            : m->task == MML_CLASSIC_REGRESSOR  ? " regressor"
            : m->task == MML_CLASSIC_COVARIANCE ? " covariance"
                                                : " transformer");
}

static void copy_out(const mml_py_err_t *b, size_t pos, char *out, size_t out_len) {
    size_t n = pos < out_len ? pos : out_len - 1;
    memcpy(out, b->msg, n);
    out[n] = '\0';
}

void mml_py_classic_kind(const mml_py_classic_t *pc, char *out, size_t out_len) {
    mml_py_err_t b;
    size_t pos = 0;
    b.msg[0] = '\0';
    classic_kind(pc, &b, &pos);
    copy_out(&b, pos, out, out_len);
}

void mml_py_classic_repr(const mml_py_classic_t *pc, char *out, size_t out_len) {
    mml_py_err_t b;
    size_t pos = 0;
    put(&b, &pos, "<microml.ClassicModel ");
    classic_kind(pc, &b, &pos);
    put(&b, &pos, ", ");
    put_uint(&b, &pos, pc->m.n_features);
    put(&b, &pos, " features");
    if (pc->m.n_classes > 0) {
        put(&b, &pos, ", ");
        put_uint(&b, &pos, pc->m.n_classes);
        put(&b, &pos, " classes");
    }
    put(&b, &pos, ", ");
    put_uint(&b, &pos, pc->m.len);
    put(&b, &pos, " bytes>");
    copy_out(&b, pos, out, out_len);
}

bool mml_py_classic_has(const mml_py_classic_t *pc, mml_classic_what_t what, const char *name,
    mml_py_err_t *e) {
    bool ok = what == MML_CLASSIC_PREDICT
        ? pc->m.task == MML_CLASSIC_CLASSIFIER || pc->m.task == MML_CLASSIC_REGRESSOR
        : mml_classic_outputs(&pc->m, what) > 0;
    if (!ok) {
        char kind[64];
        mml_py_classic_kind(pc, kind, sizeof(kind));
        return mml_py_fail(e, MML_PY_MSG_CLASSIC_NO_METHOD, kind, name);
    }
    return true;
}

uint32_t mml_py_classic_width(const mml_py_classic_t *pc, mml_classic_what_t what) {
    if (what == MML_CLASSIC_PREDICT && pc->m.task == MML_CLASSIC_CLASSIFIER) {
        return 1;
    }
    return mml_classic_outputs(&pc->m, what);
}

char mml_py_classic_typecode(const mml_py_classic_t *pc, mml_classic_what_t what) {
    return what == MML_CLASSIC_PREDICT && pc->m.task == MML_CLASSIC_CLASSIFIER ? 'i' : 'f';
}

bool mml_py_classic_input(const mml_py_classic_t *pc, const mml_py_value_t *v, int32_t n,
    uint32_t *batch, bool *is_batch, mml_py_err_t *e) {
    uint32_t nf = pc->m.n_features;
    size_t count;
    *batch = 1;
    *is_batch = n >= 0;
    if (n == 0 || (n > 0 && v->kind == MML_PY_VAL_SEQ)) {
        return n == 0 ? mml_py_fail(e, MML_PY_MSG_CLASSIC_N_ZERO) : mml_py_fail(e, MML_PY_MSG_CLASSIC_N_FLAT, nf);
    }
    switch (v->kind) {
        case MML_PY_VAL_SEQ:
            count = v->len;
            break;
        case MML_PY_VAL_RAW: // raw bytes: float32 values
            if (v->len % 4 != 0) {
                return mml_py_fail(e, MML_PY_MSG_CLASSIC_X_BYTES, (uint32_t)v->len);
            }
            count = v->len / 4;
            break;
        case MML_PY_VAL_TYPED: {
            uint32_t size = mml_dtype_size((mml_dtype_t)v->dtype);
            if (v->dtype >= MML_DTYPE_COUNT || size == 0) {
                return mml_py_fail(e, MML_PY_MSG_CLASSIC_X_TYPECODE, v->typecode);
            }
            count = v->len / size;
            if (v->ndim == 2) {
                *is_batch = true;
                if (v->shape[1] != nf || (n > 0 && v->shape[0] != (size_t)n)) {
                    return mml_py_fail(e, MML_PY_MSG_CLASSIC_X_COLUMNS, (uint32_t)v->shape[1], nf);
                }
            } else if (v->ndim > 2) {
                return mml_py_fail(e, MML_PY_MSG_CLASSIC_X_RANK);
            }
            break;
        }
        default:
            return mml_py_fail(e, MML_PY_MSG_CLASSIC_X_KIND);
    }
    if (*is_batch) {
        if (count == 0 || count % nf != 0 || count / nf > UINT32_MAX ||
            (n > 0 && count != (size_t)n * nf)) {
            return mml_py_fail(e, MML_PY_MSG_CLASSIC_X_BATCH, (uint32_t)count, (int32_t)n, nf);
        }
        *batch = (uint32_t)(count / nf);
        return true;
    }
    if (count != nf) {
        return mml_py_fail(e, MML_PY_MSG_CLASSIC_X_FEATURES, (uint32_t)count, nf);
    }
    return true;
}

bool mml_py_classic_out_check(const mml_py_classic_t *pc, mml_classic_what_t what,
    uint32_t batch, bool writable, char typecode, size_t len, mml_py_err_t *e) {
    char tc = mml_py_classic_typecode(pc, what);
    size_t need = (size_t)mml_py_classic_width(pc, what) * batch * 4;
    if (!writable) {
        return mml_py_fail(e, MML_PY_MSG_CLASSIC_OUT_NOT_WRITABLE);
    }
    if (typecode != tc && !(tc == 'i' && typecode == 'l' && need == len)) {
        return mml_py_fail(e, MML_PY_MSG_CLASSIC_OUT_TYPECODE, tc, typecode);
    }
    if (len != need) {
        return mml_py_fail(e, MML_PY_MSG_CLASSIC_OUT_BYTES, (uint32_t)need, (uint32_t)len);
    }
    return true;
}

bool mml_py_classic_call_fast(const mml_py_classic_t *pc, mml_classic_what_t what,
    const void *x, size_t x_len, char x_tc, void *out, size_t out_len, char out_tc, float *work) {
    const mml_classic_t *m = &pc->m;
    if (x_tc != 'f' || x_len != (size_t)m->n_features * 4 || (uintptr_t)x % 4 != 0 ||
        (uintptr_t)out % 4 != 0) {
        return false;
    }
    float *scratch = work + m->n_features;
    if (what == MML_CLASSIC_PREDICT && m->task == MML_CLASSIC_CLASSIFIER) {
        if (out_len != 4 || (out_tc != 'i' && out_tc != 'l')) {
            return false;
        }
        *(int32_t *)out = m->classes[mml_classic_predict_class(m, x, scratch)];
        return true;
    }
    // Every other method gives mml_classic_outputs() floats (0: the model has no such method).
    uint32_t n = mml_classic_outputs(m, what);
    if (n == 0 || out_len != (size_t)n * 4 || out_tc != 'f') {
        return false;
    }
    return mml_classic_run(m, what, x, out, scratch) == MML_OK;
}

bool mml_py_classic_run(const mml_py_classic_t *pc, mml_classic_what_t what,
    const mml_py_value_t *v, uint32_t k, float *work, uint8_t *dst, mml_py_err_t *e) {
    const mml_classic_t *m = &pc->m;
    uint32_t nf = m->n_features;
    float *x = work, *scratch = work + nf;
    const uint8_t *row = v->data + (size_t)k * nf * 4;
    if ((v->kind == MML_PY_VAL_RAW || (v->kind == MML_PY_VAL_TYPED && v->dtype == MML_FLOAT32)) &&
        (uintptr_t)row % 4 == 0) {
        x = (float *)(uintptr_t)row; // aligned float32 samples: read in place
    } else if (v->kind == MML_PY_VAL_RAW ||
        (v->kind == MML_PY_VAL_TYPED && v->dtype == MML_FLOAT32)) {
        // float32 samples (bytes, array('f'), numpy float32): the row in one copy
        memcpy(x, row, (size_t)nf * 4);
    } else {
        for (uint32_t j = 0; j < nf; j++) {
            size_t at = (size_t)k * nf + j;
            if (v->kind == MML_PY_VAL_SEQ) {
                if (!v->get(v->ctx, at, &x[j])) {
                    return mml_py_fail(e, MML_PY_MSG_CLASSIC_X_ITEM, j);
                }
            } else {
                x[j] = typed_get(v, at);
            }
        }
    }
    if (what == MML_CLASSIC_PREDICT && m->task == MML_CLASSIC_CLASSIFIER) {
        int32_t label = m->classes[mml_classic_predict_class(m, x, scratch)];
        memcpy(dst, &label, 4);
        return true;
    }
    // The result goes after the scratch, then is copied (dst may be unaligned).
    uint32_t n = mml_classic_outputs(m, what);
    float *res = scratch + mml_classic_scratch_floats(m);
    mml_status_t st = mml_classic_run(m, what, x, res, scratch);
    if (st != MML_OK) {
        return mml_py_status(e, st, NULL);
    }
    memcpy(dst, res, (size_t)n * 4);
    return true;
}

#endif // MML_ENABLE_CLASSIC
