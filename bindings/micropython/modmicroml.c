// SPDX-License-Identifier: MIT
// The MicroPython face of microml: a thin adapter from MicroPython objects to the API written
// once in bindings/common/mml_py.c (checks, conversions, messages). Here: buffer and sequence
// access, allocation, array.array results, and the one mapping of an error kind to an exception.
// One file builds both the user C module (firmware) and the native .mpy
// (MICROPY_ENABLE_DYNRUNTIME). Cost: a Model object is sizeof(mml_py_model_t) + 6 references
// and its tensor infos; predict(x, out=y) allocates nothing.
#if MICROPY_ENABLE_DYNRUNTIME
#include "py/dynruntime.h"
#include "float_abi.h"
#else
#include "py/runtime.h"
#include "py/objstr.h"
#include "py/binary.h"
#endif
#include <string.h>
#include "py/objarray.h"
#include "py/objtuple.h"
#include "microml/microml.h"
#include "../common/mml_py.h"
#include "../common/mml_py_gesture.h"
#include "../common/mml_py_stream.h"
#include "../common/mml_py_anomaly.h"

// Float objects exist. mk/micropython.mk builds every .mpy with float on (the core needs float
// anyway); a build without float still runs models, takes integer lists and reports scale None.
#define MICROML_HAS_FLOAT (MICROPY_FLOAT_IMPL != MICROPY_FLOAT_IMPL_NONE)
// The gesture API (rasterize_stroke, stroke_from_gyro, IMUFeatures): floats and the DSP front ends.
#define MICROML_HAS_GESTURE (MICROML_HAS_FLOAT && MML_ENABLE_DSP)

#if MICROPY_ENABLE_DYNRUNTIME
// Types of a .mpy live in RAM and are filled in by mpy_init (a .mpy has no ROM type objects).
mp_obj_full_type_t microml_model_type;
mp_obj_full_type_t microml_tensorinfo_type;
#define MICROML_MODEL_TYPE ((mp_obj_type_t *)&microml_model_type)
// Only what the build uses: an unused type object left in a custom armv7emsp .mpy (classic off)
// made that module's attribute lookups fail on the board (tests/mpy/run's custom faces).
#if MML_ENABLE_CLASSIC
mp_obj_full_type_t microml_classic_type;
#define MICROML_CLASSIC_TYPE ((mp_obj_type_t *)&microml_classic_type)
mp_obj_full_type_t microml_classic_method_type;
#define MICROML_CLASSIC_METHOD_TYPE ((mp_obj_type_t *)&microml_classic_method_type)
#endif
#define MICROML_TENSORINFO_TYPE ((mp_obj_type_t *)&microml_tensorinfo_type)
#if MICROML_HAS_GESTURE
mp_obj_full_type_t microml_imu_type;
#endif
#if MML_ENABLE_DSP
mp_obj_full_type_t microml_detector_type; // ---- anomaly ----
#define MICROML_DETECTOR_TYPE ((mp_obj_type_t *)&microml_detector_type)
mp_obj_full_type_t microml_wakeword_type;
mp_obj_full_type_t microml_audio_stream_type;
#endif
// The native glue's getiter returns NULL when given a buffer: the iterator is then the buffer,
// or buf[0] if the buffer's type was cleared.
static mp_obj_t microml_getiter(mp_obj_t o, mp_obj_iter_buf_t *buf) {
    mp_obj_t r = mp_fun_table.getiter(o, buf);
    if (r == MP_OBJ_NULL && buf != NULL) {
        r = buf->base.type == MP_OBJ_NULL ? buf->buf[0] : MP_OBJ_FROM_PTR(buf);
    }
    return r;
}
#define MICROML_GETITER(o, buf) (microml_getiter((o), (buf)))
#else
extern const mp_obj_type_t microml_model_type;
extern const mp_obj_type_t microml_tensorinfo_type;
extern const mp_obj_type_t microml_classic_type;
extern const mp_obj_type_t microml_classic_method_type;
#define MICROML_MODEL_TYPE (&microml_model_type)
#define MICROML_CLASSIC_TYPE (&microml_classic_type)
#define MICROML_CLASSIC_METHOD_TYPE (&microml_classic_method_type)
#define MICROML_TENSORINFO_TYPE (&microml_tensorinfo_type)
extern const mp_obj_type_t microml_detector_type; // ---- anomaly ----
#define MICROML_DETECTOR_TYPE (&microml_detector_type)
#define MICROML_GETITER(o, buf) (mp_getiter((o), (buf)))
#endif

typedef struct _microml_model_obj_t {
    mp_obj_base_t base;
    mp_obj_t buf;      // the model bytes' owner: borrowed by pm, kept alive here
    mp_obj_t arena;    // the caller's arena, or None
    void *arena_alloc; // else our own arena
    mp_obj_t inputs;   // tuple of TensorInfo
    mp_obj_t outputs;  // tuple of TensorInfo
    mp_obj_t labels;   // tuple of str, or None
    mml_py_model_t pm;
} microml_model_obj_t;

typedef struct _microml_tensorinfo_obj_t {
    mp_obj_base_t base;
    mp_obj_t items; // (index, name, shape, dtype, scale, zero_point)
} microml_tensorinfo_obj_t;

/******************************************************************************/
// Errors: the one place where an error kind becomes an exception.

static NORETURN void raise_err(const mml_py_err_t *e) {
    const mp_obj_type_t *type;
    switch (e->kind) {
        case MML_PY_EXC_TYPE:
            type = &mp_type_TypeError;
            break;
        case MML_PY_EXC_MEMORY:
#if MICROPY_ENABLE_DYNRUNTIME
            type = MP_OBJ_TO_PTR(mp_load_global(MP_QSTR_MemoryError));
#else
            type = &mp_type_MemoryError;
#endif
            break;
        case MML_PY_EXC_NOT_IMPLEMENTED:
            type = &mp_type_NotImplementedError;
            break;
        case MML_PY_EXC_RUNTIME:
            type = &mp_type_RuntimeError;
            break;
        default:
            type = &mp_type_ValueError;
            break;
    }
    mp_raise_type_arg(type, mp_obj_new_str(e->msg, strlen(e->msg)));
}

static void check(bool ok, const mml_py_err_t *e) {
    if (!ok) {
        raise_err(e);
    }
}

static qstr type_name(mp_obj_t o) {
    return ((const mp_obj_type_t *)mp_obj_get_type(o))->name;
}

/******************************************************************************/
// TensorInfo: a read-only record (index, name, shape, dtype, scale, zero_point) that also
// indexes and unpacks like a tuple, as CPython's struct sequence does.

static mp_obj_t tensorinfo_new(const mml_tensor_info_t *info) {
    microml_tensorinfo_obj_t *self =
        mp_obj_malloc(microml_tensorinfo_obj_t, MICROML_TENSORINFO_TYPE);
    mp_obj_t dims[MML_MAX_DIMS];
    for (size_t i = 0; i < info->rank && i < MML_MAX_DIMS; i++) {
        dims[i] = mp_obj_new_int(info->shape[i]);
    }
    const char *dtype = mml_dtype_name((mml_dtype_t)info->dtype);
    const char *name = info->name != NULL ? info->name : "";
    mp_obj_t items[6] = {
        mp_obj_new_int_from_uint(info->index),
        mp_obj_new_str(name, strlen(name)),
        mp_obj_new_tuple(info->rank < MML_MAX_DIMS ? info->rank : MML_MAX_DIMS, dims),
        mp_obj_new_str(dtype, strlen(dtype)),
#if MICROML_HAS_FLOAT
        mp_obj_new_float((mp_float_t)info->scale),
#else
        mp_const_none,
#endif
        mp_obj_new_int(info->zero_point),
    };
    self->items = mp_obj_new_tuple(6, items);
    return MP_OBJ_FROM_PTR(self);
}

// microml.TensorInfo(index=0, name='x', shape=(1, 1), dtype='int8', scale=0.0245, zero_point=-128),
// as CPython prints its struct sequence. Each value is printed by the builtin repr().
static void tensorinfo_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    microml_tensorinfo_obj_t *self = MP_OBJ_TO_PTR(self_in);
    const mp_obj_tuple_t *t = MP_OBJ_TO_PTR(self->items);
    static const char *const fields[] = {"index", "name", "shape", "dtype", "scale", "zero_point"};
    mp_obj_t repr_fn = mp_load_global(MP_QSTR_repr);
    mp_printf(print, "microml.TensorInfo(");
    for (size_t i = 0; i < 6; i++) {
        mp_buffer_info_t text;
        mp_obj_t r = mp_call_function_n_kw(repr_fn, 1, 0, &t->items[i]);
        mp_get_buffer_raise(r, &text, MP_BUFFER_READ);
        mp_printf(print, "%s%s=%.*s", i > 0 ? ", " : "", fields[i], (int)text.len,
            (const char *)text.buf);
    }
    mp_printf(print, ")");
}

static void tensorinfo_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return; // read-only
    }
    microml_tensorinfo_obj_t *self = MP_OBJ_TO_PTR(self_in);
    const mp_obj_tuple_t *t = MP_OBJ_TO_PTR(self->items);
    // Not static: in a .mpy, MP_QSTR_ values are only known at run time.
    const qstr fields[6] = {MP_QSTR_index, MP_QSTR_name, MP_QSTR_shape, MP_QSTR_dtype,
        MP_QSTR_scale, MP_QSTR_zero_point};
    for (size_t i = 0; i < 6; i++) {
        if (attr == fields[i]) {
            dest[0] = t->items[i];
        }
    }
}

static mp_obj_t tensorinfo_subscr(mp_obj_t self_in, mp_obj_t index, mp_obj_t value) {
    microml_tensorinfo_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (value != MP_OBJ_SENTINEL) {
        return MP_OBJ_NULL; // read-only
    }
    return mp_obj_subscr(self->items, index, value);
}

static mp_obj_t tensorinfo_getiter(mp_obj_t self_in, mp_obj_iter_buf_t *iter_buf) {
    microml_tensorinfo_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return MICROML_GETITER(self->items, iter_buf);
}

/******************************************************************************/
// Python values as mml_py_value_t

#if MICROML_HAS_FLOAT
typedef mp_float_t value_t;
#else
typedef mp_int_t value_t;
#endif

// A list / tuple item as a float (SEQ values): ints, floats and bools only.
static bool seq_get(void *ctx, size_t k, float *v) {
    size_t n;
    mp_obj_t *items;
    mp_obj_get_array(ctx, &n, &items);
    if (k >= n) {
        return false;
    }
    mp_obj_t o = items[k];
    if (!mp_obj_is_small_int(o)) {
        qstr t = type_name(o);
        if (t != MP_QSTR_int && t != MP_QSTR_float && t != MP_QSTR_bool) {
            return false;
        }
    }
#if MICROML_HAS_FLOAT
    *v = (float)mp_obj_get_float(o);
#else
    *v = (float)mp_obj_get_int(o);
#endif
    return true;
}

// Item size of a buffer typecode (the ones array.array and memoryview have).
static size_t typecode_size(char tc) {
    switch (tc) {
        case 'h':
        case 'H':
            return 2;
        case 'i':
        case 'I':
        case 'f':
            return 4;
        case 'l':
        case 'L':
            return sizeof(long);
        case 'q':
        case 'Q':
        case 'd':
            return 8;
        default:
            return 1;
    }
}

static void value_describe(mp_obj_t x, mml_py_value_t *v) {
    memset(v, 0, sizeof(*v));
    v->kind = MML_PY_VAL_OTHER;
    qstr t = mp_obj_is_small_int(x) ? MP_QSTR_int : type_name(x);
    if (t == MP_QSTR_list || t == MP_QSTR_tuple) {
        size_t n;
        mp_obj_t *items;
        mp_obj_get_array(x, &n, &items);
        v->kind = MML_PY_VAL_SEQ;
        v->len = n;
        v->get = seq_get;
        v->ctx = x;
        return;
    }
    mp_buffer_info_t bi;
    if (t == MP_QSTR_str || !mp_get_buffer(x, &bi, MP_BUFFER_READ)) {
        return;
    }
    v->data = bi.buf;
    v->len = bi.len;
    char tc = (char)(bi.typecode & 0x7f);
    // bytes, bytearray and byte memoryviews are raw bytes; bytearray's typecode is 1.
    if (t == MP_QSTR_bytes || t == MP_QSTR_bytearray ||
        (t == MP_QSTR_memoryview && (tc == 'B' || tc == 1))) {
        v->kind = MML_PY_VAL_RAW;
        return;
    }
    size_t size = typecode_size(tc);
    v->kind = MML_PY_VAL_TYPED;
    v->typecode = tc;
    v->dtype = mml_py_typecode_dtype(tc, size);
    v->ndim = 1;
    v->shape[0] = bi.len / size;
}

/******************************************************************************/
// Model

// The bytes of a model argument (bytes, bytearray, memoryview...; a str or int is not one), or
// the API's "not a buffer" error. Model() and ClassicModel() take their buf through it.
static void model_bytes(mp_obj_t buf, mp_buffer_info_t *bi) {
    mml_py_err_t e;
    if (mp_obj_is_small_int(buf) || type_name(buf) == MP_QSTR_str ||
        !mp_get_buffer(buf, bi, MP_BUFFER_READ)) {
        raise_err((mml_py_fail(&e, MML_PY_MSG_MODEL_NOT_BUFFER), &e));
    }
}

static mp_obj_t model_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw,
    const mp_obj_t *args) {
    enum { ARG_buf, ARG_arena };
    // Not static: in a .mpy, MP_QSTR_ values are only known at run time.
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_buf, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_arena, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t vals[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, args, MP_ARRAY_SIZE(allowed_args), allowed_args, vals);
    mml_py_err_t e;
    mp_obj_t buf = vals[ARG_buf].u_obj;
    mp_buffer_info_t bufinfo;
    model_bytes(buf, &bufinfo);

    microml_model_obj_t *self = mp_obj_malloc(microml_model_obj_t, MICROML_MODEL_TYPE);
    self->buf = buf;
    self->arena = mp_const_none;
    self->arena_alloc = NULL;
    self->inputs = mp_const_empty_tuple;
    self->outputs = mp_const_empty_tuple;
    self->labels = mp_const_none;
    mml_py_model_t *pm = &self->pm;
    check(mml_py_model_load(pm, bufinfo.buf, bufinfo.len, &e), &e);
    pm->io = m_new(mml_tensor_info_t, mml_py_model_n_io(pm));
    check(mml_py_model_infos(pm, &e), &e);

    // Transient work memory for plan + prepare; the GC reclaims it if either raises.
    size_t work_len = mml_py_model_work_size(pm);
    uint8_t *work = m_new(uint8_t, work_len);
    check(mml_py_model_plan(pm, work, work_len, &e), &e);

    mp_buffer_info_t arenainfo = {.buf = NULL, .len = 0};
    bool writable = true;
    if (vals[ARG_arena].u_obj == mp_const_none) {
        self->arena_alloc = m_new(uint8_t, mml_py_arena_alloc_size(pm));
        arenainfo.buf = mml_py_arena_align(self->arena_alloc);
        arenainfo.len = pm->model.arena_bytes;
    } else {
        self->arena = vals[ARG_arena].u_obj;
        writable = mp_get_buffer(self->arena, &arenainfo, MP_BUFFER_WRITE);
    }
    check(mml_py_model_prepare(pm, work, arenainfo.buf, arenainfo.len, writable, &e), &e);
    m_del(uint8_t, work, work_len);

    const mml_model_t *m = &pm->model;
    mp_obj_t items[2];
    for (int io = 0; io < 2; io++) {
        uint32_t n = io == 0 ? m->n_inputs : m->n_outputs;
        mp_obj_t tuple = mp_obj_new_tuple(n, NULL);
        mp_obj_tuple_t *t = MP_OBJ_TO_PTR(tuple);
        for (uint32_t i = 0; i < n; i++) {
            t->items[i] = tensorinfo_new(&pm->io[io == 0 ? i : m->n_inputs + i]);
        }
        items[io] = tuple;
    }
    self->inputs = items[0];
    self->outputs = items[1];
    uint32_t n_labels = mml_py_model_n_labels(pm);
    if (n_labels > 0) {
        mp_obj_t labels = mp_obj_new_tuple(n_labels, NULL);
        mp_obj_tuple_t *t = MP_OBJ_TO_PTR(labels);
        for (uint32_t i = 0; i < n_labels; i++) {
            uint32_t len;
            const char *s = mml_py_model_label(pm, i, &len);
            t->items[i] = mp_obj_new_str(s, len);
        }
        self->labels = labels;
    }
    return MP_OBJ_FROM_PTR(self);
}

// The buffer of a byte container (bytes, bytearray, a memoryview of bytes), read from the object
// itself: what mp_get_buffer gives for it, without the typecode-size lookup. The per-inference
// calls pass these; false for anything else (the callers then ask mp_get_buffer). Only in the
// firmware: a .mpy cannot name the built-in types cheaply.
static bool byte_buffer(mp_obj_t o, mp_buffer_info_t *bi, bool write) {
#if MICROPY_ENABLE_DYNRUNTIME
    (void)o, (void)bi, (void)write;
    return false;
#else
    if (!mp_obj_is_obj(o)) {
        return false;
    }
    const mp_obj_type_t *type = ((const mp_obj_base_t *)MP_OBJ_TO_PTR(o))->type;
    if (type == &mp_type_bytes) {
        const mp_obj_str_t *str = MP_OBJ_TO_PTR(o);
        bi->buf = (void *)str->data;
        bi->len = str->len;
        return !write; // bytes are read-only (mp_get_buffer refuses MP_BUFFER_WRITE)
    }
    const mp_obj_array_t *a = MP_OBJ_TO_PTR(o);
    if (type == &mp_type_bytearray) {
        bi->buf = a->items;
        bi->len = a->len;
        return true;
    }
#if MICROPY_PY_BUILTINS_MEMORYVIEW
    size_t tc = a->typecode & 0x7f; // bytearray's typecode is 1
    if (type == &mp_type_memoryview && (tc == 'B' || tc == 1) &&
        (!write || (a->typecode & MP_OBJ_ARRAY_TYPECODE_FLAG_RW))) {
        bi->buf = (uint8_t *)a->items + a->free; // a memoryview's free is its offset in items
        bi->len = a->len;
        return true;
    }
#endif
    return false;
#endif
}

// Safe borrowing: the buffers as the buffer protocol gives them now are the ones loaded.
static void model_check(microml_model_obj_t *self) {
    mp_buffer_info_t b, a = {.buf = NULL, .len = 0};
    mml_py_err_t e;
    if (!byte_buffer(self->buf, &b, false) && !mp_get_buffer(self->buf, &b, MP_BUFFER_READ)) {
        b.buf = NULL;
        b.len = 0;
    }
    if (self->arena != mp_const_none && !byte_buffer(self->arena, &a, true) &&
        !mp_get_buffer(self->arena, &a, MP_BUFFER_WRITE)) {
        a.buf = (void *)1; // cannot match
    }
    check(mml_py_model_check(&self->pm, b.buf, b.len, a.buf, a.len, &e), &e);
}

#define MAX_INPUTS 8

// Room to describe the inputs: stack for up to MAX_INPUTS, else the heap (never on real models).
static mml_py_value_t *values_for(microml_model_obj_t *self, mml_py_value_t *stack) {
    uint32_t n = self->pm.model.n_inputs;
    return n <= MAX_INPUTS ? stack : m_new(mml_py_value_t, n);
}

// Describes and checks the inputs of x into vals (values_for()); returns the batch size.
static uint32_t inputs_take(microml_model_obj_t *self, mp_obj_t x, mml_py_value_t *vals) {
    uint32_t n = self->pm.model.n_inputs, batch = 1;
    mml_py_err_t e;
    mp_obj_t *xs = &x;
    if (n != 1) {
        size_t len;
        qstr t = mp_obj_is_small_int(x) ? MP_QSTR_int : type_name(x);
        if (t != MP_QSTR_list && t != MP_QSTR_tuple) {
            raise_err((mml_py_fail(&e, MML_PY_MSG_INPUTS_NOT_SEQ, n, n), &e));
        }
        mp_obj_get_array(x, &len, &xs);
        if (len != n) {
            raise_err((mml_py_fail(&e, MML_PY_MSG_INPUTS_COUNT, n, (uint32_t)len), &e));
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b;
        value_describe(xs[i], &vals[i]);
        check(mml_py_input_check(&self->pm, i, &vals[i], &b, &e), &e);
        check(i == 0 || mml_py_batch_agree(i, b, batch, &e), &e);
        batch = b;
    }
    return batch;
}

static void run_one(microml_model_obj_t *self, mml_py_value_t *vals, uint32_t k) {
    mml_py_err_t e;
    for (uint32_t i = 0; i < self->pm.model.n_inputs; i++) {
        check(mml_py_input_set(&self->pm, i, &vals[i], k, &e), &e);
    }
    check(mml_py_invoke(&self->pm, &e), &e);
}

// A new array.array for batch results of output i.
static mp_obj_t result_new(microml_model_obj_t *self, uint32_t i, mml_py_out_mode_t mode,
    uint32_t batch, uint8_t **data) {
    char tc = mml_py_output_typecode(&self->pm, i, mode);
    size_t size = typecode_size(tc);
    if (tc == 0 || tc == 'q' || tc == 'Q' || tc == 'd') {
        tc = 'B', size = 1; // raw bytes for the types arrays here may lack
    }
    size_t bytes = mml_py_output_bytes(&self->pm, i, mode) * batch;
    uint8_t *items = m_new(uint8_t, bytes > 0 ? bytes : 1);
#if MICROPY_ENABLE_DYNRUNTIME
    mp_obj_t mod = mp_import_name(MP_QSTR_array, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
    const mp_obj_type_t *array_type = MP_OBJ_TO_PTR(mp_load_attr(mod, MP_QSTR_array));
#else
    const mp_obj_type_t *array_type = &mp_type_array;
#endif
    mp_obj_array_t *o = mp_obj_malloc(mp_obj_array_t, array_type);
    o->typecode = (size_t)tc;
    o->free = 0;
    o->len = bytes / size;
    o->items = items;
    *data = items;
    return MP_OBJ_FROM_PTR(o);
}

// predict(x, out=y)'s common case on a device: one input and one output, x exactly the input
// tensor's bytes (raw bytes, or an array of its own type) and y a writable buffer of exactly the
// output tensor's bytes: copy in, invoke, copy out. Anything else (and every error) is left to
// the general path, which checks and reports as before: false when nothing was done.
static bool fast_predict(microml_model_obj_t *self, mml_py_out_mode_t mode, mp_obj_t x,
    mp_obj_t out) {
    mml_py_model_t *pm = &self->pm;
    if (out == mp_const_none || mode != MML_PY_OUT_RAW || pm->model.n_inputs != 1 ||
        pm->model.n_outputs != 1) {
        return false;
    }
    const mml_tensor_info_t *ti = &pm->io[0], *to = &pm->io[1];
    mp_buffer_info_t bx, bo;
    if (!byte_buffer(x, &bx, false)) {
        mml_py_value_t v;
        value_describe(x, &v);
        if (v.kind != MML_PY_VAL_RAW && (v.kind != MML_PY_VAL_TYPED || v.dtype != ti->dtype)) {
            return false;
        }
        bx.buf = (void *)v.data;
        bx.len = v.len;
    }
    if (bx.len != ti->bytes) {
        return false;
    }
    if (!byte_buffer(out, &bo, true) && !mp_get_buffer(out, &bo, MP_BUFFER_WRITE)) {
        return false;
    }
    if (bo.len != to->bytes) {
        return false;
    }
    mml_py_err_t e;
    memcpy(mml_model_input_data(&pm->model, 0), bx.buf, ti->bytes);
    check(mml_py_invoke(pm, &e), &e);
    memcpy(bo.buf, mml_model_output_data(&pm->model, 0), to->bytes);
    return true;
}

// predict(x, out=None, *, dequantize=False)
static mp_obj_t model_predict(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_self, ARG_x, ARG_out, ARG_dequantize, N_ARGS };
    mp_arg_val_t args[N_ARGS];
    if (n_args <= 3 && (kw_args->used == 0 ||
        (kw_args->used == 1 && n_args == 2 &&
            kw_args->table[0].key == MP_OBJ_NEW_QSTR(MP_QSTR_out)))) {
        // predict(x), predict(x, y) and predict(x, out=y), the per-inference calls on a device:
        // no table walk (kw_args is the call's fixed table of key, value pairs)
        args[ARG_self].u_obj = pos_args[0];
        args[ARG_x].u_obj = pos_args[1];
        args[ARG_out].u_obj = n_args == 3 ? pos_args[2]
            : kw_args->used == 1 ? kw_args->table[0].value : mp_const_none;
        args[ARG_dequantize].u_bool = false;
    } else {
        const mp_arg_t allowed_args[N_ARGS] = {
            {MP_QSTR_self, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
            {MP_QSTR_x, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
            {MP_QSTR_out, MP_ARG_OBJ, {.u_obj = mp_const_none}},
            {MP_QSTR_dequantize, MP_ARG_KW_ONLY | MP_ARG_BOOL, {.u_bool = false}},
        };
        mp_arg_parse_all(n_args, pos_args, kw_args, N_ARGS, allowed_args, args);
    }
    microml_model_obj_t *self = MP_OBJ_TO_PTR(args[ARG_self].u_obj);
    mml_py_model_t *pm = &self->pm;
    mml_py_out_mode_t mode = args[ARG_dequantize].u_bool ? MML_PY_OUT_FLOAT : MML_PY_OUT_RAW;
    uint32_t n_out = pm->model.n_outputs;
    mml_py_err_t e;

    model_check(self);
    mp_obj_t out = args[ARG_out].u_obj, result;
    if (fast_predict(self, mode, args[ARG_x].u_obj, out)) {
        return out;
    }
    mml_py_value_t stack[MAX_INPUTS], *vals = values_for(self, stack);
    uint32_t batch = inputs_take(self, args[ARG_x].u_obj, vals);

    // Where each output goes: the caller's buffers (checked before the work) or new arrays.
    mp_obj_t *outs = &out;
    uint8_t *stack_dst[4];
    uint8_t **dst = n_out <= 4 ? stack_dst : m_new(uint8_t *, n_out);
    if (out != mp_const_none) {
        if (n_out != 1) {
            size_t len;
            qstr t = mp_obj_is_small_int(out) ? MP_QSTR_int : type_name(out);
            if (t != MP_QSTR_list && t != MP_QSTR_tuple) {
                raise_err((mml_py_fail(&e, MML_PY_MSG_OUT_NOT_SEQ, n_out, n_out), &e));
            }
            mp_obj_get_array(out, &len, &outs);
            if (len != n_out) {
                raise_err((mml_py_fail(&e, MML_PY_MSG_OUT_COUNT, n_out, (uint32_t)len), &e));
            }
        }
        for (uint32_t i = 0; i < n_out; i++) {
            mp_buffer_info_t bi = {.buf = NULL, .len = 0};
            bool w = mp_get_buffer(outs[i], &bi, MP_BUFFER_WRITE);
            check(mml_py_out_check(pm, i, mode, batch, w, bi.len, &e), &e);
            dst[i] = bi.buf;
        }
        result = out;
    } else if (n_out == 1) {
        result = result_new(self, 0, mode, batch, &dst[0]);
    } else {
        result = mp_obj_new_tuple(n_out, NULL);
        mp_obj_tuple_t *t = MP_OBJ_TO_PTR(result);
        for (uint32_t i = 0; i < n_out; i++) {
            t->items[i] = result_new(self, i, mode, batch, &dst[i]);
        }
    }
    for (uint32_t k = 0; k < batch; k++) {
        run_one(self, vals, k);
        for (uint32_t i = 0; i < n_out; i++) {
            mml_py_output_copy(pm, i, mode, dst[i] + k * mml_py_output_bytes(pm, i, mode));
        }
    }
    return result;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(model_predict_obj, 2, model_predict);

// Runs one inference for argmax / top_k on output (a batch is refused: one result each).
static void model_run_single(microml_model_obj_t *self, mp_obj_t x, mp_int_t output,
    const char *what) {
    mml_py_err_t e;
    model_check(self);
    check(mml_py_output_index(&self->pm, (int32_t)output, &e), &e);
    mml_py_value_t stack[MAX_INPUTS], *vals = values_for(self, stack);
    if (inputs_take(self, x, vals) != 1) {
        raise_err((mml_py_one_at_a_time(what, &e), &e));
    }
    run_one(self, vals, 0);
}

// argmax(x, *, output=0) -> int
static mp_obj_t model_argmax(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_self, ARG_x, ARG_output };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_self, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_x, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_output, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 0}},
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    microml_model_obj_t *self = MP_OBJ_TO_PTR(args[ARG_self].u_obj);
    model_run_single(self, args[ARG_x].u_obj, args[ARG_output].u_int, "argmax");
    return mp_obj_new_int_from_uint(mml_py_argmax(&self->pm, (uint32_t)args[ARG_output].u_int));
}
static MP_DEFINE_CONST_FUN_OBJ_KW(model_argmax_obj, 2, model_argmax);

// top_k(x, k=1, *, output=0, out=None) -> [(index, score), ...] or out filled
static mp_obj_t model_top_k(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_self, ARG_x, ARG_k, ARG_output, ARG_out };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_self, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_x, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_k, MP_ARG_INT, {.u_int = 1}},
        {MP_QSTR_output, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 0}},
        {MP_QSTR_out, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    microml_model_obj_t *self = MP_OBJ_TO_PTR(args[ARG_self].u_obj);
    mml_py_err_t e;
    mp_int_t k = args[ARG_k].u_int, output = args[ARG_output].u_int;
    check(mml_py_output_index(&self->pm, (int32_t)output, &e), &e);
    check(mml_py_top_k_check(&self->pm, (uint32_t)output, (int32_t)k, &e), &e);
    mp_obj_t out = args[ARG_out].u_obj;
    mp_buffer_info_t bi[2] = {{.buf = NULL, .len = 0, .typecode = 0}, {.buf = NULL, .len = 0, .typecode = 0}};
    if (out != mp_const_none) {
        bool w = false;
        if (!mp_obj_is_small_int(out) && type_name(out) == MP_QSTR_tuple) {
            size_t len;
            mp_obj_t *items;
            mp_obj_get_array(out, &len, &items);
            w = len == 2 && mp_get_buffer(items[0], &bi[0], MP_BUFFER_WRITE) &&
                mp_get_buffer(items[1], &bi[1], MP_BUFFER_WRITE);
        }
        char tc0 = (char)(bi[0].typecode & 0x7f);
        if (tc0 == 'l' && sizeof(long) != 4) {
            tc0 = 0;
        }
        check(mml_py_top_k_out_check((uint32_t)k, w, tc0, bi[0].len, (char)(bi[1].typecode & 0x7f),
                  bi[1].len, &e),
            &e);
    }
    model_run_single(self, args[ARG_x].u_obj, output, "top_k");
    if (out != mp_const_none) {
        mml_py_top_k(&self->pm, (uint32_t)output, (uint32_t)k, bi[0].buf, bi[1].buf);
        return out;
    }
    uint8_t *ib = m_new(uint8_t, 8 * (size_t)k), *sb = ib + 4 * (size_t)k;
    mml_py_top_k(&self->pm, (uint32_t)output, (uint32_t)k, ib, sb);
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (mp_int_t r = 0; r < k; r++) {
        int32_t i;
        float s;
        memcpy(&i, ib + 4 * r, 4);
        memcpy(&s, sb + 4 * r, 4);
#if MICROML_HAS_FLOAT
        mp_obj_t pair[2] = {mp_obj_new_int(i), mp_obj_new_float((mp_float_t)s)};
#else
        mp_obj_t pair[2] = {mp_obj_new_int(i), mp_const_none};
#endif
        mp_obj_list_append(list, mp_obj_new_tuple(2, pair));
    }
    m_del(uint8_t, ib, 8 * (size_t)k);
    return list;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(model_top_k_obj, 2, model_top_k);

// reset(): recurrent state (variable tensors) back to its zero point, as after construction.
static mp_obj_t model_reset(mp_obj_t self_in) {
    microml_model_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mml_py_err_t e;
    model_check(self);
    check(mml_py_status(&e, mml_model_reset(&self->pm.model), NULL), &e);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(model_reset_obj, model_reset);

static void model_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    microml_model_obj_t *self = MP_OBJ_TO_PTR(self_in);
    char text[MML_PY_MSG_LEN];
    mml_py_model_repr(&self->pm, text, sizeof(text));
    mp_printf(print, "%s", text);
}

// Attributes and the methods, looked up the same way in firmware and in a .mpy.
static void model_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return; // read-only
    }
    microml_model_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (attr == MP_QSTR_predict) {
        dest[0] = MP_OBJ_FROM_PTR(&model_predict_obj);
        dest[1] = self_in;
    } else if (attr == MP_QSTR_argmax) {
        dest[0] = MP_OBJ_FROM_PTR(&model_argmax_obj);
        dest[1] = self_in;
    } else if (attr == MP_QSTR_top_k) {
        dest[0] = MP_OBJ_FROM_PTR(&model_top_k_obj);
        dest[1] = self_in;
    } else if (attr == MP_QSTR_reset) {
        dest[0] = MP_OBJ_FROM_PTR(&model_reset_obj);
        dest[1] = self_in;
    } else if (attr == MP_QSTR_arena_size) {
        dest[0] = mp_obj_new_int_from_uint(self->pm.model.arena_bytes);
    } else if (attr == MP_QSTR_inputs) {
        dest[0] = self->inputs;
    } else if (attr == MP_QSTR_outputs) {
        dest[0] = self->outputs;
    } else if (attr == MP_QSTR_labels) {
        dest[0] = self->labels;
    }
}

#if MML_ENABLE_CLASSIC
/******************************************************************************/
// ClassicModel: scikit-learn models (the "MMLC" format), the API in mml_py.c. Cost: the object,
// its classes tuple and one work buffer (mml_py_classic_work_floats()); predict(x, out=y)
// allocates nothing.

// The methods (predict, predict_proba, ...) are callable objects made once per model and kept
// in `methods` (m.predict allocates nothing after the first time): a call goes straight from the
// VM to classic_call, without a bound method's argument copy and checks.
#define CLASSIC_METHODS (MML_CLASSIC_MAHALANOBIS_DIST + 1)
typedef struct _microml_classic_obj_t {
    mp_obj_base_t base;
    mp_obj_t buf;     // the blob's owner: borrowed by pc, kept alive here
    mp_obj_t classes; // tuple of int, or None
    float *work;
    uint32_t owner;   // how a call checks that the blob is still where load saw it (OWNER_*)
    mp_obj_t methods[CLASSIC_METHODS]; // the callables, MP_OBJ_NULL until first asked for
    mml_py_classic_t pc;
} microml_classic_obj_t;

typedef struct _microml_classic_method_obj_t {
    mp_obj_base_t base;
    microml_classic_obj_t *model;
    mml_classic_what_t what;
} microml_classic_method_obj_t;

// The blob's owner: bytes and memoryviews never move their bytes (a memoryview keeps its pointer
// even if its parent is resized, as the buffer protocol would report it); bytearrays and arrays
// can (resizing reallocates): their pointer and length are read directly; anything else goes
// through the buffer protocol on every call.
#define OWNER_FIXED (0u)
#define OWNER_ARRAY (1u)
#define OWNER_OTHER (2u)

static uint32_t classic_owner_kind(mp_obj_t buf) {
#if !MICROPY_ENABLE_DYNRUNTIME
    if (mp_obj_is_exact_type(buf, &mp_type_bytes)
#if MICROPY_PY_BUILTINS_MEMORYVIEW
        || mp_obj_is_exact_type(buf, &mp_type_memoryview)
#endif
    ) {
        return OWNER_FIXED;
    }
    if (mp_obj_is_exact_type(buf, &mp_type_bytearray)
#if MICROPY_PY_ARRAY
        || mp_obj_is_exact_type(buf, &mp_type_array)
#endif
    ) {
        return OWNER_ARRAY;
    }
#endif
    (void)buf;
    return OWNER_OTHER;
}

// Raises ValueError if the blob's owner was resized since load (its bytes moved).
static MP_NOINLINE void classic_check_blob(microml_classic_obj_t *self) {
    mp_buffer_info_t b = {.buf = NULL, .len = 0, .typecode = 0};
    if (self->owner == OWNER_FIXED) {
        return;
    }
#if !MICROPY_ENABLE_DYNRUNTIME
    if (self->owner == OWNER_ARRAY) {
        // bytearray ('B' items) or array: the item size from the typecode, as the protocol.
        mp_obj_array_t *a = MP_OBJ_TO_PTR(self->buf);
        b.buf = a->items;
        b.len = a->len * mp_binary_get_size('@', a->typecode, NULL);
    } else
#endif
        if (!mp_get_buffer(self->buf, &b, MP_BUFFER_READ)) {
        b.buf = NULL;
        b.len = 0;
    }
    mml_py_err_t e;
    check(mml_py_classic_check(&self->pc, b.buf, b.len, &e), &e);
}

// An array('f') or array('i') (4-byte items) read without the buffer protocol's calls: the
// per-sample fast path. False: anything else (the caller asks the buffer protocol).
static inline MP_ALWAYSINLINE bool classic_array4(mp_obj_t o, mp_buffer_info_t *b) {
#if !MICROPY_ENABLE_DYNRUNTIME && MICROPY_PY_ARRAY
    if (mp_obj_is_exact_type(o, &mp_type_array)) {
        mp_obj_array_t *a = MP_OBJ_TO_PTR(o);
        if (a->typecode == 'f' || a->typecode == 'i') {
            b->buf = a->items;
            b->len = a->len * 4;
            b->typecode = a->typecode;
            return true;
        }
    }
#endif
    (void)o;
    (void)b;
    return false;
}

static mp_obj_t classic_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw,
    const mp_obj_t *args) {
    enum { ARG_buf };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_buf, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
    };
    mp_arg_val_t vals[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, args, MP_ARRAY_SIZE(allowed_args), allowed_args, vals);
    mml_py_err_t e;
    mp_obj_t buf = vals[ARG_buf].u_obj;
    mp_buffer_info_t bi;
    model_bytes(buf, &bi);
    microml_classic_obj_t *self = mp_obj_malloc(microml_classic_obj_t, MICROML_CLASSIC_TYPE);
    self->buf = buf;
    self->classes = mp_const_none;
    self->work = NULL;
    self->owner = classic_owner_kind(buf);
    for (size_t i = 0; i < CLASSIC_METHODS; i++) {
        self->methods[i] = MP_OBJ_NULL;
    }
    check(mml_py_classic_load(&self->pc, bi.buf, bi.len, &e), &e);
    self->work = m_new(float, mml_py_classic_work_floats(&self->pc));
    const mml_classic_t *m = &self->pc.m;
    if (m->n_classes > 0) {
        mp_obj_t classes = mp_obj_new_tuple(m->n_classes, NULL);
        mp_obj_tuple_t *t = MP_OBJ_TO_PTR(classes);
        for (uint32_t i = 0; i < m->n_classes; i++) {
            t->items[i] = mp_obj_new_int(m->classes[i]);
        }
        self->classes = classes;
    }
    return MP_OBJ_FROM_PTR(self);
}

// A new flat array.array of n items of typecode tc ('i' or 'f').
static mp_obj_t classic_array_new(char tc, size_t n, uint8_t **data) {
    uint8_t *items = m_new(uint8_t, n > 0 ? 4 * n : 1);
#if MICROPY_ENABLE_DYNRUNTIME
    mp_obj_t mod = mp_import_name(MP_QSTR_array, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
    const mp_obj_type_t *array_type = MP_OBJ_TO_PTR(mp_load_attr(mod, MP_QSTR_array));
#else
    const mp_obj_type_t *array_type = &mp_type_array;
#endif
    mp_obj_array_t *o = mp_obj_malloc(mp_obj_array_t, array_type);
    o->typecode = (size_t)tc;
    o->free = 0;
    o->len = n;
    o->items = items;
    *data = items;
    return MP_OBJ_FROM_PTR(o);
}

static const char *classic_method_name(mml_classic_what_t what) {
    switch (what) {
        case MML_CLASSIC_PREDICT:
            return "predict";
        case MML_CLASSIC_PROBA:
            return "predict_proba";
        case MML_CLASSIC_DECISION:
            return "decision_function";
        case MML_CLASSIC_TRANSFORM:
            return "transform";
        case MML_CLASSIC_SCORE:
            return "score_samples";
        default:
            return "mahalanobis";
    }
}

// The general path of a method's call (X, out=None, *, n=None): any X, batches, allocated results;
// it names what is wrong.
static MP_NOINLINE mp_obj_t classic_call_general(microml_classic_obj_t *self,
    mml_classic_what_t what, size_t n_args, size_t n_kw, const mp_obj_t *pos) {
    mml_py_classic_t *pc = &self->pc;
    enum { ARG_X, ARG_out, ARG_n, N_ARGS };
    mp_arg_val_t args[N_ARGS];
    if (n_kw == 0 && n_args >= 1 && n_args <= 2) {
        args[ARG_X].u_obj = pos[0];
        args[ARG_out].u_obj = n_args == 2 ? pos[1] : mp_const_none;
        args[ARG_n].u_obj = mp_const_none;
    } else {
        const mp_arg_t allowed_args[N_ARGS] = {
            {MP_QSTR_X, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
            {MP_QSTR_out, MP_ARG_OBJ, {.u_obj = mp_const_none}},
            {MP_QSTR_n, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        };
        mp_arg_parse_all_kw_array(n_args, n_kw, pos, N_ARGS, allowed_args, args);
    }
    mml_py_err_t e;
    check(mml_py_classic_has(pc, what, classic_method_name(what), &e), &e);
    int32_t n = -1;
    if (args[ARG_n].u_obj != mp_const_none) {
        mp_int_t v = mp_obj_get_int(args[ARG_n].u_obj);
        n = v < 0 ? 0 : v > INT32_MAX ? INT32_MAX : (int32_t)v;
    }
    mml_py_value_t v;
    value_describe(args[ARG_X].u_obj, &v);
    uint32_t batch;
    bool is_batch;
    check(mml_py_classic_input(pc, &v, n, &batch, &is_batch, &e), &e);
    char tc = mml_py_classic_typecode(pc, what);
    uint32_t width = mml_py_classic_width(pc, what);
    mp_obj_t out = args[ARG_out].u_obj, result;
    uint8_t *dst;
    int32_t one[1];
    bool scalar = out == mp_const_none && !is_batch && what == MML_CLASSIC_PREDICT && width == 1;
    if (out != mp_const_none) {
        mp_buffer_info_t bi = {.buf = NULL, .len = 0, .typecode = 0};
        bool w = mp_get_buffer(out, &bi, MP_BUFFER_WRITE);
        char otc = (char)(bi.typecode & 0x7f);
        if (otc == 'l' && sizeof(long) != 4) {
            otc = 0;
        }
        check(mml_py_classic_out_check(pc, what, batch, w, otc, bi.len, &e), &e);
        dst = bi.buf;
        result = out;
    } else if (scalar) {
        dst = (uint8_t *)one; // no allocation for one sample's label or value
        result = mp_const_none;
    } else {
        result = classic_array_new(tc, (size_t)batch * width, &dst);
    }
    for (uint32_t k = 0; k < batch; k++) {
        check(mml_py_classic_run(pc, what, &v, k, self->work, dst + (size_t)k * width * 4, &e),
            &e);
    }
    if (scalar) {
        if (tc == 'i') {
            return mp_obj_new_int(one[0]);
        }
#if MICROML_HAS_FLOAT
        float f;
        memcpy(&f, one, 4);
        return mp_obj_new_float((mp_float_t)f);
#endif
    }
    return result;
}

// predict / predict_proba / decision_function / transform / ... (X, out=None, *, n=None): the
// method object's call (pos: the positional arguments, then n_kw keyword pairs). f(x, out) with
// one float32 sample takes the short path; anything else the general one.
static mp_obj_t classic_call(mp_obj_t method_in, size_t n_args, size_t n_kw,
    const mp_obj_t *pos) {
    microml_classic_method_obj_t *method = MP_OBJ_TO_PTR(method_in);
    microml_classic_obj_t *self = method->model;
    if (self->owner != OWNER_FIXED) {
        classic_check_blob(self);
    }
    mp_buffer_info_t xb, ob;
    if (n_args == 2 && n_kw == 0 &&
        (classic_array4(pos[0], &xb) || mp_get_buffer(pos[0], &xb, MP_BUFFER_READ)) &&
        (classic_array4(pos[1], &ob) || mp_get_buffer(pos[1], &ob, MP_BUFFER_WRITE)) &&
        (sizeof(long) == 4 || (ob.typecode & 0x7f) != 'l') &&
        mml_py_classic_call_fast(&self->pc, method->what, xb.buf, xb.len,
            (char)(xb.typecode & 0x7f), ob.buf, ob.len, (char)(ob.typecode & 0x7f), self->work)) {
        return pos[1]; // nothing allocated
    }
    return classic_call_general(self, method->what, n_args, n_kw, pos);
}

static void classic_method_print(const mp_print_t *print, mp_obj_t self_in,
    mp_print_kind_t kind) {
    (void)kind;
    microml_classic_method_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "<ClassicModel.%s>", classic_method_name(self->what));
}

// m.predict etc.: the model's callable for `what`, made on first use.
static mp_obj_t classic_method(microml_classic_obj_t *self, mml_classic_what_t what) {
    if (self->methods[what] == MP_OBJ_NULL) {
        microml_classic_method_obj_t *o =
            mp_obj_malloc(microml_classic_method_obj_t, MICROML_CLASSIC_METHOD_TYPE);
        o->model = self;
        o->what = what;
        self->methods[what] = MP_OBJ_FROM_PTR(o);
    }
    return self->methods[what];
}

static void classic_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    microml_classic_obj_t *self = MP_OBJ_TO_PTR(self_in);
    char text[MML_PY_MSG_LEN];
    mml_py_classic_repr(&self->pc, text, sizeof(text));
    mp_printf(print, "%s", text);
}

static void classic_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return; // read-only
    }
    microml_classic_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (attr == MP_QSTR_predict) {
        dest[0] = classic_method(self, MML_CLASSIC_PREDICT);
    } else if (attr == MP_QSTR_predict_proba) {
        dest[0] = classic_method(self, MML_CLASSIC_PROBA);
    } else if (attr == MP_QSTR_decision_function) {
        dest[0] = classic_method(self, MML_CLASSIC_DECISION);
    } else if (attr == MP_QSTR_transform) {
        dest[0] = classic_method(self, MML_CLASSIC_TRANSFORM);
    } else if (attr == MP_QSTR_score_samples) {
        dest[0] = classic_method(self, MML_CLASSIC_SCORE);
    } else if (attr == MP_QSTR_mahalanobis) {
        dest[0] = classic_method(self, MML_CLASSIC_MAHALANOBIS_DIST);
    } else if (attr == MP_QSTR_n_features) {
        dest[0] = mp_obj_new_int_from_uint(self->pc.m.n_features);
    } else if (attr == MP_QSTR_classes) {
        dest[0] = self->classes;
    } else if (attr == MP_QSTR_kind) {
        char kind[MML_PY_MSG_LEN];
        mml_py_classic_kind(&self->pc, kind, sizeof(kind));
        dest[0] = mp_obj_new_str(kind, strlen(kind));
    }
}

#endif // MML_ENABLE_CLASSIC

// ---- anomaly ----
#if MML_ENABLE_DSP
/******************************************************************************/
// Detector: anomaly scores and alarms, the API in bindings/common/mml_py_anomaly.c. Cost: the
// object and one work buffer (mml_py_anomaly_work_floats()); update(x) allocates only the float
// it returns on an alarm; fit(X) allocates len(X) floats while it runs.

typedef struct _microml_detector_obj_t {
    mp_obj_base_t base;
    mp_obj_t scorer; // None, a Model or a ClassicModel, kept alive here
    float *work;
    mml_py_anomaly_t pa;
} microml_detector_obj_t;

// An optional float keyword argument: None leaves *has false.
static void opt_float(mp_obj_t o, bool *has, float *v) {
    *has = o != mp_const_none;
    if (*has) {
        *v = (float)mp_obj_get_float(o);
    }
}

// Detector(scorer=None, *, alpha=None, smooth=None, quantile=0.99, off_quantile=None,
//          threshold=None, off=None, on=None, k=1, n=1, gap=0, method=None, mean=None, var=None)
static mp_obj_t detector_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw,
    const mp_obj_t *args) {
    enum { ARG_scorer, ARG_alpha, ARG_smooth, ARG_quantile, ARG_off_quantile, ARG_threshold,
        ARG_off, ARG_on, ARG_k, ARG_n, ARG_gap, ARG_method, ARG_mean, ARG_var };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_scorer, MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_alpha, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_smooth, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_quantile, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_off_quantile, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_threshold, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_off, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_on, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_k, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 1}},
        {MP_QSTR_n, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 1}},
        {MP_QSTR_gap, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 0}},
        {MP_QSTR_method, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_mean, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_var, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t vals[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, args, MP_ARRAY_SIZE(allowed_args), allowed_args, vals);
    mml_py_anomaly_opts_t o = {.quantile = 0.99f};
    bool has_q;
    opt_float(vals[ARG_alpha].u_obj, &o.has_alpha, &o.alpha);
    opt_float(vals[ARG_smooth].u_obj, &o.has_smooth, &o.smooth);
    opt_float(vals[ARG_quantile].u_obj, &has_q, &o.quantile);
    opt_float(vals[ARG_off_quantile].u_obj, &o.has_off_quantile, &o.off_quantile);
    opt_float(vals[ARG_threshold].u_obj, &o.has_threshold, &o.threshold);
    opt_float(vals[ARG_off].u_obj, &o.has_off, &o.off);
    opt_float(vals[ARG_on].u_obj, &o.has_on, &o.on);
    opt_float(vals[ARG_mean].u_obj, &o.has_mean, &o.mean);
    opt_float(vals[ARG_var].u_obj, &o.has_var, &o.var);
    mp_int_t k = vals[ARG_k].u_int, n = vals[ARG_n].u_int, gap = vals[ARG_gap].u_int;
    // out-of-range values stay out of range for the API's checks
    o.k = k < -1 ? -1 : k > 1000 ? 1000 : (int32_t)k;
    o.n = n < -1 ? -1 : n > 1000 ? 1000 : (int32_t)n;
    o.gap = gap < -1 ? -1 : gap > INT32_MAX ? INT32_MAX : (int32_t)gap;
    mp_obj_t scorer = vals[ARG_scorer].u_obj, method = vals[ARG_method].u_obj;
    if (method != mp_const_none) {
        o.method = mp_obj_str_get_str(method);
    }
    if (scorer == mp_const_none) {
        o.scorer = o.has_alpha ? MML_PY_SCORER_EWMA : MML_PY_SCORER_ZSCORE;
    } else if (mp_obj_get_type(scorer) == MICROML_MODEL_TYPE) {
        o.scorer = MML_PY_SCORER_MODEL;
#if MML_ENABLE_CLASSIC
    } else if (mp_obj_get_type(scorer) == MICROML_CLASSIC_TYPE) {
        o.scorer = MML_PY_SCORER_CLASSIC;
#endif
    } else {
        mp_raise_TypeError(MP_ERROR_TEXT("scorer must be None, a Model or a ClassicModel"));
    }
    if (o.scorer != MML_PY_SCORER_CLASSIC && o.method != NULL) {
        mp_raise_TypeError(MP_ERROR_TEXT("method= is for a ClassicModel scorer"));
    }
    microml_detector_obj_t *self = mp_obj_malloc(microml_detector_obj_t, MICROML_DETECTOR_TYPE);
    self->scorer = scorer;
    self->work = NULL;
    mml_py_err_t e;
    check(mml_py_anomaly_init(&self->pa, &o, &e), &e);
    if (o.scorer == MML_PY_SCORER_MODEL) {
        microml_model_obj_t *m = MP_OBJ_TO_PTR(scorer);
        check(mml_py_anomaly_model(&self->pa, &m->pm, &e), &e);
    }
#if MML_ENABLE_CLASSIC
    if (o.scorer == MML_PY_SCORER_CLASSIC) {
        microml_classic_obj_t *c = MP_OBJ_TO_PTR(scorer);
        check(mml_py_anomaly_classic(&self->pa, &c->pc, o.method, &e), &e);
    }
#endif
    self->work = m_new(float, mml_py_anomaly_work_floats(&self->pa));
    return MP_OBJ_FROM_PTR(self);
}

// The score of sample x; commit: a stream step (moves the smoother and EWMA statistics on).
static float detector_score_of(microml_detector_obj_t *self, mp_obj_t x, bool commit) {
    mml_py_anomaly_t *pa = &self->pa;
    if (pa->scorer == MML_PY_SCORER_ZSCORE || pa->scorer == MML_PY_SCORER_EWMA) {
        return mml_py_anomaly_number(pa, (float)mp_obj_get_float(x), commit);
    }
    mml_py_err_t e;
    mml_py_value_t v;
    float score = 0.0f;
    value_describe(x, &v);
#if MML_ENABLE_CLASSIC
    if (pa->scorer == MML_PY_SCORER_CLASSIC) {
        microml_classic_obj_t *c = MP_OBJ_TO_PTR(self->scorer);
        mp_buffer_info_t b;
        if (!mp_get_buffer(c->buf, &b, MP_BUFFER_READ)) {
            b.buf = NULL;
            b.len = 0;
        }
        check(mml_py_classic_check(&c->pc, b.buf, b.len, &e), &e);
        check(mml_py_anomaly_classic_score(pa, &c->pc, &v, c->work, self->work, &score, &e), &e);
        return score;
    }
#endif
    microml_model_obj_t *m = MP_OBJ_TO_PTR(self->scorer);
    model_check(m);
    check(mml_py_anomaly_model_score(pa, &m->pm, &v, self->work, &score, &e), &e);
    return score;
}

static mp_obj_t detector_score(mp_obj_t self_in, mp_obj_t x) {
    return mp_obj_new_float((mp_float_t)detector_score_of(MP_OBJ_TO_PTR(self_in), x, false));
}
static MP_DEFINE_CONST_FUN_OBJ_2(detector_score_obj, detector_score);

static mp_obj_t detector_update(mp_obj_t self_in, mp_obj_t x) {
    microml_detector_obj_t *self = MP_OBJ_TO_PTR(self_in);
    float s = detector_score_of(self, x, true);
    bool alarm;
    mml_py_err_t e;
    check(mml_py_anomaly_step(&self->pa, s, &alarm, &e), &e);
    return alarm ? mp_obj_new_float((mp_float_t)s) : mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(detector_update_obj, detector_update);

static mp_obj_t detector_fit(mp_obj_t self_in, mp_obj_t X) {
    microml_detector_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mml_py_err_t e;
    size_t n = (size_t)mp_obj_get_int(mp_obj_len(X));
    if (n == 0) {
        raise_err((mml_py_anomaly_fit_empty(&e), &e));
    }
    float *scores = m_new(float, n);
    if (self->pa.scorer == MML_PY_SCORER_ZSCORE) {
        mml_py_anomaly_fit_begin(&self->pa);
        for (size_t i = 0; i < n; i++) {
            mp_obj_t item = mp_obj_subscr(X, MP_OBJ_NEW_SMALL_INT(i), MP_OBJ_SENTINEL);
            mml_py_anomaly_learn(&self->pa, (float)mp_obj_get_float(item));
        }
    }
    mml_py_anomaly_reset(&self->pa);
    for (size_t i = 0; i < n; i++) {
        mp_obj_t item = mp_obj_subscr(X, MP_OBJ_NEW_SMALL_INT(i), MP_OBJ_SENTINEL);
        scores[i] = detector_score_of(self, item, true);
    }
    check(mml_py_anomaly_calibrate(&self->pa, scores, n, &e), &e);
    m_del(float, scores, n);
    return self_in;
}
static MP_DEFINE_CONST_FUN_OBJ_2(detector_fit_obj, detector_fit);

static mp_obj_t detector_reset(mp_obj_t self_in) {
    microml_detector_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mml_py_anomaly_reset(&self->pa);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(detector_reset_obj, detector_reset);

static void detector_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    microml_detector_obj_t *self = MP_OBJ_TO_PTR(self_in);
    char text[MML_PY_MSG_LEN];
    mml_py_anomaly_repr(&self->pa, text, sizeof(text));
    mp_printf(print, "%s", text);
}

// Methods, and threshold, off, on (None until calibrated), mean, var (z-score statistics).
static void detector_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return; // read-only
    }
    microml_detector_obj_t *self = MP_OBJ_TO_PTR(self_in);
    const mml_py_anomaly_t *pa = &self->pa;
    const void *method = NULL;
    bool number = pa->scorer == MML_PY_SCORER_ZSCORE || pa->scorer == MML_PY_SCORER_EWMA;
    bool ewma = pa->scorer == MML_PY_SCORER_EWMA;
    if (attr == MP_QSTR_fit) {
        method = &detector_fit_obj;
    } else if (attr == MP_QSTR_score) {
        method = &detector_score_obj;
    } else if (attr == MP_QSTR_update) {
        method = &detector_update_obj;
    } else if (attr == MP_QSTR_reset) {
        method = &detector_reset_obj;
    } else if (attr == MP_QSTR_threshold || attr == MP_QSTR_off || attr == MP_QSTR_on) {
        float v = attr == MP_QSTR_threshold ? pa->cfg.threshold
            : attr == MP_QSTR_off           ? pa->cfg.off
                                            : pa->cfg.on;
        dest[0] = pa->ready ? mp_obj_new_float((mp_float_t)v) : mp_const_none;
    } else if (attr == MP_QSTR_mean || attr == MP_QSTR_var) {
        float v = attr == MP_QSTR_mean ? (ewma ? pa->ewma.mean : pa->stats.mean)
                                       : (ewma ? pa->ewma.var : mml_welford_var(&pa->stats, 0));
        dest[0] = number ? mp_obj_new_float((mp_float_t)v) : mp_const_none;
    }
    if (method != NULL) {
        dest[0] = MP_OBJ_FROM_PTR(method);
        dest[1] = self_in;
    }
}

// log_mel(x, *, sample_rate=16000, n_fft=1024, hop=512, n_mels=128, fmin=0.0, fmax=None,
//         center=True, pad="reflect") -> array('f') of frames * n_mels
static mp_obj_t microml_log_mel(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_x, ARG_sample_rate, ARG_n_fft, ARG_hop, ARG_n_mels, ARG_fmin, ARG_fmax, ARG_center,
        ARG_pad };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_x, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_sample_rate, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 16000}},
        {MP_QSTR_n_fft, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 1024}},
        {MP_QSTR_hop, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 512}},
        {MP_QSTR_n_mels, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 128}},
        {MP_QSTR_fmin, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_fmax, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_center, MP_ARG_KW_ONLY | MP_ARG_BOOL, {.u_bool = true}},
        {MP_QSTR_pad, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    bool has_fmin, has_fmax;
    float fmin = 0.0f, fmax = 0.0f;
    opt_float(a[ARG_fmin].u_obj, &has_fmin, &fmin);
    opt_float(a[ARG_fmax].u_obj, &has_fmax, &fmax);
    const char *pad = a[ARG_pad].u_obj == mp_const_none ? NULL : mp_obj_str_get_str(a[ARG_pad].u_obj);
    // out-of-range integers stay out of range for the API's checks
    mp_int_t ints[4] = {a[ARG_sample_rate].u_int, a[ARG_n_fft].u_int, a[ARG_hop].u_int,
        a[ARG_n_mels].u_int};
    int32_t c[4];
    for (int i = 0; i < 4; i++) {
        c[i] = ints[i] < -1 ? -1 : ints[i] > 1000000 ? 1000000 : (int32_t)ints[i];
    }
    mml_py_err_t e;
    mml_logmel_config_t cfg;
    check(mml_py_logmel_config(&cfg, c[0], c[1], c[2], c[3], fmin, has_fmax, fmax,
        a[ARG_center].u_bool, pad, &e), &e);
    size_t mem_len = mml_logmel_mem_size(&cfg);
    uint64_t *mem = m_new(uint64_t, (mem_len + 7) / 8);
    mml_logmel_t lm;
    mml_error_t err;
    check(mml_py_status(&e, mml_logmel_init(&lm, &cfg, mem, mem_len, &err), &err), &e);
    mml_py_value_t v;
    value_describe(a[ARG_x].u_obj, &v);
    int32_t frames;
    check(mml_py_logmel_input(&lm, &v, &frames, &e), &e);
    size_t n = (size_t)frames * (size_t)cfg.n_mels;
    float *items = m_new(float, n);
#if MICROPY_ENABLE_DYNRUNTIME
    mp_obj_t mod = mp_import_name(MP_QSTR_array, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
    const mp_obj_type_t *array_type = MP_OBJ_TO_PTR(mp_load_attr(mod, MP_QSTR_array));
#else
    const mp_obj_type_t *array_type = &mp_type_array;
#endif
    mp_obj_array_t *o = mp_obj_malloc(mp_obj_array_t, array_type);
    o->typecode = 'f';
    o->free = 0;
    o->len = n;
    o->items = items;
    mml_py_logmel_run(&lm, &v, frames, items);
    m_del(uint64_t, mem, (mem_len + 7) / 8);
    return MP_OBJ_FROM_PTR(o);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(microml_log_mel_obj, 1, microml_log_mel);
#endif // MML_ENABLE_DSP
// ---- end anomaly ----

// ---- dsp ----
// microml.dsp: the DSP front ends as transform objects and functions, the API in mml_py_dsp.c.
// Cost per transform: the object and its tables and scratch (mem_len bytes); a call with out=
// allocates nothing. microml.dsp is a namespace object whose attributes are the functions.
#if MML_ENABLE_DSP
#include "../common/mml_py_dsp.h"

#if MICROPY_ENABLE_DYNRUNTIME
mp_obj_full_type_t microml_dsp_type;
mp_obj_full_type_t microml_dspns_type;
#define MICROML_DSP_TYPE ((mp_obj_type_t *)&microml_dsp_type)
#else
extern const mp_obj_type_t microml_dsp_type;
#define MICROML_DSP_TYPE (&microml_dsp_type)
#endif

typedef struct _microml_dsp_obj_t {
    mp_obj_base_t base;
    mp_obj_t refs; // MFCC: (fft, mel, dct), whose tables it borrows; else None
    void *mem;
    mml_py_dsp_t d;
} microml_dsp_obj_t;

// A transform from a configured d: its memory, then its tables.
static mp_obj_t dsp_make(const mml_py_dsp_t *d, const mml_py_value_t *sos, mp_obj_t refs) {
    microml_dsp_obj_t *self = mp_obj_malloc(microml_dsp_obj_t, MICROML_DSP_TYPE);
    self->refs = refs;
    self->d = *d;
    self->mem = m_new(uint8_t, d->mem_len > 0 ? d->mem_len : 1); // GC blocks: 8-byte aligned
    mml_py_err_t e;
    check(mml_py_dsp_init(&self->d, self->mem, sos, &e), &e);
    return MP_OBJ_FROM_PTR(self);
}

static void dsp_done(bool ok, const mml_py_err_t *e) {
    check(ok, e);
}

// A named choice given as a str or None.
static bool dsp_choice(mp_obj_t o, mml_py_dsp_choice_t what, int32_t *v, mml_py_err_t *e) {
    if (o == mp_const_none) {
        return mml_py_dsp_choice(what, NULL, 0, v, e);
    }
    size_t len = 0;
    const char *s = "";
    if (!mp_obj_is_small_int(o) && type_name(o) == MP_QSTR_str) {
        s = mp_obj_str_get_data(o, &len);
    }
    return mml_py_dsp_choice(what, s, len, v, e);
}

// A new flat array.array of n items of typecode tc.
static mp_obj_t dsp_array_new(char tc, size_t n, uint8_t **data) {
    const size_t bytes = n * typecode_size(tc);
    uint8_t *items = m_new(uint8_t, bytes > 0 ? bytes : 1);
#if MICROPY_ENABLE_DYNRUNTIME
    mp_obj_t mod = mp_import_name(MP_QSTR_array, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
    const mp_obj_type_t *array_type = MP_OBJ_TO_PTR(mp_load_attr(mod, MP_QSTR_array));
#else
    const mp_obj_type_t *array_type = &mp_type_array;
#endif
    mp_obj_array_t *o = mp_obj_malloc(mp_obj_array_t, array_type);
    o->typecode = (size_t)tc;
    o->free = 0;
    o->len = n;
    o->items = items;
    *data = items;
    return MP_OBJ_FROM_PTR(o);
}

// One call: x (MP_OBJ_NULL for the window) into a new array or into out.
static mp_obj_t dsp_apply(mml_py_dsp_t *d, mp_obj_t x, mp_obj_t out) {
    mml_py_value_t v;
    mml_py_err_t e;
    size_t n_out;
    if (x != MP_OBJ_NULL) {
        value_describe(x, &v);
    }
    check(mml_py_dsp_in_check(d, x != MP_OBJ_NULL ? &v : NULL, &n_out, &e), &e);
    uint8_t *dst;
    mp_obj_t result = out;
    if (out != mp_const_none) {
        mml_py_value_t o;
        mp_buffer_info_t bi;
        bool w = mp_get_buffer(out, &bi, MP_BUFFER_WRITE);
        value_describe(out, &o);
        check(mml_py_dsp_out_check(d, x != MP_OBJ_NULL ? &v : NULL, &o, w, n_out, &e), &e);
        dst = bi.buf;
    } else {
        result = dsp_array_new(d->out_tc, n_out, &dst);
    }
    size_t frames = mml_py_dsp_run(d, x != MP_OBJ_NULL ? &v : NULL, dst);
    if (d->kind == MML_PY_DSP_MICRO && out != mp_const_none) {
        return mp_obj_new_int_from_uint(frames); // the rows written into out
    }
    return result;
}

// t(x, out=None)
static mp_obj_t dsp_call(mp_obj_t self_in, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    enum { ARG_x, ARG_out };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_x, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_out, MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t vals[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, args, MP_ARRAY_SIZE(allowed_args), allowed_args, vals);
    microml_dsp_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return dsp_apply(&self->d, vals[ARG_x].u_obj, vals[ARG_out].u_obj);
}

static mp_obj_t dsp_reset(mp_obj_t self_in) {
    microml_dsp_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mml_py_dsp_reset(&self->d);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(dsp_reset_obj, dsp_reset);

static void dsp_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    microml_dsp_obj_t *self = MP_OBJ_TO_PTR(self_in);
    char text[MML_PY_MSG_LEN];
    mml_py_dsp_repr(&self->d, text, sizeof(text));
    mp_printf(print, "%s", text);
}

static void dsp_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] == MP_OBJ_NULL && attr == MP_QSTR_reset) {
        dest[0] = MP_OBJ_FROM_PTR(&dsp_reset_obj);
        dest[1] = self_in;
    }
}

static float dsp_float(mp_obj_t o) {
#if MICROML_HAS_FLOAT
    return (float)mp_obj_get_float(o);
#else
    return (float)mp_obj_get_int(o);
#endif
}

// An int argument clamped into int32 (the API checks the ranges).
static int32_t dsp_int(mp_obj_t o) {
    mp_int_t v = mp_obj_get_int(o);
    return v < -1 ? -1 : v > 0x7fffffff ? 0x7fffffff : (int32_t)v;
}

// RFFT(n, typecode='f')
static mp_obj_t dsp_rfft(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_n, ARG_typecode };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_n, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_typecode, MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    mml_py_dsp_t d;
    mml_py_err_t e;
    int32_t tc = 'f';
    dsp_done((a[ARG_typecode].u_obj == MP_OBJ_NULL ||
                 dsp_choice(a[ARG_typecode].u_obj, MML_PY_DSP_CHOICE_TYPECODE, &tc, &e)) &&
            mml_py_dsp_rfft(&d, dsp_int(a[ARG_n].u_obj), tc, &e),
        &e);
    return dsp_make(&d, NULL, mp_const_none);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_rfft_obj, 0, dsp_rfft);

// MelFilterbank(sample_rate, n_fft, n_mels, fmin=0.0, fmax=None, *, scale='htk', norm=None,
// shape='hz')
static mp_obj_t dsp_mel(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_sr, ARG_n_fft, ARG_n_mels, ARG_fmin, ARG_fmax, ARG_scale, ARG_norm, ARG_shape };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_sample_rate, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_n_fft, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_n_mels, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_fmin, MP_ARG_OBJ, {.u_obj = MP_OBJ_NEW_SMALL_INT(0)}},
        {MP_QSTR_fmax, MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_scale, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_norm, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_shape, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    mml_py_dsp_t d;
    mml_py_err_t e;
    int32_t scale = MML_MEL_HTK, norm, shape = MML_MEL_TRIANGLES_HZ;
    float fmax = a[ARG_fmax].u_obj == mp_const_none ? -1.0f : dsp_float(a[ARG_fmax].u_obj);
    dsp_done((a[ARG_scale].u_obj == MP_OBJ_NULL ||
                 dsp_choice(a[ARG_scale].u_obj, MML_PY_DSP_CHOICE_SCALE, &scale, &e)) &&
            dsp_choice(a[ARG_norm].u_obj, MML_PY_DSP_CHOICE_MEL_NORM, &norm, &e) &&
            (a[ARG_shape].u_obj == MP_OBJ_NULL ||
                dsp_choice(a[ARG_shape].u_obj, MML_PY_DSP_CHOICE_SHAPE, &shape, &e)) &&
            mml_py_dsp_mel(&d, dsp_int(a[ARG_sr].u_obj), dsp_int(a[ARG_n_fft].u_obj),
                dsp_int(a[ARG_n_mels].u_obj), dsp_float(a[ARG_fmin].u_obj), fmax, scale, norm,
                shape, &e),
        &e);
    return dsp_make(&d, NULL, mp_const_none);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_mel_obj, 0, dsp_mel);

// DCT(n_in, n_out=None, *, norm=None)
static mp_obj_t dsp_dct(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_n_in, ARG_n_out, ARG_norm };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_n_in, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_n_out, MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_norm, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    mml_py_dsp_t d;
    mml_py_err_t e;
    int32_t norm, n_out = 0;
    if (a[ARG_n_out].u_obj != mp_const_none) {
        n_out = dsp_int(a[ARG_n_out].u_obj);
        n_out = n_out < 1 ? -1 : n_out;
    }
    dsp_done(dsp_choice(a[ARG_norm].u_obj, MML_PY_DSP_CHOICE_DCT_NORM, &norm, &e) &&
            mml_py_dsp_dct(&d, dsp_int(a[ARG_n_in].u_obj), n_out, norm, &e),
        &e);
    return dsp_make(&d, NULL, mp_const_none);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_dct_obj, 0, dsp_dct);

// MFCC(fft, mel, dct, *, frame_len=None, window='hann', power=False, log_offset=1e-6)
static mp_obj_t dsp_mfcc(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_fft, ARG_mel, ARG_dct, ARG_frame_len, ARG_window, ARG_power, ARG_log_offset };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_fft, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_mel, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_dct, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_frame_len, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_window, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_power, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_false}},
        {MP_QSTR_log_offset, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    mml_py_dsp_t d, none;
    mml_py_err_t e;
    int32_t window = MML_WINDOW_HANN, frame_len = 0;
    if (a[ARG_frame_len].u_obj != mp_const_none) {
        frame_len = dsp_int(a[ARG_frame_len].u_obj);
        frame_len = frame_len < 1 ? -1 : frame_len;
    }
    float log_offset =
        a[ARG_log_offset].u_obj == MP_OBJ_NULL ? 1e-6f : dsp_float(a[ARG_log_offset].u_obj);
    const mml_py_dsp_t *t[3];
    memset(&none, 0, sizeof(none));
    none.kind = 0xff; // not a transform: the API's message for the wrong kinds
    for (int i = 0; i < 3; i++) {
        mp_obj_t o = a[ARG_fft + i].u_obj;
        t[i] = mp_obj_get_type(o) == MICROML_DSP_TYPE
            ? &((microml_dsp_obj_t *)MP_OBJ_TO_PTR(o))->d : &none;
    }
    dsp_done((a[ARG_window].u_obj == MP_OBJ_NULL ||
                 dsp_choice(a[ARG_window].u_obj, MML_PY_DSP_CHOICE_WINDOW, &window, &e)) &&
            mml_py_dsp_mfcc(&d, t[0], t[1], t[2], frame_len, window,
                mp_obj_is_true(a[ARG_power].u_obj), log_offset, &e),
        &e);
    mp_obj_t refs[3] = {a[ARG_fft].u_obj, a[ARG_mel].u_obj, a[ARG_dct].u_obj};
    return dsp_make(&d, NULL, mp_obj_new_tuple(3, refs));
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_mfcc_obj, 0, dsp_mfcc);

// SOSFilter(sos)
static mp_obj_t dsp_sos(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_sos, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    mml_py_value_t v;
    mml_py_dsp_t d;
    mml_py_err_t e;
    value_describe(a[0].u_obj, &v);
    dsp_done(mml_py_dsp_sos(&d, &v, &e), &e);
    return dsp_make(&d, &v, mp_const_none);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_sos_obj, 0, dsp_sos);

// MLPerfKWS(*, scale=None, zero_point=0)
static mp_obj_t dsp_mlperf(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_scale, ARG_zero_point };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_scale, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_zero_point, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = MP_OBJ_NEW_SMALL_INT(0)}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    mml_py_dsp_t d;
    mml_py_err_t e;
    // None: float32 features; a given scale must be > 0.
    float scale = 0.0f;
    if (a[ARG_scale].u_obj != mp_const_none) {
        scale = dsp_float(a[ARG_scale].u_obj);
        scale = scale > 0.0f ? scale : -1.0f;
    }
    dsp_done(mml_py_dsp_mlperf(&d, scale, dsp_int(a[ARG_zero_point].u_obj), &e), &e);
    return dsp_make(&d, NULL, mp_const_none);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_mlperf_obj, 0, dsp_mlperf);

// MicroFrontend(step_ms=20)
static mp_obj_t dsp_micro(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_step_ms, MP_ARG_OBJ, {.u_obj = MP_OBJ_NEW_SMALL_INT(20)}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    mml_py_dsp_t d;
    mml_py_err_t e;
    dsp_done(mml_py_dsp_micro(&d, dsp_int(a[0].u_obj), &e), &e);
    return dsp_make(&d, NULL, mp_const_none);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_micro_obj, 0, dsp_micro);

// window(n, kind='hann', *, periodic=True, out=None)
static mp_obj_t dsp_window(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_n, ARG_kind, ARG_periodic, ARG_out };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_n, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_kind, MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_periodic, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_true}},
        {MP_QSTR_out, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    mml_py_dsp_t d;
    mml_py_err_t e;
    int32_t kind = MML_WINDOW_HANN;
    dsp_done((a[ARG_kind].u_obj == MP_OBJ_NULL ||
                 dsp_choice(a[ARG_kind].u_obj, MML_PY_DSP_CHOICE_WINDOW, &kind, &e)) &&
            mml_py_dsp_window(&d, dsp_int(a[ARG_n].u_obj), kind,
                mp_obj_is_true(a[ARG_periodic].u_obj), &e),
        &e);
    return dsp_apply(&d, MP_OBJ_NULL, a[ARG_out].u_obj);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_window_obj, 0, dsp_window);

// power_spectrum(spec, out=None), magnitude_spectrum(spec, out=None)
static mp_obj_t dsp_spectrum(bool power, size_t n_args, const mp_obj_t *pos_args,
    mp_map_t *kw_args) {
    enum { ARG_spec, ARG_out };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_spec, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_out, MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    mml_py_dsp_t d;
    mml_py_dsp_spectrum(&d, power);
    return dsp_apply(&d, a[ARG_spec].u_obj, a[ARG_out].u_obj);
}

static mp_obj_t dsp_power(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    return dsp_spectrum(true, n_args, pos_args, kw_args);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_power_obj, 0, dsp_power);

static mp_obj_t dsp_magnitude(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    return dsp_spectrum(false, n_args, pos_args, kw_args);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_magnitude_obj, 0, dsp_magnitude);

// log(x, offset=0.0, out=None)
static mp_obj_t dsp_log(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_x, ARG_offset, ARG_out };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_x, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_offset, MP_ARG_OBJ, {.u_obj = MP_OBJ_NEW_SMALL_INT(0)}},
        {MP_QSTR_out, MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, a);
    mml_py_dsp_t d;
    mml_py_dsp_log(&d, dsp_float(a[ARG_offset].u_obj));
    return dsp_apply(&d, a[ARG_x].u_obj, a[ARG_out].u_obj);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(dsp_log_obj, 0, dsp_log);

// microml.dsp's attributes, looked up the same way in firmware and in a .mpy.
static void dspns_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return; // read-only
    }
    // Not static: in a .mpy, MP_QSTR_ values are only known at run time.
    const struct {
        qstr name;
        const void *fn;
    } fns[] = {
        {MP_QSTR_RFFT, &dsp_rfft_obj},
        {MP_QSTR_MelFilterbank, &dsp_mel_obj},
        {MP_QSTR_DCT, &dsp_dct_obj},
        {MP_QSTR_MFCC, &dsp_mfcc_obj},
        {MP_QSTR_SOSFilter, &dsp_sos_obj},
        {MP_QSTR_MLPerfKWS, &dsp_mlperf_obj},
        {MP_QSTR_MicroFrontend, &dsp_micro_obj},
        {MP_QSTR_window, &dsp_window_obj},
        {MP_QSTR_power_spectrum, &dsp_power_obj},
        {MP_QSTR_magnitude_spectrum, &dsp_magnitude_obj},
        {MP_QSTR_log, &dsp_log_obj},
    };
    for (size_t i = 0; i < MP_ARRAY_SIZE(fns); i++) {
        if (attr == fns[i].name) {
            dest[0] = MP_OBJ_FROM_PTR(fns[i].fn);
        }
    }
    if (attr == MP_QSTR_Transform) {
        dest[0] = MP_OBJ_FROM_PTR(MICROML_DSP_TYPE);
    }
}

static void dspns_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    mp_printf(print, "<microml.dsp>");
}

#if !MICROPY_ENABLE_DYNRUNTIME
MP_DEFINE_CONST_OBJ_TYPE(microml_dsp_type, MP_QSTR_Transform, MP_TYPE_FLAG_NONE, call, dsp_call,
    print, dsp_print, attr, dsp_attr);
static MP_DEFINE_CONST_OBJ_TYPE(microml_dspns_type, MP_QSTR_dsp, MP_TYPE_FLAG_NONE, print,
    dspns_print, attr, dspns_attr);
static const mp_obj_base_t microml_dsp_ns = {&microml_dspns_type};
#endif
#endif // MML_ENABLE_DSP
// ---- end dsp ----

// ---- stream ----
// WakeWord: ESPHome's microWakeWord detection on streamed audio, the API in
// bindings/common/mml_py_stream.c. Cost: the object and one block of front-end memory (~10 KB);
// feed() allocates only the list of detections, and only when one fires.
#if MML_ENABLE_DSP
typedef struct _microml_wakeword_obj_t {
    mp_obj_base_t base;
    mp_obj_t model; // the Model objects, kept alive (their prepared models are borrowed)
    mp_obj_t vad;   // or None
    mml_py_wakeword_t pw;
} microml_wakeword_obj_t;

static microml_model_obj_t *wakeword_model_arg(mp_obj_t o, const char *what) {
    if (!mp_obj_is_type(o, MICROML_MODEL_TYPE)) {
        mp_raise_TypeError(what[0] == 'm' ? MP_ERROR_TEXT("model must be a microml.Model")
                                          : MP_ERROR_TEXT("vad must be a microml.Model or None"));
    }
    return MP_OBJ_TO_PTR(o);
}

// WakeWord(model, *, cutoff=0.97, window=5, vad=None, vad_cutoff=0.5, vad_window=5, step_ms=10)
static mp_obj_t wakeword_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw,
    const mp_obj_t *args) {
    enum {
        ARG_model,
        ARG_cutoff,
        ARG_window,
        ARG_vad,
        ARG_vad_cutoff,
        ARG_vad_window,
        ARG_step_ms
    };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_model, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_cutoff, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_window, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 5}},
        {MP_QSTR_vad, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_vad_cutoff, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_vad_window, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 5}},
        {MP_QSTR_step_ms, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 10}},
    };
    mp_arg_val_t vals[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, args, MP_ARRAY_SIZE(allowed_args), allowed_args, vals);
    microml_model_obj_t *m = wakeword_model_arg(vals[ARG_model].u_obj, "model");
    microml_model_obj_t *v = vals[ARG_vad].u_obj == mp_const_none
        ? NULL
        : wakeword_model_arg(vals[ARG_vad].u_obj, "vad");
    float cutoff = vals[ARG_cutoff].u_obj == mp_const_none
        ? 0.97f
        : (float)mp_obj_get_float(vals[ARG_cutoff].u_obj);
    float vad_cutoff = vals[ARG_vad_cutoff].u_obj == mp_const_none
        ? 0.5f
        : (float)mp_obj_get_float(vals[ARG_vad_cutoff].u_obj);
    model_check(m);
    if (v != NULL) {
        model_check(v);
    }
    mml_py_err_t e;
    mml_wakeword_config_t cfg;
    check(mml_py_wakeword_config(&cfg, &m->pm, cutoff, (int32_t)vals[ARG_window].u_int,
              v ? &v->pm : NULL, vad_cutoff, (int32_t)vals[ARG_vad_window].u_int,
              (int32_t)vals[ARG_step_ms].u_int, &e),
        &e);
    microml_wakeword_obj_t *self = mp_obj_malloc(microml_wakeword_obj_t, type);
    self->model = vals[ARG_model].u_obj;
    self->vad = vals[ARG_vad].u_obj;
    size_t len = mml_py_wakeword_mem_size(&cfg);
    void *mem = m_new(uint64_t, (len + 7) / 8); // heap blocks are at least 8-aligned
    check(mml_py_wakeword_init(&self->pw, &cfg, mem, len, &e), &e);
    return MP_OBJ_FROM_PTR(self);
}

static void wakeword_check(microml_wakeword_obj_t *self) {
    model_check(MP_OBJ_TO_PTR(self->model));
    if (self->vad != mp_const_none) {
        model_check(MP_OBJ_TO_PTR(self->vad));
    }
}

static bool wakeword_emit(void *ctx, const mml_py_detection_t *d) {
    mp_obj_t *list = ctx;
    if (*list == mp_const_none) {
        *list = mp_obj_new_list(0, NULL);
    }
    mp_obj_t items[4] = {
        mp_obj_new_int_from_uint(d->label),
#if MICROML_HAS_FLOAT
        mp_obj_new_float((mp_float_t)d->score),
        mp_obj_new_float((mp_float_t)d->seconds),
#else
        mp_const_none,
        mp_const_none,
#endif
        mp_obj_new_int_from_uint(d->slice),
    };
    mp_obj_list_append(*list, mp_obj_new_tuple(4, items));
    return true;
}

// feed(samples, *, features=None): the detections completed in these samples, or None.
static mp_obj_t wakeword_feed(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_self, ARG_samples, ARG_features };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_self, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_samples, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_features, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    microml_wakeword_obj_t *self = MP_OBJ_TO_PTR(args[ARG_self].u_obj);
    wakeword_check(self);
    mml_py_err_t e;
    mml_py_value_t v;
    size_t n = 0;
    value_describe(args[ARG_samples].u_obj, &v);
    check(mml_py_samples(&v, &n, &e), &e);
    uint8_t *features = NULL;
    if (args[ARG_features].u_obj != mp_const_none) {
        mp_buffer_info_t fb = {.buf = NULL, .len = 0, .typecode = 0};
        bool writable = mp_get_buffer(args[ARG_features].u_obj, &fb, MP_BUFFER_WRITE);
        char tc = (char)(fb.typecode & 0x7f);
        check(mml_py_wakeword_features_check(&self->pw, n, writable,
                  tc == 'B' || tc == 'b' || tc == 1, fb.len, &e),
            &e);
        features = fb.buf;
    }
    mp_obj_t list = mp_const_none;
    check(mml_py_wakeword_feed(&self->pw, v.data, n, features, wakeword_emit, &list, &e), &e);
    return list;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(wakeword_feed_obj, 2, wakeword_feed);

static mp_obj_t wakeword_reset(mp_obj_t self_in) {
    microml_wakeword_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mml_py_err_t e;
    wakeword_check(self);
    check(mml_py_wakeword_reset(&self->pw, &e), &e);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(wakeword_reset_obj, wakeword_reset);

static void wakeword_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    microml_wakeword_obj_t *self = MP_OBJ_TO_PTR(self_in);
    const mml_wakeword_t *w = &self->pw.w;
    mp_printf(print, "<microml.WakeWord stride %d, cutoff %d/255, window %d%s>",
        (int)w->wake.stride, (int)w->wake.cutoff, (int)w->wake.window,
        w->has_vad ? ", with VAD" : "");
}

static void wakeword_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return; // read-only
    }
    microml_wakeword_obj_t *self = MP_OBJ_TO_PTR(self_in);
    const mml_wakeword_t *w = &self->pw.w;
    if (attr == MP_QSTR_feed) {
        dest[0] = MP_OBJ_FROM_PTR(&wakeword_feed_obj);
        dest[1] = self_in;
    } else if (attr == MP_QSTR_reset) {
        dest[0] = MP_OBJ_FROM_PTR(&wakeword_reset_obj);
        dest[1] = self_in;
    } else if (attr == MP_QSTR_slices) {
        dest[0] = mp_obj_new_int_from_uint(w->slices);
    } else if (attr == MP_QSTR_stride) {
        dest[0] = mp_obj_new_int(w->wake.stride);
    } else if (attr == MP_QSTR_cutoff) {
        dest[0] = mp_obj_new_int(w->wake.cutoff);
    } else if (attr == MP_QSTR_window) {
        dest[0] = mp_obj_new_int(w->wake.window);
    } else if (attr == MP_QSTR_step_ms) {
        dest[0] = mp_obj_new_int(w->fe.step * 1000 / MML_WAKEWORD_RATE);
    }
}

// AudioStream(model, *, frontend='micro', step_ms=20, every=1, smooth=1, threshold=0.5,
//             refractory_ms=1000, ignore=()): any classifier on streamed audio.
typedef struct _microml_audio_stream_obj_t {
    mp_obj_base_t base;
    mp_obj_t model;
    mml_py_audio_stream_t pa;
} microml_audio_stream_obj_t;

static mp_obj_t audio_stream_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw,
    const mp_obj_t *args) {
    enum {
        ARG_model,
        ARG_frontend,
        ARG_step_ms,
        ARG_every,
        ARG_smooth,
        ARG_threshold,
        ARG_refractory_ms,
        ARG_ignore
    };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_model, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_frontend, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_step_ms, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 20}},
        {MP_QSTR_every, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 1}},
        {MP_QSTR_smooth, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 1}},
        {MP_QSTR_threshold, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_refractory_ms, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 1000}},
        {MP_QSTR_ignore, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t vals[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, args, MP_ARRAY_SIZE(allowed_args), allowed_args, vals);
    microml_model_obj_t *m = wakeword_model_arg(vals[ARG_model].u_obj, "model");
    const char *frontend = "micro";
    size_t frontend_len = 5;
    if (vals[ARG_frontend].u_obj != mp_const_none) {
        frontend = mp_obj_str_get_data(vals[ARG_frontend].u_obj, &frontend_len);
    }
    float threshold = vals[ARG_threshold].u_obj == mp_const_none
        ? 0.5f
        : (float)mp_obj_get_float(vals[ARG_threshold].u_obj);
    mml_py_err_t e;
    uint32_t mask = 0;
    if (vals[ARG_ignore].u_obj != mp_const_none) {
        size_t n;
        mp_obj_t *items;
        mp_obj_get_array(vals[ARG_ignore].u_obj, &n, &items); // a tuple or list of labels
        for (size_t i = 0; i < n; i++) {
            mp_int_t v = mp_obj_get_int(items[i]);
            check(mml_py_audio_stream_ignore(&mask, v < -1 || v > 99 ? -1 : (int32_t)v, &e), &e);
        }
    }
    model_check(m);
    mml_audio_stream_config_t cfg;
    check(mml_py_audio_stream_config(&cfg, &m->pm, frontend, frontend_len,
              (int32_t)vals[ARG_step_ms].u_int, (int32_t)vals[ARG_every].u_int,
              (int32_t)vals[ARG_smooth].u_int, threshold, (int32_t)vals[ARG_refractory_ms].u_int,
              mask, &e),
        &e);
    microml_audio_stream_obj_t *self = mp_obj_malloc(microml_audio_stream_obj_t, type);
    self->model = vals[ARG_model].u_obj;
    size_t len = mml_py_audio_stream_mem_size(&cfg);
    void *mem = m_new(uint64_t, (len + 7) / 8);
    check(mml_py_audio_stream_init(&self->pa, &cfg, mem, len, &e), &e);
    return MP_OBJ_FROM_PTR(self);
}

static mp_obj_t audio_stream_feed(mp_obj_t self_in, mp_obj_t x) {
    microml_audio_stream_obj_t *self = MP_OBJ_TO_PTR(self_in);
    model_check(MP_OBJ_TO_PTR(self->model));
    mml_py_err_t e;
    mml_py_value_t v;
    size_t n = 0;
    value_describe(x, &v);
    check(mml_py_samples(&v, &n, &e), &e);
    mp_obj_t list = mp_const_none;
    check(mml_py_audio_stream_feed(&self->pa, v.data, n, wakeword_emit, &list, &e), &e);
    return list;
}
static MP_DEFINE_CONST_FUN_OBJ_2(audio_stream_feed_obj, audio_stream_feed);

static mp_obj_t audio_stream_reset(mp_obj_t self_in) {
    microml_audio_stream_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mml_py_err_t e;
    model_check(MP_OBJ_TO_PTR(self->model));
    check(mml_py_audio_stream_reset(&self->pa, &e), &e);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(audio_stream_reset_obj, audio_stream_reset);

static void audio_stream_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return; // read-only
    }
    microml_audio_stream_obj_t *self = MP_OBJ_TO_PTR(self_in);
    const mml_audio_stream_t *s = &self->pa.s;
    if (attr == MP_QSTR_feed) {
        dest[0] = MP_OBJ_FROM_PTR(&audio_stream_feed_obj);
        dest[1] = self_in;
    } else if (attr == MP_QSTR_reset) {
        dest[0] = MP_OBJ_FROM_PTR(&audio_stream_reset_obj);
        dest[1] = self_in;
    } else if (attr == MP_QSTR_frames) {
        dest[0] = mp_obj_new_int_from_uint(s->frame_count);
    } else if (attr == MP_QSTR_last) {
        if (s->n_scores == 0) {
            dest[0] = mp_const_none;
        } else {
            mp_obj_t items[2] = {
                mp_obj_new_int(s->label),
#if MICROML_HAS_FLOAT
                mp_obj_new_float((mp_float_t)s->score),
#else
                mp_const_none,
#endif
            };
            dest[0] = mp_obj_new_tuple(2, items);
        }
    }
}
#endif // MML_ENABLE_DSP
// ---- end stream ----

/******************************************************************************/
// ---- gesture ----
// rasterize_stroke() (and IMUFeatures below): the API in bindings/common/mml_py_gesture.c.

#if MICROML_HAS_GESTURE
// rasterize_stroke(points, out=None, *, range=0.6, width=32, height=32): the stroke as the
// magic wand model's int8 [height, width, 3] input, in a bytearray (or out).
static mp_obj_t microml_rasterize_stroke(size_t n_args, const mp_obj_t *pos_args,
    mp_map_t *kw_args) {
    enum { ARG_points, ARG_out, ARG_range, ARG_width, ARG_height };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_points, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_out, MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_range, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_width, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 32}},
        {MP_QSTR_height, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 32}},
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mml_py_err_t e;
    mml_stroke_raster_t r;
    float range = args[ARG_range].u_obj == mp_const_none
        ? 0.6f : (float)mp_obj_get_float(args[ARG_range].u_obj);
    mp_int_t w = args[ARG_width].u_int, h = args[ARG_height].u_int;
    check(mml_py_stroke_init(&r, range, w < 0 || w > 4096 ? 0 : (int32_t)w,
        h < 0 || h > 4096 ? 0 : (int32_t)h, &e), &e);
    mml_py_value_t v;
    value_describe(args[ARG_points].u_obj, &v);
    check(mml_py_stroke_check(&r, &v, &e), &e);
    mp_obj_t out = args[ARG_out].u_obj;
    uint8_t *dst;
    if (out != mp_const_none) {
        mp_buffer_info_t bi = {.buf = NULL, .len = 0};
        bool writable = mp_get_buffer(out, &bi, MP_BUFFER_WRITE);
        check(mml_py_stroke_out_check(&r, writable, bi.len, &e), &e);
        dst = bi.buf;
    } else {
        size_t n = mml_py_stroke_bytes(&r);
        dst = m_new(uint8_t, n);
        out = mp_obj_new_bytearray_by_ref(n, dst);
    }
    mml_py_stroke_run(&r, &v, dst);
    return out;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(microml_rasterize_stroke_obj, 1, microml_rasterize_stroke);

// A new flat array.array of n items of typecode tc ('b' or 'f'), its items at *data.
static mp_obj_t gesture_array_new(char tc, size_t n, uint8_t **data) {
    size_t size = tc == 'f' ? 4 : 1;
    uint8_t *items = m_new(uint8_t, n > 0 ? size * n : 1);
#if MICROPY_ENABLE_DYNRUNTIME
    mp_obj_t mod = mp_import_name(MP_QSTR_array, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
    const mp_obj_type_t *array_type = MP_OBJ_TO_PTR(mp_load_attr(mod, MP_QSTR_array));
#else
    const mp_obj_type_t *array_type = &mp_type_array;
#endif
    mp_obj_array_t *o = mp_obj_malloc(mp_obj_array_t, array_type);
    o->typecode = (size_t)tc;
    o->free = 0;
    o->len = n;
    o->items = items;
    *data = items;
    return MP_OBJ_FROM_PTR(o);
}

// stroke_from_gyro(gyro, rate, *, drift=None, gravity=None, stride=2, out=None): the magic wand
// sketch's int8 stroke points from float32 gyroscope samples [n, 3], as array('b') (or out).
static mp_obj_t microml_stroke_from_gyro(size_t n_args, const mp_obj_t *pos_args,
    mp_map_t *kw_args) {
    enum { ARG_gyro, ARG_rate, ARG_drift, ARG_gravity, ARG_stride, ARG_out };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_gyro, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_rate, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_drift, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_gravity, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_stride, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 2}},
        {MP_QSTR_out, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mml_py_err_t e;
    mml_py_value_t gyro, drift, gravity;
    value_describe(args[ARG_gyro].u_obj, &gyro);
    bool has_drift = args[ARG_drift].u_obj != mp_const_none;
    bool has_gravity = args[ARG_gravity].u_obj != mp_const_none;
    if (has_drift) {
        value_describe(args[ARG_drift].u_obj, &drift);
    }
    if (has_gravity) {
        value_describe(args[ARG_gravity].u_obj, &gravity);
    }
    mp_int_t stride = args[ARG_stride].u_int;
    mml_py_gyro_t g;
    check(mml_py_gyro_check(&g, &gyro, (float)mp_obj_get_float(args[ARG_rate].u_obj),
        has_drift ? &drift : NULL, has_gravity ? &gravity : NULL,
        stride < 0 || stride > 1000000 ? 0 : (int32_t)stride, &e), &e);
    mp_obj_t out = args[ARG_out].u_obj;
    uint8_t *dst;
    if (out != mp_const_none) {
        mp_buffer_info_t bi = {.buf = NULL, .len = 0, .typecode = 0};
        bool w = mp_get_buffer(out, &bi, MP_BUFFER_WRITE);
        check(mml_py_gyro_out_check(&g, w, (char)(bi.typecode & 0x7f), bi.len, &e), &e);
        dst = bi.buf;
    } else {
        out = gesture_array_new('b', mml_py_gyro_values(&g), &dst);
    }
    mml_py_gyro_run(&g, dst);
    return out;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(microml_stroke_from_gyro_obj, 2, microml_stroke_from_gyro);

// IMUFeatures: streaming IMU window features. Cost: the object and one float buffer
// (mml_py_imu_mem_floats()) allocated once; push() allocates nothing, read() its result
// (read(out) nothing).
typedef struct _microml_imu_obj_t {
    mp_obj_base_t base;
    float *mem; // the ring, queue and FFT scratch that f points into
    mml_imu_t f;
} microml_imu_obj_t;

static mp_obj_t imu_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw,
    const mp_obj_t *args) {
    enum { ARG_channels, ARG_window, ARG_hop, ARG_bands, ARG_magnitude, ARG_rate, ARG_queue };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_channels, MP_ARG_REQUIRED | MP_ARG_INT, {.u_int = 0}},
        {MP_QSTR_window, MP_ARG_REQUIRED | MP_ARG_INT, {.u_int = 0}},
        {MP_QSTR_hop, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 0}},
        {MP_QSTR_bands, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 4}},
        {MP_QSTR_magnitude, MP_ARG_KW_ONLY | MP_ARG_BOOL, {.u_bool = true}},
        {MP_QSTR_rate, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_obj = mp_const_none}},
        {MP_QSTR_queue, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 4}},
    };
    mp_arg_val_t vals[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, args, MP_ARRAY_SIZE(allowed_args), allowed_args, vals);
    mp_int_t iv[5] = {vals[ARG_channels].u_int, vals[ARG_window].u_int, vals[ARG_hop].u_int,
        vals[ARG_bands].u_int, vals[ARG_queue].u_int};
    int32_t v32[5];
    for (int i = 0; i < 5; i++) {
        v32[i] = iv[i] < -1 || iv[i] > 1000000 ? -1 : (int32_t)iv[i];
    }
    float rate = vals[ARG_rate].u_obj == mp_const_none
        ? 1.0f : (float)mp_obj_get_float(vals[ARG_rate].u_obj);
    mml_py_err_t e;
    mml_imu_config_t c;
    check(mml_py_imu_config(&c, v32[0], v32[1], v32[2] == 0 ? v32[1] : v32[2], v32[3],
        vals[ARG_magnitude].u_bool, rate, v32[4], &e), &e);
    size_t n = mml_py_imu_mem_floats(&c);
    microml_imu_obj_t *self = mp_obj_malloc(microml_imu_obj_t, type);
    self->mem = m_new(float, n);
    check(mml_py_imu_init(&self->f, &c, self->mem, n, &e), &e);
    return MP_OBJ_FROM_PTR(self);
}

// push(samples): samples [n, channels] interleaved; returns the feature vectors ready.
static mp_obj_t imu_push(mp_obj_t self_in, mp_obj_t samples) {
    microml_imu_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mml_py_err_t e;
    mml_py_value_t v;
    size_t frames;
    value_describe(samples, &v);
    check(mml_py_imu_push_check(&self->f, &v, &frames, &e), &e);
    return mp_obj_new_int(mml_py_imu_push(&self->f, &v, frames));
}
static MP_DEFINE_CONST_FUN_OBJ_2(imu_push_obj, imu_push);

// read(out=None): the oldest feature vector, as array('f') (or into out).
static mp_obj_t imu_read(size_t n_args, const mp_obj_t *args) {
    microml_imu_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    mp_obj_t out = n_args > 1 ? args[1] : mp_const_none;
    mml_py_err_t e;
    if (out != mp_const_none) {
        mp_buffer_info_t bi = {.buf = NULL, .len = 0, .typecode = 0};
        bool w = mp_get_buffer(out, &bi, MP_BUFFER_WRITE);
        check(mml_py_imu_read_check(&self->f, true, w, (char)(bi.typecode & 0x7f), bi.len, &e),
            &e);
        mml_py_imu_read(&self->f, bi.buf);
        return out;
    }
    check(mml_py_imu_read_check(&self->f, false, false, 0, 0, &e), &e);
    uint8_t *items;
    mp_obj_t o = gesture_array_new('f', (size_t)self->f.n_features, &items);
    mml_py_imu_read(&self->f, items);
    return o;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(imu_read_obj, 1, 2, imu_read);

static mp_obj_t imu_reset(mp_obj_t self_in) {
    microml_imu_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mml_imu_reset(&self->f);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(imu_reset_obj, imu_reset);

static void imu_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return; // read-only
    }
    microml_imu_obj_t *self = MP_OBJ_TO_PTR(self_in);
    const void *method = NULL;
    if (attr == MP_QSTR_push) {
        method = &imu_push_obj;
    } else if (attr == MP_QSTR_read) {
        method = &imu_read_obj;
    } else if (attr == MP_QSTR_reset) {
        method = &imu_reset_obj;
    } else if (attr == MP_QSTR_n_features) {
        dest[0] = mp_obj_new_int(self->f.n_features);
    } else if (attr == MP_QSTR_ready) {
        dest[0] = mp_obj_new_int(self->f.ready);
    }
    if (method != NULL) {
        dest[0] = MP_OBJ_FROM_PTR(method);
        dest[1] = self_in;
    }
}
#endif // MICROML_HAS_GESTURE

/******************************************************************************/
// Module

// load(buf, *, arena=None): the model object for buf's family.
static mp_obj_t microml_load(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    mml_py_err_t e;
    mml_py_family_t family = MML_PY_FAMILY_NONE;
    mp_obj_t buf = pos_args[0];
    mp_buffer_info_t bi;
    qstr t = mp_obj_is_small_int(buf) ? MP_QSTR_int : type_name(buf);
    if (t == MP_QSTR_str) {
        check(mml_py_family(NULL, 0, true, &family, &e), &e);
    } else if (!mp_get_buffer(buf, &bi, MP_BUFFER_READ)) {
        raise_err((mml_py_fail(&e, MML_PY_MSG_MODEL_NOT_BUFFER), &e));
    } else {
        check(mml_py_family(bi.buf, bi.len, false, &family, &e), &e);
    }
    // One entry per family. The arguments go on as make_new takes them: the positional ones,
    // then key, value pairs (make_new rejects extra or unknown ones).
    mp_obj_t args[2 + 2 * 2];
    size_t n_pos = n_args < 2 ? n_args : 2, n_kw = 0;
    for (size_t i = 0; i < n_pos; i++) {
        args[i] = pos_args[i];
    }
    if (kw_args != NULL) {
        for (size_t i = 0; i < kw_args->alloc && n_kw < 2; i++) {
            if (mp_map_slot_is_filled(kw_args, i)) {
                args[n_pos + 2 * n_kw] = kw_args->table[i].key;
                args[n_pos + 1 + 2 * n_kw] = kw_args->table[i].value;
                n_kw++;
            }
        }
    }
    switch (family) {
#if MML_ENABLE_CLASSIC
        case MML_PY_FAMILY_CLASSIC:
            return classic_make_new(MICROML_CLASSIC_TYPE, 1, n_kw, args);
#endif
        default: // MML_PY_FAMILY_TFLITE
            return model_make_new(MICROML_MODEL_TYPE, n_pos, n_kw, args);
    }
}
static MP_DEFINE_CONST_FUN_OBJ_KW(microml_load_obj, 1, microml_load);

#if MICROPY_ENABLE_DYNRUNTIME

mp_obj_t mpy_init(mp_obj_fun_bc_t *self, size_t n_args, size_t n_kw, mp_obj_t *args) {
    MP_DYNRUNTIME_INIT_ENTRY

    microml_float_abi_check();
    microml_model_type.base.type = (void *)&mp_type_type;
    microml_model_type.flags = MP_TYPE_FLAG_NONE;
    microml_model_type.name = MP_QSTR_Model;
    MP_OBJ_TYPE_SET_SLOT(&microml_model_type, make_new, model_make_new, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_model_type, print, model_print, 1);
    MP_OBJ_TYPE_SET_SLOT(&microml_model_type, attr, model_attr, 2);

    microml_tensorinfo_type.base.type = (void *)&mp_type_type;
    microml_tensorinfo_type.flags = MP_TYPE_FLAG_ITER_IS_GETITER;
    microml_tensorinfo_type.name = MP_QSTR_TensorInfo;
    MP_OBJ_TYPE_SET_SLOT(&microml_tensorinfo_type, print, tensorinfo_print, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_tensorinfo_type, attr, tensorinfo_attr, 1);
    MP_OBJ_TYPE_SET_SLOT(&microml_tensorinfo_type, subscr, tensorinfo_subscr, 2);
    MP_OBJ_TYPE_SET_SLOT(&microml_tensorinfo_type, iter, tensorinfo_getiter, 3);

#if MML_ENABLE_CLASSIC
    microml_classic_type.base.type = (void *)&mp_type_type;
    microml_classic_type.flags = MP_TYPE_FLAG_NONE;
    microml_classic_type.name = MP_QSTR_ClassicModel;
    MP_OBJ_TYPE_SET_SLOT(&microml_classic_type, make_new, classic_make_new, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_classic_type, print, classic_print, 1);
    MP_OBJ_TYPE_SET_SLOT(&microml_classic_type, attr, classic_attr, 2);
    mp_store_global(MP_QSTR_ClassicModel, MP_OBJ_FROM_PTR(&microml_classic_type));
    microml_classic_method_type.base.type = (void *)&mp_type_type;
    microml_classic_method_type.flags = MP_TYPE_FLAG_NONE;
    microml_classic_method_type.name = MP_QSTR_ClassicMethod;
    MP_OBJ_TYPE_SET_SLOT(&microml_classic_method_type, call, classic_call, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_classic_method_type, print, classic_method_print, 1);
#endif

#if MML_ENABLE_DSP
    microml_dsp_type.base.type = (void *)&mp_type_type;
    microml_dsp_type.flags = MP_TYPE_FLAG_NONE;
    microml_dsp_type.name = MP_QSTR_Transform;
    MP_OBJ_TYPE_SET_SLOT(&microml_dsp_type, call, dsp_call, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_dsp_type, print, dsp_print, 1);
    MP_OBJ_TYPE_SET_SLOT(&microml_dsp_type, attr, dsp_attr, 2);
    microml_dspns_type.base.type = (void *)&mp_type_type;
    microml_dspns_type.flags = MP_TYPE_FLAG_NONE;
    microml_dspns_type.name = MP_QSTR_dsp;
    MP_OBJ_TYPE_SET_SLOT(&microml_dspns_type, print, dspns_print, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_dspns_type, attr, dspns_attr, 1);
    mp_store_global(MP_QSTR_dsp,
        MP_OBJ_FROM_PTR(mp_obj_malloc(mp_obj_base_t, (mp_obj_type_t *)&microml_dspns_type)));

    microml_wakeword_type.base.type = (void *)&mp_type_type;
    microml_wakeword_type.flags = MP_TYPE_FLAG_NONE;
    microml_wakeword_type.name = MP_QSTR_WakeWord;
    MP_OBJ_TYPE_SET_SLOT(&microml_wakeword_type, make_new, wakeword_make_new, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_wakeword_type, print, wakeword_print, 1);
    MP_OBJ_TYPE_SET_SLOT(&microml_wakeword_type, attr, wakeword_attr, 2);
    mp_store_global(MP_QSTR_WakeWord, MP_OBJ_FROM_PTR(&microml_wakeword_type));
    microml_audio_stream_type.base.type = (void *)&mp_type_type;
    microml_audio_stream_type.flags = MP_TYPE_FLAG_NONE;
    microml_audio_stream_type.name = MP_QSTR_AudioStream;
    MP_OBJ_TYPE_SET_SLOT(&microml_audio_stream_type, make_new, audio_stream_make_new, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_audio_stream_type, attr, audio_stream_attr, 1);
    mp_store_global(MP_QSTR_AudioStream, MP_OBJ_FROM_PTR(&microml_audio_stream_type));
#endif

#if MML_ENABLE_DSP // ---- anomaly ----
    microml_detector_type.base.type = (void *)&mp_type_type;
    microml_detector_type.flags = MP_TYPE_FLAG_NONE;
    microml_detector_type.name = MP_QSTR_Detector;
    MP_OBJ_TYPE_SET_SLOT(&microml_detector_type, make_new, detector_make_new, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_detector_type, print, detector_print, 1);
    MP_OBJ_TYPE_SET_SLOT(&microml_detector_type, attr, detector_attr, 2);
    mp_store_global(MP_QSTR_Detector, MP_OBJ_FROM_PTR(&microml_detector_type));
    mp_store_global(MP_QSTR_log_mel, MP_OBJ_FROM_PTR(&microml_log_mel_obj));
#endif

    mp_store_global(MP_QSTR___version__,
        mp_obj_new_str(MML_VERSION_STRING, sizeof(MML_VERSION_STRING) - 1));
    mp_store_global(MP_QSTR_Model, MP_OBJ_FROM_PTR(&microml_model_type));
    mp_store_global(MP_QSTR_TensorInfo, MP_OBJ_FROM_PTR(&microml_tensorinfo_type));
    mp_store_global(MP_QSTR_load, MP_OBJ_FROM_PTR(&microml_load_obj));
#if MICROML_HAS_GESTURE
    mp_store_global(MP_QSTR_rasterize_stroke, MP_OBJ_FROM_PTR(&microml_rasterize_stroke_obj));
    mp_store_global(MP_QSTR_stroke_from_gyro, MP_OBJ_FROM_PTR(&microml_stroke_from_gyro_obj));
    microml_imu_type.base.type = (void *)&mp_type_type;
    microml_imu_type.flags = MP_TYPE_FLAG_NONE;
    microml_imu_type.name = MP_QSTR_IMUFeatures;
    MP_OBJ_TYPE_SET_SLOT(&microml_imu_type, make_new, imu_make_new, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_imu_type, attr, imu_attr, 1);
    mp_store_global(MP_QSTR_IMUFeatures, MP_OBJ_FROM_PTR(&microml_imu_type));
#endif

    MP_DYNRUNTIME_INIT_EXIT
}

#else

MP_DEFINE_CONST_OBJ_TYPE(microml_model_type, MP_QSTR_Model, MP_TYPE_FLAG_NONE, make_new,
    model_make_new, print, model_print, attr, model_attr);

MP_DEFINE_CONST_OBJ_TYPE(microml_tensorinfo_type, MP_QSTR_TensorInfo, MP_TYPE_FLAG_ITER_IS_GETITER,
    print, tensorinfo_print, attr, tensorinfo_attr, subscr, tensorinfo_subscr, iter,
    tensorinfo_getiter);

#if MML_ENABLE_CLASSIC
MP_DEFINE_CONST_OBJ_TYPE(microml_classic_type, MP_QSTR_ClassicModel, MP_TYPE_FLAG_NONE, make_new,
    classic_make_new, print, classic_print, attr, classic_attr);
MP_DEFINE_CONST_OBJ_TYPE(microml_classic_method_type, MP_QSTR_ClassicMethod, MP_TYPE_FLAG_NONE,
    call, classic_call, print, classic_method_print);
#endif

#if MICROML_HAS_GESTURE
MP_DEFINE_CONST_OBJ_TYPE(microml_imu_type, MP_QSTR_IMUFeatures, MP_TYPE_FLAG_NONE, make_new,
    imu_make_new, attr, imu_attr);
#endif

#if MML_ENABLE_DSP
MP_DEFINE_CONST_OBJ_TYPE(microml_wakeword_type, MP_QSTR_WakeWord, MP_TYPE_FLAG_NONE, make_new,
    wakeword_make_new, print, wakeword_print, attr, wakeword_attr);
MP_DEFINE_CONST_OBJ_TYPE(microml_audio_stream_type, MP_QSTR_AudioStream, MP_TYPE_FLAG_NONE,
    make_new, audio_stream_make_new, attr, audio_stream_attr);
#endif

#if MML_ENABLE_DSP // ---- anomaly ----
MP_DEFINE_CONST_OBJ_TYPE(microml_detector_type, MP_QSTR_Detector, MP_TYPE_FLAG_NONE, make_new,
    detector_make_new, print, detector_print, attr, detector_attr);
#endif

static const MP_DEFINE_STR_OBJ(microml_version_obj, MML_VERSION_STRING);

static const mp_rom_map_elem_t microml_module_globals_table[] = {
    {MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_microml)},
    {MP_ROM_QSTR(MP_QSTR___version__), MP_ROM_PTR(&microml_version_obj)},
    {MP_ROM_QSTR(MP_QSTR_Model), MP_ROM_PTR(&microml_model_type)},
    {MP_ROM_QSTR(MP_QSTR_TensorInfo), MP_ROM_PTR(&microml_tensorinfo_type)},
    {MP_ROM_QSTR(MP_QSTR_load), MP_ROM_PTR(&microml_load_obj)},
#if MML_ENABLE_CLASSIC
    {MP_ROM_QSTR(MP_QSTR_ClassicModel), MP_ROM_PTR(&microml_classic_type)},
#endif
#if MICROML_HAS_GESTURE
    {MP_ROM_QSTR(MP_QSTR_rasterize_stroke), MP_ROM_PTR(&microml_rasterize_stroke_obj)},
    {MP_ROM_QSTR(MP_QSTR_stroke_from_gyro), MP_ROM_PTR(&microml_stroke_from_gyro_obj)},
    {MP_ROM_QSTR(MP_QSTR_IMUFeatures), MP_ROM_PTR(&microml_imu_type)},
#endif
#if MML_ENABLE_DSP
    {MP_ROM_QSTR(MP_QSTR_dsp), MP_ROM_PTR(&microml_dsp_ns)},
    {MP_ROM_QSTR(MP_QSTR_WakeWord), MP_ROM_PTR(&microml_wakeword_type)},
    {MP_ROM_QSTR(MP_QSTR_AudioStream), MP_ROM_PTR(&microml_audio_stream_type)},
#endif
#if MML_ENABLE_DSP // ---- anomaly ----
    {MP_ROM_QSTR(MP_QSTR_Detector), MP_ROM_PTR(&microml_detector_type)},
    {MP_ROM_QSTR(MP_QSTR_log_mel), MP_ROM_PTR(&microml_log_mel_obj)},
#endif
};
static MP_DEFINE_CONST_DICT(microml_module_globals, microml_module_globals_table);

const mp_obj_module_t microml_user_cmodule = {
    .base = {&mp_type_module},
    .globals = (mp_obj_dict_t *)&microml_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_microml, microml_user_cmodule);

#endif
