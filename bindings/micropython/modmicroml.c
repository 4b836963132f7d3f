// SPDX-License-Identifier: MIT
// The microml MicroPython module: Model and TensorInfo over the C API in include/microml.
// One file builds both the user C module (firmware) and the native .mpy
// (MICROPY_ENABLE_DYNRUNTIME). Cost: a Model object is sizeof(mml_model_t) + 3 references; predict
// copies inputs and outputs once.
#if MICROPY_ENABLE_DYNRUNTIME
#include "py/dynruntime.h"
#include "float_abi.h"
#else
#include "py/runtime.h"
#include "py/objstr.h"
#endif
#include <string.h>
#include "py/objarray.h"
#include "py/objtuple.h"
#include "microml/microml.h"

// Float objects exist. mk/micropython.mk builds every .mpy with float on (the core needs float
// anyway); a build without float still runs models, takes integer lists and reports scale None.
#define MICROML_HAS_FLOAT (MICROPY_FLOAT_IMPL != MICROPY_FLOAT_IMPL_NONE)

#if MICROPY_ENABLE_DYNRUNTIME
// Types of a .mpy live in RAM and are filled in by mpy_init (a .mpy has no ROM type objects).
mp_obj_full_type_t microml_model_type;
mp_obj_full_type_t microml_tensorinfo_type;
#define MICROML_MODEL_TYPE ((mp_obj_type_t *)&microml_model_type)
#define MICROML_TENSORINFO_TYPE ((mp_obj_type_t *)&microml_tensorinfo_type)
#else
extern const mp_obj_type_t microml_model_type;
extern const mp_obj_type_t microml_tensorinfo_type;
#define MICROML_MODEL_TYPE (&microml_model_type)
#define MICROML_TENSORINFO_TYPE (&microml_tensorinfo_type)
#endif

typedef struct _microml_model_obj_t {
    mp_obj_base_t base;
    mp_obj_t buf;     // the model bytes' owner: borrowed by model.buf, kept alive here
    mp_obj_t arena;   // the arena's owner (caller's buffer or our bytearray)
    mp_obj_t inputs;  // tuple of TensorInfo
    mp_obj_t outputs; // tuple of TensorInfo
    mml_model_t model;
} microml_model_obj_t;

typedef struct _microml_tensorinfo_obj_t {
    mp_obj_base_t base;
    mp_obj_t index, name, shape, dtype, scale, zero_point;
} microml_tensorinfo_obj_t;

/******************************************************************************/
// Errors: every failure, from the core or from argument checks here, goes through raise_status.

// The one place a status becomes an exception. err->msg is the message, except for a too-small
// arena, whose message is built from needed/got so it always reads "arena needs N bytes, got M".
static NORETURN void raise_status(mml_error_t *err);

static size_t str_len(const char *s) {
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

// Appends s to the message being built at err->msg + *pos (truncating at the end).
static void msg_put(mml_error_t *err, size_t *pos, const char *s) {
    while (*s != '\0' && *pos + 1 < sizeof(err->msg)) {
        err->msg[(*pos)++] = *s++;
    }
    err->msg[*pos] = '\0';
}

static void msg_put_uint(mml_error_t *err, size_t *pos, uint32_t v) {
    char digits[11];
    size_t n = sizeof(digits) - 1;
    digits[n] = '\0';
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    msg_put(err, pos, digits + n);
}

static NORETURN void raise_status(mml_error_t *err) {
    const mp_obj_type_t *type;
    switch (err->status) {
        case MML_ERR_ARENA_TOO_SMALL:
        case MML_ERR_WORK_TOO_SMALL: {
            uint32_t needed = err->needed, got = err->got;
            size_t pos = 0;
            msg_put(err, &pos,
                err->status == MML_ERR_ARENA_TOO_SMALL ? "arena needs " : "work needs ");
            msg_put_uint(err, &pos, needed);
            msg_put(err, &pos, " bytes, got ");
            msg_put_uint(err, &pos, got);
#if MICROPY_ENABLE_DYNRUNTIME
            type = MP_OBJ_TO_PTR(mp_load_global(MP_QSTR_MemoryError));
#else
            type = &mp_type_MemoryError;
#endif
            break;
        }
        case MML_ERR_UNSUPPORTED:
            type = &mp_type_NotImplementedError;
            break;
        default: // MML_ERR_INVALID_MODEL, MML_ERR_INVALID_ARG and anything new
            type = &mp_type_ValueError;
            break;
    }
    if (err->msg[0] == '\0') {
        size_t pos = 0;
        msg_put(err, &pos, mml_status_str(err->status));
    }
    mp_raise_type_arg(type, mp_obj_new_str(err->msg, str_len(err->msg)));
}

static void check(mml_status_t status, mml_error_t *err) {
    if (status != MML_OK) {
        err->status = status;
        raise_status(err);
    }
}

// ValueError "<what> <i> <text>" (what may be NULL), via raise_status.
static NORETURN void raise_arg(const char *what, uint32_t i, const char *text) {
    mml_error_t err;
    size_t pos = 0;
    err.status = MML_ERR_INVALID_ARG;
    err.msg[0] = '\0';
    if (what != NULL) {
        msg_put(&err, &pos, what);
        msg_put(&err, &pos, " ");
        msg_put_uint(&err, &pos, i);
        msg_put(&err, &pos, " ");
    }
    msg_put(&err, &pos, text);
    raise_status(&err);
}

// ValueError "<what> <i> needs N bytes, got M".
static NORETURN void raise_size(const char *what, uint32_t i, uint32_t needed, uint32_t got) {
    mml_error_t err;
    size_t pos = 0;
    err.status = MML_ERR_INVALID_ARG;
    msg_put(&err, &pos, what);
    msg_put(&err, &pos, " ");
    msg_put_uint(&err, &pos, i);
    msg_put(&err, &pos, " needs ");
    msg_put_uint(&err, &pos, needed);
    msg_put(&err, &pos, " bytes, got ");
    msg_put_uint(&err, &pos, got);
    raise_status(&err);
}

/******************************************************************************/
// TensorInfo: a read-only record (index, name, shape, dtype, scale, zero_point).

static mp_obj_t tensorinfo_new(const mml_tensor_info_t *info) {
    microml_tensorinfo_obj_t *self =
        mp_obj_malloc(microml_tensorinfo_obj_t, MICROML_TENSORINFO_TYPE);
    mp_obj_t dims[MML_MAX_DIMS];
    for (size_t i = 0; i < info->rank && i < MML_MAX_DIMS; i++) {
        dims[i] = mp_obj_new_int(info->shape[i]);
    }
    const char *dtype = mml_dtype_name((mml_dtype_t)info->dtype);
    const char *name = info->name != NULL ? info->name : "";
    self->index = mp_obj_new_int_from_uint(info->index);
    self->name = mp_obj_new_str(name, str_len(name));
    self->shape = mp_obj_new_tuple(info->rank < MML_MAX_DIMS ? info->rank : MML_MAX_DIMS, dims);
    self->dtype = mp_obj_new_str(dtype, str_len(dtype));
#if MICROML_HAS_FLOAT
    self->scale = mp_obj_new_float((mp_float_t)info->scale);
#else
    self->scale = mp_const_none;
#endif
    self->zero_point = mp_obj_new_int(info->zero_point);
    return MP_OBJ_FROM_PTR(self);
}

// microml.TensorInfo(index=0, name='x', shape=(1, 1), dtype='int8', scale=0.0245, zero_point=-128),
// as CPython prints its struct sequence. Each value is printed by the builtin repr().
static void tensorinfo_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    microml_tensorinfo_obj_t *self = MP_OBJ_TO_PTR(self_in);
    const mp_obj_t values[] = {self->index, self->name, self->shape, self->dtype, self->scale,
        self->zero_point};
    static const char *const fields[] = {"index", "name", "shape", "dtype", "scale", "zero_point"};
    mp_obj_t repr_fn = mp_load_global(MP_QSTR_repr);
    mp_printf(print, "microml.TensorInfo(");
    for (size_t i = 0; i < MP_ARRAY_SIZE(values); i++) {
        mp_buffer_info_t text;
        mp_obj_t r = mp_call_function_n_kw(repr_fn, 1, 0, &values[i]);
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
    if (attr == MP_QSTR_index) {
        dest[0] = self->index;
    } else if (attr == MP_QSTR_name) {
        dest[0] = self->name;
    } else if (attr == MP_QSTR_shape) {
        dest[0] = self->shape;
    } else if (attr == MP_QSTR_dtype) {
        dest[0] = self->dtype;
    } else if (attr == MP_QSTR_scale) {
        dest[0] = self->scale;
    } else if (attr == MP_QSTR_zero_point) {
        dest[0] = self->zero_point;
    }
}

/******************************************************************************/
// Model

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

    mp_buffer_info_t bufinfo;
    if (!mp_get_buffer(vals[ARG_buf].u_obj, &bufinfo, MP_BUFFER_READ)) {
        raise_arg(NULL, 0, "model must be a buffer (bytes, bytearray, memoryview)");
    }
    if (((uintptr_t)bufinfo.buf & 3) != 0) {
        raise_arg(NULL, 0, "model buffer must be 4-byte aligned");
    }

    microml_model_obj_t *self = mp_obj_malloc(microml_model_obj_t, MICROML_MODEL_TYPE);
    self->buf = vals[ARG_buf].u_obj;
    self->arena = mp_const_none;
    self->inputs = mp_const_empty_tuple;
    self->outputs = mp_const_empty_tuple;
    mml_error_t err;
    err.msg[0] = '\0';
    mml_model_t *m = &self->model;
    check(mml_model_load(m, bufinfo.buf, bufinfo.len, &err), &err);

    // Transient work memory for plan + prepare; the GC reclaims it if either raises.
    size_t work_len = mml_model_work_size(m);
    uint8_t *work = m_new(uint8_t, work_len > 0 ? work_len : 1);
    check(mml_model_plan(m, work, work_len, &err), &err);

    mp_buffer_info_t arenainfo;
    if (vals[ARG_arena].u_obj == mp_const_none) {
        mp_obj_t n = mp_obj_new_int_from_uint(m->arena_bytes > 0 ? m->arena_bytes : 1);
        self->arena = mp_call_function_n_kw(MP_OBJ_FROM_PTR(&mp_type_bytearray), 1, 0, &n);
    } else {
        self->arena = vals[ARG_arena].u_obj;
    }
    if (!mp_get_buffer(self->arena, &arenainfo, MP_BUFFER_WRITE)) {
        raise_arg(NULL, 0, "arena must be a writable buffer (bytearray, memoryview)");
    }
    if (((uintptr_t)arenainfo.buf % MML_ARENA_ALIGN) != 0) {
        raise_arg(NULL, 0, "arena must be aligned to MML_ARENA_ALIGN bytes");
    }
    if (arenainfo.len < m->arena_bytes) {
        err.needed = m->arena_bytes;
        err.got = (uint32_t)arenainfo.len;
        check(MML_ERR_ARENA_TOO_SMALL, &err);
    }
    check(mml_model_prepare(m, work, arenainfo.buf, arenainfo.len, &err), &err);
    m_del(uint8_t, work, work_len > 0 ? work_len : 1);

    mp_obj_t items[2];
    for (int io = 0; io < 2; io++) {
        uint32_t n = io == 0 ? m->n_inputs : m->n_outputs;
        mp_obj_t tuple = mp_obj_new_tuple(n, NULL);
        mp_obj_tuple_t *t = MP_OBJ_TO_PTR(tuple);
        for (uint32_t i = 0; i < n; i++) {
            mml_tensor_info_t info;
            check(io == 0 ? mml_model_input_info(m, i, &info) : mml_model_output_info(m, i, &info),
                &err);
            t->items[i] = tensorinfo_new(&info);
        }
        items[io] = tuple;
    }
    self->inputs = items[0];
    self->outputs = items[1];
    return MP_OBJ_FROM_PTR(self);
}

// Fills input tensor i from one Python object: raw bytes of the input dtype, or float values
// (array('f') / memoryview 'f' when the dtype is not float32, or a list/tuple of numbers).
static void model_set_input(microml_model_obj_t *self, uint32_t i, mp_obj_t x) {
    mml_tensor_info_t info;
    mml_error_t err;
    err.msg[0] = '\0';
    check(mml_model_input_info(&self->model, i, &info), &err);
    uint8_t *data = mml_model_input_data(&self->model, i);
    uint32_t size = mml_dtype_size((mml_dtype_t)info.dtype);
    uint32_t count = size > 0 ? info.bytes / size : 0;

    if (mp_obj_is_type(x, &mp_type_list) || mp_obj_is_type(x, &mp_type_tuple)) {
        size_t n;
        mp_obj_t *items;
        mp_obj_get_array(x, &n, &items);
        if (n != count) {
            raise_arg("input", i, "has the wrong number of values");
        }
        for (size_t k = 0; k < n; k++) {
#if MICROML_HAS_FLOAT
            float v = (float)mp_obj_get_float(items[k]);
#else
            float v = (float)mp_obj_get_int(items[k]);
#endif
            mml_tensor_set_float(&info, data, (uint32_t)k, v);
        }
        return;
    }
    mp_buffer_info_t bufinfo;
    if (!mp_get_buffer(x, &bufinfo, MP_BUFFER_READ)) {
        raise_arg("input", i, "must be a buffer or a list of numbers");
    }
    if (bufinfo.typecode == 'f' && info.dtype != MML_FLOAT32) {
        if (bufinfo.len != (size_t)count * sizeof(float)) {
            raise_arg("input", i, "has the wrong number of float values");
        }
        for (uint32_t k = 0; k < count; k++) {
            float v;
            memcpy(&v, (const uint8_t *)bufinfo.buf + k * sizeof(float), sizeof(float));
            mml_tensor_set_float(&info, data, k, v);
        }
        return;
    }
    if (bufinfo.len != info.bytes) {
        raise_size("input", i, info.bytes, (uint32_t)bufinfo.len);
    }
    memcpy(data, bufinfo.buf, info.bytes);
}

static char dtype_typecode(uint8_t dtype) {
    switch (dtype) {
        case MML_INT8:
            return 'b';
        case MML_INT16:
            return 'h';
        case MML_UINT16:
            return 'H';
        case MML_INT32:
            return 'i';
        case MML_UINT32:
            return 'I';
        case MML_FLOAT32:
            return 'f';
        default: // uint8, bool and anything else: raw bytes
            return 'B';
    }
}

static const mp_obj_type_t *array_type(void) {
#if MICROPY_ENABLE_DYNRUNTIME
    mp_obj_t mod = mp_import_name(MP_QSTR_array, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
    return MP_OBJ_TO_PTR(mp_load_attr(mod, MP_QSTR_array));
#else
    return &mp_type_array;
#endif
}

// A new array.array holding a copy of output tensor i.
static mp_obj_t model_new_output(microml_model_obj_t *self, uint32_t i) {
    mml_tensor_info_t info;
    mml_error_t err;
    err.msg[0] = '\0';
    check(mml_model_output_info(&self->model, i, &info), &err);
    char typecode = dtype_typecode(info.dtype);
    uint32_t itemsize =
        typecode == 'b' || typecode == 'B' ? 1 : (typecode == 'h' || typecode == 'H' ? 2 : 4);
    uint8_t *items = m_new(uint8_t, info.bytes > 0 ? info.bytes : 1);
    memcpy(items, mml_model_output_data(&self->model, i), info.bytes);
    mp_obj_array_t *o = mp_obj_malloc(mp_obj_array_t, array_type());
    o->typecode = (size_t)typecode;
    o->free = 0;
    o->len = info.bytes / itemsize;
    o->items = items;
    return MP_OBJ_FROM_PTR(o);
}

// Copies output tensor i into the caller's buffer y (exactly the output's byte size).
static void model_copy_output(microml_model_obj_t *self, uint32_t i, mp_obj_t y) {
    mml_tensor_info_t info;
    mml_error_t err;
    err.msg[0] = '\0';
    check(mml_model_output_info(&self->model, i, &info), &err);
    mp_buffer_info_t bufinfo;
    if (!mp_get_buffer(y, &bufinfo, MP_BUFFER_WRITE)) {
        raise_arg("output", i, "must be a writable buffer");
    }
    if (bufinfo.len != info.bytes) {
        raise_size("output", i, info.bytes, (uint32_t)bufinfo.len);
    }
    memcpy(bufinfo.buf, mml_model_output_data(&self->model, i), info.bytes);
}

// Items of x for a model with n (> 1) inputs or outputs: a tuple or list of exactly n.
static mp_obj_t *model_items(mp_obj_t x, uint32_t n, const char *what) {
    size_t len;
    mp_obj_t *items;
    if (!mp_obj_is_type(x, &mp_type_list) && !mp_obj_is_type(x, &mp_type_tuple)) {
        raise_arg(what, n, "items needed: pass a tuple or list");
    }
    mp_obj_get_array(x, &len, &items);
    if (len != n) {
        raise_arg(what, n, "items needed: wrong count");
    }
    return items;
}

static mp_obj_t model_predict(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_self, ARG_x, ARG_out };
    const mp_arg_t allowed_args[] = {
        {MP_QSTR_self, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_x, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL}},
        {MP_QSTR_out, MP_ARG_OBJ, {.u_obj = mp_const_none}},
    };
    mp_arg_val_t vals[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, vals);
    microml_model_obj_t *self = MP_OBJ_TO_PTR(vals[ARG_self].u_obj);
    mml_model_t *m = &self->model;

    mp_obj_t x = vals[ARG_x].u_obj;
    if (m->n_inputs == 1) {
        model_set_input(self, 0, x);
    } else {
        mp_obj_t *xs = model_items(x, m->n_inputs, "inputs:");
        for (uint32_t i = 0; i < m->n_inputs; i++) {
            model_set_input(self, i, xs[i]);
        }
    }

    mp_obj_t out = vals[ARG_out].u_obj;
    mp_obj_t *outs = NULL;
    if (out != mp_const_none && m->n_outputs != 1) {
        outs = model_items(out, m->n_outputs, "outputs:"); // checked before running
    }

    mml_error_t err;
    err.msg[0] = '\0';
    check(mml_model_invoke(m, &err), &err);

    if (out != mp_const_none) {
        if (m->n_outputs == 1) {
            model_copy_output(self, 0, out);
        } else {
            for (uint32_t i = 0; i < m->n_outputs; i++) {
                model_copy_output(self, i, outs[i]);
            }
        }
        return out;
    }
    if (m->n_outputs == 1) {
        return model_new_output(self, 0);
    }
    mp_obj_t result = mp_obj_new_tuple(m->n_outputs, NULL);
    mp_obj_tuple_t *t = MP_OBJ_TO_PTR(result);
    for (uint32_t i = 0; i < m->n_outputs; i++) {
        t->items[i] = model_new_output(self, i);
    }
    return result;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(model_predict_obj, 2, model_predict);

// reset(): recurrent state (variable tensors) back to its zero point, as after construction.
static mp_obj_t model_reset(mp_obj_t self_in) {
    microml_model_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mml_error_t err;
    err.msg[0] = '\0';
    check(mml_model_reset(&self->model), &err);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(model_reset_obj, model_reset);

// Attributes and the methods, looked up the same way in firmware and in a .mpy.
static void model_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return; // read-only
    }
    microml_model_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (attr == MP_QSTR_predict) {
        dest[0] = MP_OBJ_FROM_PTR(&model_predict_obj);
        dest[1] = self_in;
    } else if (attr == MP_QSTR_reset) {
        dest[0] = MP_OBJ_FROM_PTR(&model_reset_obj);
        dest[1] = self_in;
    } else if (attr == MP_QSTR_arena_size) {
        dest[0] = mp_obj_new_int_from_uint(self->model.arena_bytes);
    } else if (attr == MP_QSTR_inputs) {
        dest[0] = self->inputs;
    } else if (attr == MP_QSTR_outputs) {
        dest[0] = self->outputs;
    }
}

/******************************************************************************/
// Module

#if MICROPY_ENABLE_DYNRUNTIME

mp_obj_t mpy_init(mp_obj_fun_bc_t *self, size_t n_args, size_t n_kw, mp_obj_t *args) {
    MP_DYNRUNTIME_INIT_ENTRY

    microml_float_abi_check();
    microml_model_type.base.type = (void *)&mp_type_type;
    microml_model_type.flags = MP_TYPE_FLAG_NONE;
    microml_model_type.name = MP_QSTR_Model;
    MP_OBJ_TYPE_SET_SLOT(&microml_model_type, make_new, model_make_new, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_model_type, attr, model_attr, 1);

    microml_tensorinfo_type.base.type = (void *)&mp_type_type;
    microml_tensorinfo_type.flags = MP_TYPE_FLAG_NONE;
    microml_tensorinfo_type.name = MP_QSTR_TensorInfo;
    MP_OBJ_TYPE_SET_SLOT(&microml_tensorinfo_type, print, tensorinfo_print, 0);
    MP_OBJ_TYPE_SET_SLOT(&microml_tensorinfo_type, attr, tensorinfo_attr, 1);

    mp_store_global(MP_QSTR___version__,
        mp_obj_new_str(MML_VERSION_STRING, sizeof(MML_VERSION_STRING) - 1));
    mp_store_global(MP_QSTR_Model, MP_OBJ_FROM_PTR(&microml_model_type));
    mp_store_global(MP_QSTR_TensorInfo, MP_OBJ_FROM_PTR(&microml_tensorinfo_type));

    MP_DYNRUNTIME_INIT_EXIT
}

#else

MP_DEFINE_CONST_OBJ_TYPE(microml_model_type, MP_QSTR_Model, MP_TYPE_FLAG_NONE, make_new,
    model_make_new, attr, model_attr);

MP_DEFINE_CONST_OBJ_TYPE(microml_tensorinfo_type, MP_QSTR_TensorInfo, MP_TYPE_FLAG_NONE, print,
    tensorinfo_print, attr, tensorinfo_attr);

static const MP_DEFINE_STR_OBJ(microml_version_obj, MML_VERSION_STRING);

static const mp_rom_map_elem_t microml_module_globals_table[] = {
    {MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_microml)},
    {MP_ROM_QSTR(MP_QSTR___version__), MP_ROM_PTR(&microml_version_obj)},
    {MP_ROM_QSTR(MP_QSTR_Model), MP_ROM_PTR(&microml_model_type)},
    {MP_ROM_QSTR(MP_QSTR_TensorInfo), MP_ROM_PTR(&microml_tensorinfo_type)},
};
static MP_DEFINE_CONST_DICT(microml_module_globals, microml_module_globals_table);

const mp_obj_module_t microml_user_cmodule = {
    .base = {&mp_type_module},
    .globals = (mp_obj_dict_t *)&microml_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_microml, microml_user_cmodule);

#endif
