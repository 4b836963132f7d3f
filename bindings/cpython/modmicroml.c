// SPDX-License-Identifier: MIT
// The CPython face of microml: microml.Model and microml.TensorInfo, the same Python API as the
// MicroPython module. Costs per Model: the arena (caller's or one allocation), no model copy.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <stdint.h>
#include <string.h>

#include "microml/microml.h"

// array.array, fetched once at import: predict() returns outputs as arrays.
static PyObject *array_type;

// ---------------------------------------------------------------------------------------------
// Errors: the one place where a status becomes an exception.

static PyObject *raise_status(const mml_error_t *err) {
    // The core's messages say what they are ("malformed model: ...", "op 3 CONV_2D: ...").
    const char *msg = err->msg[0] ? err->msg : mml_status_str(err->status);
    switch (err->status) {
        case MML_ERR_ARENA_TOO_SMALL:
            return PyErr_Format(PyExc_MemoryError, "arena needs %lu bytes, got %lu",
                (unsigned long)err->needed, (unsigned long)err->got);
        case MML_ERR_UNSUPPORTED:
            return PyErr_Format(PyExc_NotImplementedError, "%s", msg);
        case MML_ERR_INVALID_MODEL:
        case MML_ERR_INVALID_ARG:
            return PyErr_Format(PyExc_ValueError, "%s", msg);
        default:
            // WORK_TOO_SMALL or an unknown code: the binding itself is wrong.
            return PyErr_Format(PyExc_RuntimeError, "microml internal error (%d): %s",
                (int)err->status, msg);
    }
}

// ---------------------------------------------------------------------------------------------
// Dtypes: element size comes from the core; the array typecode is a Python matter.

static char dtype_typecode(uint8_t dtype) {
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
            return sizeof(int) == 4 ? 'i' : 'l';
        case MML_UINT32:
            return sizeof(int) == 4 ? 'I' : 'L';
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

static uint32_t tensor_elements(const mml_tensor_info_t *t) {
    uint32_t size = mml_dtype_size((mml_dtype_t)t->dtype);
    return size ? t->bytes / size : 0;
}

// ---------------------------------------------------------------------------------------------
// microml.TensorInfo: a read-only record (a struct sequence, so it also unpacks like a tuple).

static PyStructSequence_Field tensorinfo_fields[] = {
    {"index", "tensor index in the model"},
    {"name", "tensor name"},
    {"shape", "tuple of dimensions"},
    {"dtype", "element type name: 'int8', 'float32' ..."},
    {"scale", "quantization scale (0.0 if not quantized)"},
    {"zero_point", "quantization zero point"},
    {NULL, NULL},
};

static PyStructSequence_Desc tensorinfo_desc = {
    "microml.TensorInfo",
    "Description of a model input or output tensor.",
    tensorinfo_fields,
    6,
};

static PyTypeObject *tensorinfo_type;

static PyObject *tensorinfo_new(const mml_tensor_info_t *t) {
    PyObject *info = PyStructSequence_New(tensorinfo_type);
    if (info == NULL) {
        return NULL;
    }
    PyObject *shape = PyTuple_New(t->rank);
    if (shape == NULL) {
        Py_DECREF(info);
        return NULL;
    }
    for (uint8_t d = 0; d < t->rank; d++) {
        PyObject *dim = PyLong_FromLong(t->shape[d]);
        if (dim == NULL) {
            Py_DECREF(shape);
            Py_DECREF(info);
            return NULL;
        }
        PyTuple_SET_ITEM(shape, d, dim);
    }
    PyObject *items[6] = {
        PyLong_FromUnsignedLong(t->index),
        // Names come from the model bytes: decode leniently, a damaged name is not fatal.
        PyUnicode_DecodeUTF8(t->name ? t->name : "", (Py_ssize_t)strlen(t->name ? t->name : ""),
            "replace"),
        shape,
        PyUnicode_FromString(mml_dtype_name((mml_dtype_t)t->dtype)),
        PyFloat_FromDouble((double)t->scale),
        PyLong_FromLong(t->zero_point),
    };
    int ok = 1;
    for (int k = 0; k < 6; k++) {
        if (items[k] == NULL) {
            ok = 0;
        }
        PyStructSequence_SET_ITEM(info, k, items[k]);
    }
    if (!ok) {
        Py_DECREF(info); // releases the items that were made
        return NULL;
    }
    return info;
}

// ---------------------------------------------------------------------------------------------
// microml.Model

typedef struct {
    PyObject_HEAD mml_model_t model;
    Py_buffer model_view;  // the caller's model bytes, held (not copied) while we live
    Py_buffer arena_view;  // the caller's arena, if one was given
    void *arena_alloc;     // else our own arena allocation (before alignment)
    mml_tensor_info_t *io; // n_inputs input infos, then n_outputs output infos
    PyObject *inputs;      // tuple of TensorInfo
    PyObject *outputs;     // tuple of TensorInfo
} model_obj_t;

static void model_dealloc(model_obj_t *self) {
    Py_XDECREF(self->inputs);
    Py_XDECREF(self->outputs);
    PyMem_Free(self->io);
    PyMem_Free(self->arena_alloc);
    if (self->arena_view.obj != NULL) {
        PyBuffer_Release(&self->arena_view);
    }
    if (self->model_view.obj != NULL) {
        PyBuffer_Release(&self->model_view);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

// Builds self->io and the inputs / outputs tuples of a loaded model.
static int model_make_infos(model_obj_t *self) {
    mml_model_t *m = &self->model;
    uint32_t n = m->n_inputs + m->n_outputs;
    self->io = PyMem_Calloc(n ? n : 1, sizeof(mml_tensor_info_t));
    self->inputs = PyTuple_New(m->n_inputs);
    self->outputs = PyTuple_New(m->n_outputs);
    if (self->io == NULL || self->inputs == NULL || self->outputs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (uint32_t k = 0; k < n; k++) {
        int output = k >= m->n_inputs;
        uint32_t i = output ? k - m->n_inputs : k;
        mml_status_t st = output ? mml_model_output_info(m, i, &self->io[k])
                                 : mml_model_input_info(m, i, &self->io[k]);
        if (st != MML_OK) {
            mml_error_t err = {.status = st, .op_index = -1};
            snprintf(err.msg, sizeof(err.msg), "%s %lu: no tensor info",
                output ? "output" : "input", (unsigned long)i);
            raise_status(&err);
            return -1;
        }
        PyObject *info = tensorinfo_new(&self->io[k]);
        if (info == NULL) {
            return -1;
        }
        PyTuple_SET_ITEM(output ? self->outputs : self->inputs, i, info);
    }
    return 0;
}

// Model(buf, *, arena=None): load, plan with a transient work buffer, then prepare in the
// caller's arena or one of our own.
static PyObject *model_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"buf", "arena", NULL};
    PyObject *buf_obj;
    PyObject *arena_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$O:Model", kwlist, &buf_obj, &arena_obj)) {
        return NULL;
    }
    model_obj_t *self = (model_obj_t *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    mml_model_t *m = &self->model;
    mml_error_t err;
    void *work = NULL;

    if (PyObject_GetBuffer(buf_obj, &self->model_view, PyBUF_SIMPLE) != 0) {
        self->model_view.obj = NULL;
        PyErr_Format(PyExc_ValueError, "model must be a contiguous bytes-like object, not %.100s",
            Py_TYPE(buf_obj)->tp_name);
        goto fail;
    }
    if ((uint64_t)self->model_view.len > UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "model larger than 4 GiB");
        goto fail;
    }
    if ((uintptr_t)self->model_view.buf % 4 != 0) {
        PyErr_SetString(PyExc_ValueError, "model buffer must be 4-byte aligned");
        goto fail;
    }
    if (mml_model_load(m, self->model_view.buf, (size_t)self->model_view.len, &err) != MML_OK) {
        raise_status(&err);
        goto fail;
    }
    if (model_make_infos(self) != 0) {
        goto fail;
    }

    size_t work_len = mml_model_work_size(m);
    work = PyMem_Malloc(work_len ? work_len : 1); // PyMem blocks are at least 8-aligned
    if (work == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    if (mml_model_plan(m, work, work_len, &err) != MML_OK) {
        raise_status(&err);
        goto fail;
    }

    uint8_t *arena;
    size_t arena_len;
    if (arena_obj != Py_None) {
        if (PyObject_GetBuffer(arena_obj, &self->arena_view, PyBUF_WRITABLE) != 0) {
            self->arena_view.obj = NULL;
            PyErr_Format(PyExc_ValueError,
                "arena must be a writable contiguous buffer (e.g. bytearray), not %.100s",
                Py_TYPE(arena_obj)->tp_name);
            goto fail;
        }
        arena = self->arena_view.buf;
        arena_len = (size_t)self->arena_view.len;
        if ((uintptr_t)arena % MML_ARENA_BASE_ALIGN != 0) {
            PyErr_Format(PyExc_ValueError, "arena must be %d-byte aligned", MML_ARENA_BASE_ALIGN);
            goto fail;
        }
    } else {
        self->arena_alloc = PyMem_Malloc((size_t)m->arena_bytes + MML_ARENA_BASE_ALIGN);
        if (self->arena_alloc == NULL) {
            PyErr_Format(PyExc_MemoryError, "cannot allocate an arena of %lu bytes",
                (unsigned long)m->arena_bytes);
            goto fail;
        }
        uintptr_t a = ((uintptr_t)self->arena_alloc + MML_ARENA_BASE_ALIGN - 1) &
            ~(uintptr_t)(MML_ARENA_BASE_ALIGN - 1);
        arena = (uint8_t *)a;
        arena_len = m->arena_bytes;
    }
    if (mml_model_prepare(m, work, arena, arena_len, &err) != MML_OK) {
        raise_status(&err);
        goto fail;
    }
    PyMem_Free(work);
    return (PyObject *)self;

fail:
    PyMem_Free(work);
    Py_DECREF(self);
    return NULL;
}

// Sets input i from x: raw bytes of the tensor's dtype, or float values (a 'f' buffer for a
// non-float32 tensor, or a list/tuple of numbers) quantized by mml_tensor_set_float.
static int model_set_input(model_obj_t *self, uint32_t i, PyObject *x) {
    const mml_tensor_info_t *t = &self->io[i];
    uint8_t *data = mml_model_input_data(&self->model, i);
    uint32_t n = tensor_elements(t);

    if (PyList_Check(x) || PyTuple_Check(x)) {
        Py_ssize_t len = PySequence_Fast_GET_SIZE(x);
        if (len != (Py_ssize_t)n) {
            PyErr_Format(PyExc_ValueError, "input %lu needs %lu values, got %zd", (unsigned long)i,
                (unsigned long)n, len);
            return -1;
        }
        // Item by item with a reference held: an item's __float__ may change the list.
        for (uint32_t k = 0; k < n; k++) {
            if ((Py_ssize_t)k >= PySequence_Fast_GET_SIZE(x)) {
                PyErr_Format(PyExc_ValueError, "input %lu changed size", (unsigned long)i);
                return -1;
            }
            PyObject *item = Py_NewRef(PySequence_Fast_GET_ITEM(x, k));
            double v = PyFloat_AsDouble(item);
            if (v == -1.0 && PyErr_Occurred()) {
                PyErr_Format(PyExc_ValueError, "input %lu: value %lu is not a number, got %.100s",
                    (unsigned long)i, (unsigned long)k, Py_TYPE(item)->tp_name);
                Py_DECREF(item);
                return -1;
            }
            Py_DECREF(item);
            mml_tensor_set_float(t, data, k, (float)v);
        }
        return 0;
    }

    Py_buffer view;
    if (PyObject_GetBuffer(x, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
        PyErr_Format(PyExc_ValueError,
            "input %lu must be a C-contiguous buffer or a list/tuple of numbers, not %.100s",
            (unsigned long)i, Py_TYPE(x)->tp_name);
        return -1;
    }
    // Native float32 ('f', '<f' on this little-endian host, '=f', '@f'), for a non-float tensor.
    const char *fmt = view.format ? view.format : "B";
    if (fmt[0] == '@' || fmt[0] == '=' || (fmt[0] == '<' && PY_LITTLE_ENDIAN)) {
        fmt++;
    }
    int ret = 0;
    if (strcmp(fmt, "f") == 0 && view.itemsize == 4 && t->dtype != MML_FLOAT32) {
        Py_ssize_t count = view.len / 4;
        if (count != (Py_ssize_t)n) {
            PyErr_Format(PyExc_ValueError, "input %lu needs %lu values, got %zd", (unsigned long)i,
                (unsigned long)n, count);
            ret = -1;
        } else {
            for (uint32_t k = 0; k < n; k++) {
                float v;
                memcpy(&v, (const uint8_t *)view.buf + 4 * (size_t)k, 4);
                mml_tensor_set_float(t, data, k, v);
            }
        }
    } else if (view.len != (Py_ssize_t)t->bytes) {
        PyErr_Format(PyExc_ValueError, "input %lu needs %lu bytes, got %zd", (unsigned long)i,
            (unsigned long)t->bytes, view.len);
        ret = -1;
    } else {
        memcpy(data, view.buf, t->bytes);
    }
    PyBuffer_Release(&view);
    return ret;
}

// A new array.array holding output i.
static PyObject *model_output_array(model_obj_t *self, uint32_t i) {
    const mml_tensor_info_t *t = &self->io[self->model.n_inputs + i];
    char tc = dtype_typecode(t->dtype);
    if (tc == 0) {
        return PyErr_Format(PyExc_NotImplementedError, "output %lu: dtype %s has no array type",
            (unsigned long)i, mml_dtype_name((mml_dtype_t)t->dtype));
    }
    PyObject *arr = PyObject_CallFunction(array_type, "C", tc);
    if (arr == NULL) {
        return NULL;
    }
    PyObject *mv = PyMemoryView_FromMemory(mml_model_output_data(&self->model, i),
        (Py_ssize_t)t->bytes, PyBUF_READ);
    PyObject *r = mv ? PyObject_CallMethod(arr, "frombytes", "O", mv) : NULL;
    Py_XDECREF(mv);
    if (r == NULL) {
        Py_DECREF(arr);
        return NULL;
    }
    Py_DECREF(r);
    return arr;
}

// Takes writable views of the caller's out buffer(s), checking each size. Returns the count.
static int model_get_out_views(model_obj_t *self, PyObject *out, Py_buffer *views) {
    uint32_t n_out = self->model.n_outputs;
    PyObject *seq = NULL;
    if (n_out != 1) {
        if (!PyList_Check(out) && !PyTuple_Check(out)) {
            PyErr_Format(PyExc_ValueError, "out must be a tuple or list of %lu buffers",
                (unsigned long)n_out);
            return -1;
        }
        if (PySequence_Fast_GET_SIZE(out) != (Py_ssize_t)n_out) {
            PyErr_Format(PyExc_ValueError, "out needs %lu buffers, got %zd", (unsigned long)n_out,
                PySequence_Fast_GET_SIZE(out));
            return -1;
        }
        seq = out;
    }
    for (uint32_t i = 0; i < n_out; i++) {
        PyObject *o = seq ? PySequence_Fast_ITEMS(seq)[i] : out;
        const mml_tensor_info_t *t = &self->io[self->model.n_inputs + i];
        int bad = PyObject_GetBuffer(o, &views[i], PyBUF_WRITABLE) != 0;
        if (bad) {
            PyErr_Format(PyExc_ValueError,
                "out %lu must be a writable contiguous buffer, not %.100s", (unsigned long)i,
                Py_TYPE(o)->tp_name);
        } else if (views[i].len != (Py_ssize_t)t->bytes) {
            PyErr_Format(PyExc_ValueError, "output %lu needs %lu bytes, got %zd", (unsigned long)i,
                (unsigned long)t->bytes, views[i].len);
            PyBuffer_Release(&views[i]);
            bad = 1;
        }
        if (bad) {
            while (i-- > 0) {
                PyBuffer_Release(&views[i]);
            }
            return -1;
        }
    }
    return (int)n_out;
}

// predict(x, out=None): one inference. Returns new array(s), or out filled in place.
static PyObject *model_predict(model_obj_t *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"x", "out", NULL};
    PyObject *x;
    PyObject *out = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O:predict", kwlist, &x, &out)) {
        return NULL;
    }
    mml_model_t *m = &self->model;

    if (m->n_inputs == 1) {
        if (model_set_input(self, 0, x) != 0) {
            return NULL;
        }
    } else {
        if (!PyList_Check(x) && !PyTuple_Check(x)) {
            return PyErr_Format(PyExc_ValueError, "model has %lu inputs: x must be a tuple or list",
                (unsigned long)m->n_inputs);
        }
        if (PySequence_Fast_GET_SIZE(x) != (Py_ssize_t)m->n_inputs) {
            return PyErr_Format(PyExc_ValueError, "model has %lu inputs, got %zd",
                (unsigned long)m->n_inputs, PySequence_Fast_GET_SIZE(x));
        }
        for (uint32_t i = 0; i < m->n_inputs; i++) {
            if ((Py_ssize_t)i >= PySequence_Fast_GET_SIZE(x)) {
                return PyErr_Format(PyExc_ValueError, "inputs changed size");
            }
            PyObject *xi = Py_NewRef(PySequence_Fast_GET_ITEM(x, i));
            int st = model_set_input(self, i, xi);
            Py_DECREF(xi);
            if (st != 0) {
                return NULL;
            }
        }
    }

    // Caller's out buffers are checked before the work is done.
    Py_buffer stack_views[4];
    Py_buffer *views = NULL;
    if (out != Py_None) {
        views = m->n_outputs <= 4 ? stack_views : PyMem_Calloc(m->n_outputs, sizeof(Py_buffer));
        if (views == NULL) {
            return PyErr_NoMemory();
        }
        if (model_get_out_views(self, out, views) < 0) {
            if (views != stack_views) {
                PyMem_Free(views);
            }
            return NULL;
        }
    }

    mml_error_t err;
    PyObject *result = NULL;
    if (mml_model_invoke(m, &err) != MML_OK) {
        raise_status(&err);
    } else if (views != NULL) {
        for (uint32_t i = 0; i < m->n_outputs; i++) {
            memcpy(views[i].buf, mml_model_output_data(m, i), (size_t)views[i].len);
        }
        result = Py_NewRef(out);
    } else if (m->n_outputs == 1) {
        result = model_output_array(self, 0);
    } else if ((result = PyTuple_New(m->n_outputs)) != NULL) {
        for (uint32_t i = 0; i < m->n_outputs; i++) {
            PyObject *arr = model_output_array(self, i);
            if (arr == NULL) {
                Py_CLEAR(result);
                break;
            }
            PyTuple_SET_ITEM(result, i, arr);
        }
    }
    if (views != NULL) {
        for (uint32_t i = 0; i < m->n_outputs; i++) {
            PyBuffer_Release(&views[i]);
        }
        if (views != stack_views) {
            PyMem_Free(views);
        }
    }
    return result;
}

static PyObject *model_get_arena_size(model_obj_t *self, void *closure) {
    return PyLong_FromUnsignedLong(self->model.arena_bytes);
}

static PyObject *model_get_inputs(model_obj_t *self, void *closure) {
    return Py_NewRef(self->inputs);
}

static PyObject *model_get_outputs(model_obj_t *self, void *closure) {
    return Py_NewRef(self->outputs);
}

// "<microml.Model int8[1,1] -> int8[1,1], 3 ops, arena 1184 bytes>"
static PyObject *model_repr(model_obj_t *self) {
    mml_model_t *m = &self->model;
    PyObject *parts = PyList_New(0);
    if (parts == NULL) {
        return NULL;
    }
    for (uint32_t k = 0; k < m->n_inputs + m->n_outputs; k++) {
        const mml_tensor_info_t *t = &self->io[k];
        char shape[16 * MML_MAX_DIMS + 1] = "";
        size_t used = 0;
        for (uint8_t d = 0; d < t->rank && used < sizeof(shape); d++) {
            used += (size_t)snprintf(shape + used, sizeof(shape) - used, d ? ",%ld" : "%ld",
                (long)t->shape[d]);
        }
        const char *sep = k == 0 ? "" : k == m->n_inputs ? " -> " : ", ";
        PyObject *s =
            PyUnicode_FromFormat("%s%s[%s]", sep, mml_dtype_name((mml_dtype_t)t->dtype), shape);
        if (s == NULL || PyList_Append(parts, s) != 0) {
            Py_XDECREF(s);
            Py_DECREF(parts);
            return NULL;
        }
        Py_DECREF(s);
    }
    PyObject *empty = PyUnicode_FromString("");
    PyObject *sig = empty ? PyUnicode_Join(empty, parts) : NULL;
    Py_XDECREF(empty);
    Py_DECREF(parts);
    if (sig == NULL) {
        return NULL;
    }
    PyObject *r = PyUnicode_FromFormat("<microml.Model %U, %lu ops, arena %lu bytes>", sig,
        (unsigned long)m->n_ops, (unsigned long)m->arena_bytes);
    Py_DECREF(sig);
    return r;
}

// reset(): recurrent state (variable tensors) back to its zero point, as after construction.
static PyObject *model_reset(model_obj_t *self, PyObject *Py_UNUSED(ignored)) {
    mml_status_t st = mml_model_reset(&self->model);
    if (st != MML_OK) {
        mml_error_t err = {.status = st, .op_index = -1};
        return raise_status(&err);
    }
    Py_RETURN_NONE;
}

static PyMethodDef model_methods[] = {
    {"predict", (PyCFunction)(void (*)(void))model_predict, METH_VARARGS | METH_KEYWORDS,
        "predict(x, out=None): run one inference.\n\n"
        "x: raw bytes of the input dtype (any buffer), or float values (list/tuple, or a 'f' "
        "buffer\n"
        "for a quantized input) that are quantized; a tuple/list of those for several inputs.\n"
        "Returns a new array.array per output (a tuple for several), or out filled in place."},
    {"reset", (PyCFunction)model_reset, METH_NOARGS,
        "reset(): set the recurrent state (variable tensors) back to its zero point, as after\n"
        "construction; a stateless model is unaffected."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef model_getset[] = {
    {"arena_size", (getter)model_get_arena_size, NULL, "bytes of arena the model needs", NULL},
    {"inputs", (getter)model_get_inputs, NULL, "tuple of TensorInfo, one per input", NULL},
    {"outputs", (getter)model_get_outputs, NULL, "tuple of TensorInfo, one per output", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject model_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "microml.Model",
    .tp_doc = "Model(buf, *, arena=None): a .tflite model ready to run.\n\n"
              "buf is borrowed, not copied, and kept alive by the model. arena: optional writable\n"
              "buffer of at least arena_size bytes; by default the model allocates its own.",
    .tp_basicsize = sizeof(model_obj_t),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = model_new,
    .tp_dealloc = (destructor)model_dealloc,
    .tp_repr = (reprfunc)model_repr,
    .tp_methods = model_methods,
    .tp_getset = model_getset,
};

// ---------------------------------------------------------------------------------------------
// The module

static struct PyModuleDef microml_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "microml",
    .m_doc = "microml: machine learning inference for microcontrollers (host build).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit_microml(void);

PyMODINIT_FUNC PyInit_microml(void) {
    if (array_type == NULL) {
        PyObject *array_mod = PyImport_ImportModule("array");
        if (array_mod == NULL) {
            return NULL;
        }
        array_type = PyObject_GetAttrString(array_mod, "array");
        Py_DECREF(array_mod);
        if (array_type == NULL) {
            return NULL;
        }
    }
    if (tensorinfo_type == NULL) {
        tensorinfo_type = PyStructSequence_NewType(&tensorinfo_desc);
        if (tensorinfo_type == NULL) {
            return NULL;
        }
    }
    if (PyType_Ready(&model_type) < 0) {
        return NULL;
    }
    PyObject *mod = PyModule_Create(&microml_module);
    if (mod == NULL) {
        return NULL;
    }
    if (PyModule_AddStringConstant(mod, "__version__", MML_VERSION_STRING) < 0 ||
        PyModule_AddObjectRef(mod, "Model", (PyObject *)&model_type) < 0 ||
        PyModule_AddObjectRef(mod, "TensorInfo", (PyObject *)tensorinfo_type) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
