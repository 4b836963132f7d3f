// SPDX-License-Identifier: MIT
// The CPython face of microml: a thin adapter from CPython objects to the API written once in
// bindings/common/mml_py.c (checks, conversions, messages). Here: buffer and sequence access,
// allocation, numpy / array.array results, and the one mapping of an error kind to an exception.
// Costs per Model: the arena (caller's or one allocation) and the tensor infos; no model copy.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <stdint.h>
#include <string.h>

#include "microml/microml.h"
#include "../common/mml_py.h"
#include "../common/mml_py_gesture.h"
#include "../common/mml_py_stream.h"
#include "../common/mml_py_anomaly.h"

// array.array, and numpy.empty when numpy is importable (then results are numpy arrays).
static PyObject *array_type;
static PyObject *np_empty;
static PyObject *np_ascontiguous;

// ---------------------------------------------------------------------------------------------
// Errors: the one place where an error kind becomes an exception.

static PyObject *raise_err(const mml_py_err_t *e) {
    PyObject *type;
    switch (e->kind) {
        case MML_PY_EXC_TYPE:
            type = PyExc_TypeError;
            break;
        case MML_PY_EXC_MEMORY:
            type = PyExc_MemoryError;
            break;
        case MML_PY_EXC_NOT_IMPLEMENTED:
            type = PyExc_NotImplementedError;
            break;
        case MML_PY_EXC_RUNTIME:
            type = PyExc_RuntimeError;
            break;
        default:
            type = PyExc_ValueError;
            break;
    }
    PyErr_SetString(type, e->msg);
    return NULL;
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

// The shape of a result: the tensor's shape; for a batch of N, N replaces a leading 1 or goes
// in front.
static PyObject *shape_tuple(const mml_tensor_info_t *t, uint32_t batch) {
    int lead = batch > 1 && !(t->rank >= 1 && t->shape[0] == 1);
    PyObject *shape = PyTuple_New(lead + t->rank);
    if (shape == NULL) {
        return NULL;
    }
    for (int d = 0; d < lead + t->rank; d++) {
        long v = d == 0 && batch > 1 ? (long)batch : (long)t->shape[d - lead];
        PyObject *dim = PyLong_FromLong(v);
        if (dim == NULL) {
            Py_DECREF(shape);
            return NULL;
        }
        PyTuple_SET_ITEM(shape, d, dim);
    }
    return shape;
}

static PyObject *tensorinfo_new(const mml_tensor_info_t *t) {
    PyObject *info = PyStructSequence_New(tensorinfo_type);
    if (info == NULL) {
        return NULL;
    }
    const char *name = t->name ? t->name : "";
    PyObject *items[6] = {
        PyLong_FromUnsignedLong(t->index),
        // Names come from the model bytes: decode leniently, a damaged name is not fatal.
        PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace"),
        shape_tuple(t, 1),
        PyUnicode_FromString(mml_dtype_name((mml_dtype_t)t->dtype)),
        PyFloat_FromDouble((double)t->scale),
        PyLong_FromLong(t->zero_point),
    };
    int ok = 1;
    for (int k = 0; k < 6; k++) {
        ok &= items[k] != NULL;
        PyStructSequence_SET_ITEM(info, k, items[k]);
    }
    if (!ok) {
        Py_DECREF(info); // releases the items that were made
        return NULL;
    }
    return info;
}

// ---------------------------------------------------------------------------------------------
// Python values as mml_py_value_t

// A list / tuple item as a float (SEQ values). The item is held while it converts: its
// __float__ may change the list.
static bool seq_get(void *ctx, size_t k, float *v) {
    PyObject *seq = ctx;
    if ((Py_ssize_t)k >= PySequence_Fast_GET_SIZE(seq)) {
        return false;
    }
    PyObject *item = Py_NewRef(PySequence_Fast_GET_ITEM(seq, k));
    double d = PyFloat_AsDouble(item);
    Py_DECREF(item);
    if (d == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return false;
    }
    *v = (float)d;
    return true;
}

// The struct-module typecode of a native-order, single-item buffer format ("f", "<f", "=i"...),
// or 0.
static char format_typecode(const char *fmt) {
    fmt = fmt != NULL ? fmt : "B";
    if (fmt[0] == '@' || fmt[0] == '=' || (fmt[0] == '<' && PY_LITTLE_ENDIAN)) {
        fmt++;
    }
    return fmt[0] != '\0' && fmt[1] == '\0' ? fmt[0] : 0;
}

// Describes x in v; *view is taken (view->obj != NULL) for a buffer and must be released.
static void value_describe(PyObject *x, mml_py_value_t *v, Py_buffer *view) {
    memset(v, 0, sizeof(*v));
    view->obj = NULL;
    if (PyList_Check(x) || PyTuple_Check(x)) {
        v->kind = MML_PY_VAL_SEQ;
        v->len = (size_t)PySequence_Fast_GET_SIZE(x);
        v->get = seq_get;
        v->ctx = x;
        return;
    }
    v->kind = MML_PY_VAL_OTHER;
    if (PyUnicode_Check(x)) {
        return;
    }
    if (PyObject_GetBuffer(x, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
        PyErr_Clear();
        view->obj = NULL;
        // A strided numpy view (a slice, a transpose): take a C-contiguous copy of it; the view
        // holds the copy.
        PyObject *copy = np_ascontiguous != NULL && PyObject_CheckBuffer(x)
            ? PyObject_CallFunctionObjArgs(np_ascontiguous, x, NULL)
            : NULL;
        int ok = copy != NULL &&
            PyObject_GetBuffer(copy, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) == 0;
        Py_XDECREF(copy);
        if (!ok) {
            PyErr_Clear();
            view->obj = NULL;
            return;
        }
    }
    v->data = view->buf;
    v->len = (size_t)view->len;
    const char *fmt = view->format ? view->format : "B";
    if (PyBytes_Check(x) || PyByteArray_Check(x) ||
        (PyMemoryView_Check(x) && strcmp(fmt, "B") == 0)) {
        v->kind = MML_PY_VAL_RAW;
        return;
    }
    v->kind = MML_PY_VAL_TYPED;
    v->typecode = format_typecode(fmt);
    v->dtype = v->typecode ? mml_py_typecode_dtype(v->typecode, (size_t)view->itemsize)
                           : MML_DTYPE_COUNT;
    if (v->typecode == 0) {
        v->typecode = fmt[0] != '\0' ? fmt[0] : '?'; // named in the message ('>': big-endian)
    }
    v->ndim = view->ndim >= 1 && view->ndim <= MML_MAX_DIMS + 1 ? (uint8_t)view->ndim : 1;
    for (int d = 0; d < v->ndim; d++) {
        v->shape[d] = view->ndim >= 1 && view->shape ? (size_t)view->shape[d]
                                                     : (size_t)(view->len / view->itemsize);
    }
}

// ---------------------------------------------------------------------------------------------
// microml.Model

typedef struct {
    PyObject_HEAD mml_py_model_t pm;
    Py_buffer model_view; // the caller's model bytes, held (not copied) while we live
    Py_buffer arena_view; // the caller's arena, if one was given
    void *arena_alloc;    // else our own arena allocation (before alignment)
    PyObject *inputs;     // tuple of TensorInfo
    PyObject *outputs;    // tuple of TensorInfo
    PyObject *labels;     // tuple of str, or None
} model_obj_t;

static void model_dealloc(model_obj_t *self) {
    Py_XDECREF(self->inputs);
    Py_XDECREF(self->outputs);
    Py_XDECREF(self->labels);
    PyMem_Free(self->pm.io);
    PyMem_Free(self->arena_alloc);
    if (self->arena_view.obj != NULL) {
        PyBuffer_Release(&self->arena_view);
    }
    if (self->model_view.obj != NULL) {
        PyBuffer_Release(&self->model_view);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int model_make_infos(model_obj_t *self) {
    const mml_model_t *m = &self->pm.model;
    self->inputs = PyTuple_New(m->n_inputs);
    self->outputs = PyTuple_New(m->n_outputs);
    if (self->inputs == NULL || self->outputs == NULL) {
        return -1;
    }
    for (uint32_t k = 0; k < m->n_inputs + m->n_outputs; k++) {
        int output = k >= m->n_inputs;
        PyObject *info = tensorinfo_new(&self->pm.io[k]);
        if (info == NULL) {
            return -1;
        }
        PyTuple_SET_ITEM(output ? self->outputs : self->inputs, output ? k - m->n_inputs : k, info);
    }
    uint32_t n = mml_py_model_n_labels(&self->pm);
    if (n == 0) {
        self->labels = Py_NewRef(Py_None);
        return 0;
    }
    if ((self->labels = PyTuple_New(n)) == NULL) {
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len;
        const char *s = mml_py_model_label(&self->pm, i, &len);
        PyObject *str = PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "replace");
        if (str == NULL) {
            return -1;
        }
        PyTuple_SET_ITEM(self->labels, i, str);
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
    mml_py_model_t *pm = &self->pm;
    mml_py_err_t e;
    void *work = NULL;

    if (PyUnicode_Check(buf_obj) ||
        PyObject_GetBuffer(buf_obj, &self->model_view, PyBUF_SIMPLE) != 0) {
        PyErr_Clear();
        self->model_view.obj = NULL;
        mml_py_fail(&e, MML_PY_MSG_MODEL_NOT_BUFFER);
        goto fail;
    }
    if (!mml_py_model_load(pm, self->model_view.buf, (size_t)self->model_view.len, &e)) {
        goto fail;
    }
    pm->io = PyMem_Calloc(mml_py_model_n_io(pm), sizeof(mml_tensor_info_t));
    if (pm->io == NULL) {
        PyErr_NoMemory();
        goto fail_set;
    }
    if (!mml_py_model_infos(pm, &e)) {
        goto fail;
    }
    if (model_make_infos(self) != 0) {
        goto fail_set;
    }
    size_t work_len = mml_py_model_work_size(pm);
    work = PyMem_Malloc(work_len); // PyMem blocks are at least 8-aligned
    if (work == NULL) {
        PyErr_NoMemory();
        goto fail_set;
    }
    if (!mml_py_model_plan(pm, work, work_len, &e)) {
        goto fail;
    }
    uint8_t *arena;
    size_t arena_len;
    bool writable = true;
    if (arena_obj != Py_None) {
        if (PyObject_GetBuffer(arena_obj, &self->arena_view, PyBUF_WRITABLE) != 0) {
            PyErr_Clear();
            self->arena_view.obj = NULL;
            writable = false;
            arena = NULL;
            arena_len = 0;
        } else {
            arena = self->arena_view.buf;
            arena_len = (size_t)self->arena_view.len;
        }
    } else {
        self->arena_alloc = PyMem_Malloc(mml_py_arena_alloc_size(pm));
        if (self->arena_alloc == NULL) {
            PyErr_NoMemory();
            goto fail_set;
        }
        arena = mml_py_arena_align(self->arena_alloc);
        arena_len = pm->model.arena_bytes;
    }
    if (!mml_py_model_prepare(pm, work, arena, arena_len, writable, &e)) {
        goto fail;
    }
    PyMem_Free(work);
    return (PyObject *)self;

fail:
    raise_err(&e);
fail_set:
    PyMem_Free(work);
    Py_DECREF(self);
    return NULL;
}

// The borrowed buffers are still what was loaded (CPython holds them: this cannot fail unless an
// exporter misbehaves, but the check is the API's, the same on every face).
static bool model_check(model_obj_t *self, mml_py_err_t *e) {
    return mml_py_model_check(&self->pm, self->model_view.buf, (size_t)self->model_view.len,
        self->arena_view.obj ? self->arena_view.buf : NULL,
        self->arena_view.obj ? (size_t)self->arena_view.len : 0, e);
}

#define MAX_STACK_IO 4

// Inputs of x described and checked: views[] hold taken buffers (release with inputs_release).
static int inputs_take(model_obj_t *self, PyObject *x, mml_py_value_t *vals, Py_buffer *views,
    uint32_t *batch, mml_py_err_t *e) {
    uint32_t n = self->pm.model.n_inputs;
    for (uint32_t i = 0; i < n; i++) {
        views[i].obj = NULL;
    }
    PyObject *const *xs = &x;
    if (n != 1) {
        if (!PyList_Check(x) && !PyTuple_Check(x)) {
            mml_py_fail(e, MML_PY_MSG_INPUTS_NOT_SEQ, n, n);
            return -1;
        }
        if (PySequence_Fast_GET_SIZE(x) != (Py_ssize_t)n) {
            mml_py_fail(e, MML_PY_MSG_INPUTS_COUNT, n, (uint32_t)PySequence_Fast_GET_SIZE(x));
            return -1;
        }
        xs = PySequence_Fast_ITEMS(x);
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b;
        value_describe(xs[i], &vals[i], &views[i]);
        if (!mml_py_input_check(&self->pm, i, &vals[i], &b, e) ||
            (i > 0 && !mml_py_batch_agree(i, b, *batch, e))) {
            return -1;
        }
        *batch = i == 0 ? b : *batch;
    }
    return 0;
}

static void views_release(Py_buffer *views, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        if (views[i].obj != NULL) {
            PyBuffer_Release(&views[i]);
        }
    }
}

// Sets every input to batch item k and runs the model.
static bool run_one(model_obj_t *self, mml_py_value_t *vals, uint32_t k, mml_py_err_t *e) {
    for (uint32_t i = 0; i < self->pm.model.n_inputs; i++) {
        if (!mml_py_input_set(&self->pm, i, &vals[i], k, e)) {
            return false;
        }
    }
    return mml_py_invoke(&self->pm, e);
}

// A new result array for output i: numpy (the tensor's shape) or array.array (flat).
static PyObject *result_new(model_obj_t *self, uint32_t i, mml_py_out_mode_t mode, uint32_t batch,
    Py_buffer *view) {
    const mml_tensor_info_t *t = mml_py_output_info(&self->pm, i);
    char tc = mml_py_output_typecode(&self->pm, i, mode);
    PyObject *arr;
    if (tc == 0) {
        mml_py_err_t e;
        mml_py_status(&e, MML_ERR_UNSUPPORTED, NULL);
        return raise_err(&e);
    }
    if (np_empty != NULL) {
        PyObject *shape = shape_tuple(t, batch);
        const char *dt = mode == MML_PY_OUT_FLOAT ? "float32" : mml_dtype_name((mml_dtype_t)t->dtype);
        arr = shape ? PyObject_CallFunction(np_empty, "Os", shape, dt) : NULL;
        Py_XDECREF(shape);
    } else {
        PyObject *zeros = PyBytes_FromStringAndSize(NULL,
            (Py_ssize_t)(mml_py_output_bytes(&self->pm, i, mode) * batch));
        if (zeros != NULL) {
            memset(PyBytes_AS_STRING(zeros), 0, (size_t)PyBytes_GET_SIZE(zeros));
        }
        arr = zeros ? PyObject_CallFunction(array_type, "CO", tc, zeros) : NULL;
        Py_XDECREF(zeros);
    }
    if (arr != NULL && PyObject_GetBuffer(arr, view, PyBUF_WRITABLE) != 0) {
        Py_CLEAR(arr);
    }
    return arr;
}

// predict(x, out=None, *, dequantize=False)
static PyObject *model_predict(model_obj_t *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"x", "out", "dequantize", NULL};
    PyObject *x, *out = Py_None;
    int deq = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O$p:predict", kwlist, &x, &out, &deq)) {
        return NULL;
    }
    mml_py_out_mode_t mode = deq ? MML_PY_OUT_FLOAT : MML_PY_OUT_RAW;
    mml_model_t *m = &self->pm.model;
    uint32_t n_in = m->n_inputs, n_out = m->n_outputs, batch = 1;
    mml_py_value_t vals_stack[MAX_STACK_IO];
    Py_buffer in_stack[MAX_STACK_IO], out_stack[MAX_STACK_IO];
    mml_py_value_t *vals = vals_stack;
    Py_buffer *in_views = in_stack, *out_views = out_stack;
    PyObject *result = NULL;
    mml_py_err_t e;
    e.kind = MML_PY_EXC_NONE;
    bool big = n_in > MAX_STACK_IO || n_out > MAX_STACK_IO;
    if (big) {
        vals = PyMem_Calloc(n_in + 1, sizeof(*vals));
        in_views = PyMem_Calloc(n_in + 1, sizeof(Py_buffer));
        out_views = PyMem_Calloc(n_out + 1, sizeof(Py_buffer));
        if (vals == NULL || in_views == NULL || out_views == NULL) {
            PyMem_Free(vals);
            PyMem_Free(in_views);
            PyMem_Free(out_views);
            return PyErr_NoMemory();
        }
    }
    for (uint32_t i = 0; i < n_out; i++) {
        out_views[i].obj = NULL;
    }
    for (uint32_t i = 0; i < n_in; i++) {
        in_views[i].obj = NULL;
    }
    PyObject *outs[MAX_STACK_IO], **outv = outs;
    int ok = model_check(self, &e) && inputs_take(self, x, vals, in_views, &batch, &e) == 0;
    if (ok && out != Py_None) {
        // The caller's buffers, checked before the work is done.
        PyObject *const *os = &out;
        if (n_out != 1) {
            if (!PyList_Check(out) && !PyTuple_Check(out)) {
                ok = mml_py_fail(&e, MML_PY_MSG_OUT_NOT_SEQ, n_out, n_out);
            } else if (PySequence_Fast_GET_SIZE(out) != (Py_ssize_t)n_out) {
                ok = mml_py_fail(&e, MML_PY_MSG_OUT_COUNT, n_out,
                    (uint32_t)PySequence_Fast_GET_SIZE(out));
            } else {
                os = PySequence_Fast_ITEMS(out);
            }
        }
        for (uint32_t i = 0; ok && i < n_out; i++) {
            bool w = PyObject_GetBuffer(os[i], &out_views[i], PyBUF_WRITABLE) == 0;
            if (!w) {
                PyErr_Clear();
                out_views[i].obj = NULL;
            }
            ok = mml_py_out_check(&self->pm, i, mode, batch, w, w ? (size_t)out_views[i].len : 0,
                &e);
        }
        result = ok ? Py_NewRef(out) : NULL;
    } else if (ok) {
        result = n_out == 1 ? NULL : PyTuple_New(n_out);
        if (n_out != 1 && result == NULL) {
            ok = false;
        }
        if (n_out > MAX_STACK_IO) {
            outv = PyMem_Calloc(n_out, sizeof(PyObject *));
        }
        for (uint32_t i = 0; ok && i < n_out; i++) {
            outv[i] = result_new(self, i, mode, batch, &out_views[i]);
            ok = outv[i] != NULL;
            if (ok && n_out != 1) {
                PyTuple_SET_ITEM(result, i, outv[i]);
            } else if (ok) {
                result = outv[0];
            }
        }
        if (!ok) {
            Py_CLEAR(result);
        }
    }
    for (uint32_t k = 0; ok && k < batch; k++) {
        ok = run_one(self, vals, k, &e);
        for (uint32_t i = 0; ok && i < n_out; i++) {
            mml_py_output_copy(&self->pm, i, mode,
                (uint8_t *)out_views[i].buf + k * mml_py_output_bytes(&self->pm, i, mode));
        }
    }
    views_release(in_views, n_in);
    views_release(out_views, n_out);
    if (outv != outs) {
        PyMem_Free(outv);
    }
    if (big) {
        PyMem_Free(vals);
        PyMem_Free(in_views);
        PyMem_Free(out_views);
    }
    if (!ok) {
        Py_CLEAR(result);
        if (!PyErr_Occurred()) {
            raise_err(&e);
        }
    }
    return result;
}

// Runs one inference for argmax / top_k (a batch is refused: one result each).
static bool model_run_single(model_obj_t *self, PyObject *x, int output, const char *what,
    mml_py_err_t *e) {
    uint32_t n_in = self->pm.model.n_inputs, batch = 1;
    mml_py_value_t vals_stack[MAX_STACK_IO], *vals = vals_stack;
    Py_buffer views_stack[MAX_STACK_IO], *views = views_stack;
    if (n_in > MAX_STACK_IO) {
        vals = PyMem_Calloc(n_in, sizeof(*vals));
        views = PyMem_Calloc(n_in, sizeof(*views));
        if (vals == NULL || views == NULL) {
            PyMem_Free(vals);
            PyMem_Free(views);
            PyErr_NoMemory();
            return false;
        }
    }
    for (uint32_t i = 0; i < n_in; i++) {
        views[i].obj = NULL;
    }
    bool ok = model_check(self, e) && mml_py_output_index(&self->pm, output, e) &&
        inputs_take(self, x, vals, views, &batch, e) == 0 &&
        (batch == 1 || mml_py_one_at_a_time(what, e)) && run_one(self, vals, 0, e);
    views_release(views, n_in);
    if (vals != vals_stack) {
        PyMem_Free(vals);
        PyMem_Free(views);
    }
    return ok;
}

// argmax(x, *, output=0) -> int
static PyObject *model_argmax(model_obj_t *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"x", "output", NULL};
    PyObject *x;
    int output = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$i:argmax", kwlist, &x, &output)) {
        return NULL;
    }
    mml_py_err_t e;
    if (!model_run_single(self, x, output, "argmax", &e)) {
        return PyErr_Occurred() ? NULL : raise_err(&e);
    }
    return PyLong_FromUnsignedLong(mml_py_argmax(&self->pm, (uint32_t)output));
}

// top_k(x, k=1, *, output=0, out=None) -> [(index, score), ...] or out filled
static PyObject *model_top_k(model_obj_t *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"x", "k", "output", "out", NULL};
    PyObject *x, *out = Py_None;
    int k = 1, output = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i$iO:top_k", kwlist, &x, &k, &output, &out)) {
        return NULL;
    }
    mml_py_err_t e;
    if (!mml_py_output_index(&self->pm, output, &e) ||
        !mml_py_top_k_check(&self->pm, (uint32_t)output, k, &e)) {
        return raise_err(&e);
    }
    Py_buffer v[2] = {{.obj = NULL}, {.obj = NULL}};
    if (out != Py_None) {
        bool w = PyTuple_Check(out) && PyTuple_GET_SIZE(out) == 2 &&
            PyObject_GetBuffer(PyTuple_GET_ITEM(out, 0), &v[0], PyBUF_WRITABLE | PyBUF_FORMAT) == 0 &&
            PyObject_GetBuffer(PyTuple_GET_ITEM(out, 1), &v[1], PyBUF_WRITABLE | PyBUF_FORMAT) == 0;
        PyErr_Clear();
        char tc0 = w ? format_typecode(v[0].format) : 0, tc1 = w ? format_typecode(v[1].format) : 0;
        if (w && v[0].itemsize != 4) {
            tc0 = 0;
        }
        if (!mml_py_top_k_out_check((uint32_t)k, w, tc0, w ? (size_t)v[0].len : 0, tc1,
                w ? (size_t)v[1].len : 0, &e)) {
            views_release(v, 2);
            return raise_err(&e);
        }
    }
    if (!model_run_single(self, x, output, "top_k", &e)) {
        views_release(v, 2);
        return PyErr_Occurred() ? NULL : raise_err(&e);
    }
    if (out != Py_None) {
        mml_py_top_k(&self->pm, (uint32_t)output, (uint32_t)k, v[0].buf, v[1].buf);
        views_release(v, 2);
        return Py_NewRef(out);
    }
    uint8_t idx[4 * 64], score[4 * 64];
    uint8_t *ib = idx, *sb = score;
    if (k > 64) {
        ib = PyMem_Malloc(4 * (size_t)k);
        sb = PyMem_Malloc(4 * (size_t)k);
        if (ib == NULL || sb == NULL) {
            PyMem_Free(ib);
            PyMem_Free(sb);
            return PyErr_NoMemory();
        }
    }
    mml_py_top_k(&self->pm, (uint32_t)output, (uint32_t)k, ib, sb);
    PyObject *list = PyList_New(k);
    for (int r = 0; list != NULL && r < k; r++) {
        int32_t i;
        float s;
        memcpy(&i, ib + 4 * r, 4);
        memcpy(&s, sb + 4 * r, 4);
        PyObject *pair = Py_BuildValue("(ld)", (long)i, (double)s);
        if (pair == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, r, pair);
    }
    if (ib != idx) {
        PyMem_Free(ib);
        PyMem_Free(sb);
    }
    return list;
}

static PyObject *model_get_arena_size(model_obj_t *self, void *closure) {
    return PyLong_FromUnsignedLong(self->pm.model.arena_bytes);
}

static PyObject *model_get_inputs(model_obj_t *self, void *closure) {
    return Py_NewRef(self->inputs);
}

static PyObject *model_get_outputs(model_obj_t *self, void *closure) {
    return Py_NewRef(self->outputs);
}

static PyObject *model_get_labels(model_obj_t *self, void *closure) {
    return Py_NewRef(self->labels);
}

static PyObject *model_repr(model_obj_t *self) {
    char text[MML_PY_MSG_LEN];
    mml_py_model_repr(&self->pm, text, sizeof(text));
    return PyUnicode_FromString(text);
}

// reset(): recurrent state (variable tensors) back to its zero point, as after construction.
static PyObject *model_reset(model_obj_t *self, PyObject *Py_UNUSED(ignored)) {
    mml_py_err_t e;
    if (!model_check(self, &e) || !mml_py_status(&e, mml_model_reset(&self->pm.model), NULL)) {
        return raise_err(&e);
    }
    Py_RETURN_NONE;
}

static PyMethodDef model_methods[] = {
    {"predict", (PyCFunction)(void (*)(void))model_predict, METH_VARARGS | METH_KEYWORDS,
        "predict(x, out=None, *, dequantize=False): run the model (see docs/python-api.md)."},
    {"argmax", (PyCFunction)(void (*)(void))model_argmax, METH_VARARGS | METH_KEYWORDS,
        "argmax(x, *, output=0): run the model; index of the largest element of the output."},
    {"top_k", (PyCFunction)(void (*)(void))model_top_k, METH_VARARGS | METH_KEYWORDS,
        "top_k(x, k=1, *, output=0, out=None): run the model; the k (index, score) pairs with\n"
        "the largest dequantized scores, largest first."},
    {"reset", (PyCFunction)model_reset, METH_NOARGS,
        "reset(): set the recurrent state (variable tensors) back to its zero point."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef model_getset[] = {
    {"arena_size", (getter)model_get_arena_size, NULL, "bytes of arena the model needs", NULL},
    {"inputs", (getter)model_get_inputs, NULL, "tuple of TensorInfo, one per input", NULL},
    {"outputs", (getter)model_get_outputs, NULL, "tuple of TensorInfo, one per output", NULL},
    {"labels", (getter)model_get_labels, NULL, "class labels the model carries, or None", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject model_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "microml.Model",
    .tp_doc = "Model(buf, *, arena=None): a .tflite model ready to run.\n\n"
              "buf is borrowed, not copied, and held by the model. arena: optional writable\n"
              "buffer of at least arena_size bytes; by default the model allocates its own.",
    .tp_basicsize = sizeof(model_obj_t),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = model_new,
    .tp_dealloc = (destructor)model_dealloc,
    .tp_repr = (reprfunc)model_repr,
    .tp_methods = model_methods,
    .tp_getset = model_getset,
};

#if MML_ENABLE_CLASSIC
// ---------------------------------------------------------------------------------------------
// microml.ClassicModel: scikit-learn models (the "MMLC" format), the API in mml_py.c.

typedef struct {
    PyObject_HEAD mml_py_classic_t pc;
    Py_buffer view; // the blob, held (not copied) while we live
    float *work;    // mml_py_classic_work_floats(): predict(out=) allocates nothing
    PyObject *classes; // tuple of int, or None
} classic_obj_t;

static void classic_dealloc(classic_obj_t *self) {
    Py_XDECREF(self->classes);
    PyMem_Free(self->work);
    if (self->view.obj != NULL) {
        PyBuffer_Release(&self->view);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

// ClassicModel(buf)
static PyObject *classic_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"buf", NULL};
    PyObject *buf_obj;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:ClassicModel", kwlist, &buf_obj)) {
        return NULL;
    }
    classic_obj_t *self = (classic_obj_t *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    mml_py_err_t e;
    if (PyUnicode_Check(buf_obj) || PyObject_GetBuffer(buf_obj, &self->view, PyBUF_SIMPLE) != 0) {
        PyErr_Clear();
        self->view.obj = NULL;
        mml_py_fail(&e, MML_PY_MSG_MODEL_NOT_BUFFER);
        goto fail;
    }
    if (!mml_py_classic_load(&self->pc, self->view.buf, (size_t)self->view.len, &e)) {
        goto fail;
    }
    self->work = PyMem_Calloc(mml_py_classic_work_floats(&self->pc), sizeof(float));
    if (self->work == NULL) {
        PyErr_NoMemory();
        Py_DECREF(self);
        return NULL;
    }
    const mml_classic_t *m = &self->pc.m;
    if (m->n_classes == 0) {
        self->classes = Py_NewRef(Py_None);
    } else if ((self->classes = PyTuple_New(m->n_classes)) != NULL) {
        for (uint32_t i = 0; i < m->n_classes; i++) {
            int32_t c;
            memcpy(&c, &m->classes[i], 4);
            PyObject *v = PyLong_FromLong(c);
            if (v == NULL) {
                Py_DECREF(self);
                return NULL;
            }
            PyTuple_SET_ITEM(self->classes, i, v);
        }
    }
    if (self->classes == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
fail:
    raise_err(&e);
    Py_DECREF(self);
    return NULL;
}

// A result for a batch (numpy (N,) or (N, width); array.array without numpy) or for one
// sample of width > 1 (1-D).
static PyObject *classic_result(char tc, uint32_t batch, uint32_t width, bool is_batch,
    Py_buffer *view) {
    PyObject *arr;
    size_t n = (size_t)batch * width;
    if (np_empty != NULL) {
        PyObject *shape = is_batch && width > 1 ? Py_BuildValue("(nn)", (Py_ssize_t)batch,
                                                      (Py_ssize_t)width)
                                                : Py_BuildValue("(n)", (Py_ssize_t)n);
        arr = shape ? PyObject_CallFunction(np_empty, "Os", shape, tc == 'i' ? "int32" : "float32")
                    : NULL;
        Py_XDECREF(shape);
    } else {
        PyObject *zeros = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(4 * n));
        if (zeros != NULL) {
            memset(PyBytes_AS_STRING(zeros), 0, 4 * n);
        }
        arr = zeros ? PyObject_CallFunction(array_type, "CO", tc, zeros) : NULL;
        Py_XDECREF(zeros);
    }
    if (arr != NULL && PyObject_GetBuffer(arr, view, PyBUF_WRITABLE) != 0) {
        Py_CLEAR(arr);
    }
    return arr;
}

// A buffer's one-letter item typecode when its items are 4 bytes ('f', 'i', 'l' ...), else 0.
static char classic_tc4(const Py_buffer *b) {
    const char *f = b->format ? b->format : "B";
    f += (f[0] == '@' || f[0] == '=' || f[0] == '<') ? 1 : 0;
    return b->itemsize == 4 && f[1] == 0 ? f[0] : 0;
}

// f(x, out) with x one 1-D float32 sample: the shared short path (mml_py_classic_call_fast), as
// on MicroPython. False, having done nothing: the general path runs (and names what is wrong).
static bool classic_call_fast(classic_obj_t *self, mml_classic_what_t what, PyObject *x,
    PyObject *out) {
    Py_buffer xb, ob;
    if (PyObject_GetBuffer(x, &xb, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
        PyErr_Clear();
        return false;
    }
    bool ok = false;
    if (xb.ndim == 1 &&
        PyObject_GetBuffer(out, &ob, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) == 0) {
        ok = mml_py_classic_call_fast(&self->pc, what, xb.buf, (size_t)xb.len, classic_tc4(&xb),
            ob.buf, (size_t)ob.len, classic_tc4(&ob), self->work);
        PyBuffer_Release(&ob);
    }
    PyErr_Clear();
    PyBuffer_Release(&xb);
    return ok;
}

// predict / predict_proba / decision_function / transform (X, out=None, *, n=None)
static PyObject *classic_call(classic_obj_t *self, mml_classic_what_t what, const char *name,
    PyObject *args, PyObject *kwds) {
    if (kwds == NULL && PyTuple_GET_SIZE(args) == 2 &&
        classic_call_fast(self, what, PyTuple_GET_ITEM(args, 0), PyTuple_GET_ITEM(args, 1))) {
        return Py_NewRef(PyTuple_GET_ITEM(args, 1)); // one sample, nothing allocated
    }
    static char *kwlist[] = {"X", "out", "n", NULL};
    PyObject *x, *out = Py_None, *n_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O$O", kwlist, &x, &out, &n_obj)) {
        return NULL;
    }
    int32_t n = -1;
    if (n_obj != Py_None) {
        long v = PyLong_AsLong(n_obj);
        if (v == -1 && PyErr_Occurred()) {
            return NULL;
        }
        n = v < 0 ? 0 : v > INT32_MAX ? INT32_MAX : (int32_t)v;
    }
    mml_py_classic_t *pc = &self->pc;
    mml_py_err_t e;
    mml_py_value_t v;
    Py_buffer in_view, out_view = {.obj = NULL};
    uint32_t batch = 1;
    bool is_batch = false;
    PyObject *result = NULL;
    value_describe(x, &v, &in_view);
    char tc = mml_py_classic_typecode(pc, what);
    uint32_t width = mml_py_classic_width(pc, what);
    bool ok = mml_py_classic_check(pc, self->view.buf, (size_t)self->view.len, &e) &&
        mml_py_classic_has(pc, what, name, &e) &&
        mml_py_classic_input(pc, &v, n, &batch, &is_batch, &e);
    if (ok && out != Py_None) {
        bool w = PyObject_GetBuffer(out, &out_view, PyBUF_WRITABLE | PyBUF_FORMAT) == 0;
        char otc = 0;
        if (!w) {
            PyErr_Clear();
            out_view.obj = NULL;
        } else {
            const char *f = out_view.format ? out_view.format : "B";
            f += (f[0] == '@' || f[0] == '=' || f[0] == '<') ? 1 : 0;
            otc = out_view.itemsize == 4 ? f[0] : 0;
        }
        ok = mml_py_classic_out_check(pc, what, batch, w, otc, w ? (size_t)out_view.len : 0, &e);
        result = ok ? Py_NewRef(out) : NULL;
    } else if (ok) {
        result = classic_result(tc, batch, width, is_batch, &out_view);
        ok = result != NULL;
    }
    for (uint32_t k = 0; ok && k < batch; k++) {
        ok = mml_py_classic_run(pc, what, &v, k, self->work,
            (uint8_t *)out_view.buf + (size_t)k * width * 4, &e);
    }
    // One sample's predict: a Python scalar, as scikit-learn's predict(X)[0].
    if (ok && out == Py_None && !is_batch && what == MML_CLASSIC_PREDICT && width == 1) {
        PyObject *scalar;
        if (tc == 'i') {
            int32_t c;
            memcpy(&c, out_view.buf, 4);
            scalar = PyLong_FromLong(c);
        } else {
            float f;
            memcpy(&f, out_view.buf, 4);
            scalar = PyFloat_FromDouble((double)f);
        }
        PyBuffer_Release(&out_view);
        Py_DECREF(result);
        result = scalar;
    }
    if (out_view.obj != NULL) {
        PyBuffer_Release(&out_view);
    }
    if (in_view.obj != NULL) {
        PyBuffer_Release(&in_view);
    }
    if (!ok) {
        Py_CLEAR(result);
        if (!PyErr_Occurred()) {
            raise_err(&e);
        }
    }
    return result;
}

static PyObject *classic_predict(classic_obj_t *self, PyObject *args, PyObject *kwds) {
    return classic_call(self, MML_CLASSIC_PREDICT, "predict", args, kwds);
}

static PyObject *classic_predict_proba(classic_obj_t *self, PyObject *args, PyObject *kwds) {
    return classic_call(self, MML_CLASSIC_PROBA, "predict_proba", args, kwds);
}

static PyObject *classic_decision_function(classic_obj_t *self, PyObject *args, PyObject *kwds) {
    return classic_call(self, MML_CLASSIC_DECISION, "decision_function", args, kwds);
}

static PyObject *classic_transform(classic_obj_t *self, PyObject *args, PyObject *kwds) {
    return classic_call(self, MML_CLASSIC_TRANSFORM, "transform", args, kwds);
}

static PyObject *classic_score_samples(classic_obj_t *self, PyObject *args, PyObject *kwds) {
    return classic_call(self, MML_CLASSIC_SCORE, "score_samples", args, kwds);
}

static PyObject *classic_mahalanobis(classic_obj_t *self, PyObject *args, PyObject *kwds) {
    return classic_call(self, MML_CLASSIC_MAHALANOBIS_DIST, "mahalanobis", args, kwds);
}

static PyObject *classic_get_n_features(classic_obj_t *self, void *closure) {
    return PyLong_FromUnsignedLong(self->pc.m.n_features);
}

static PyObject *classic_get_classes(classic_obj_t *self, void *closure) {
    return Py_NewRef(self->classes);
}

static PyObject *classic_get_kind(classic_obj_t *self, void *closure) {
    char kind[MML_PY_MSG_LEN];
    mml_py_classic_kind(&self->pc, kind, sizeof(kind));
    return PyUnicode_FromString(kind);
}

static PyObject *classic_repr(classic_obj_t *self) {
    char text[MML_PY_MSG_LEN];
    mml_py_classic_repr(&self->pc, text, sizeof(text));
    return PyUnicode_FromString(text);
}

#define CLASSIC_DOC(fn, what) \
    fn "(X, out=None, *, n=None): " what " of one sample (n_features values) or a batch\n" \
       "(2-D array, or a flat buffer of n*n_features values with n=)."

static PyMethodDef classic_methods[] = {
    {"predict", (PyCFunction)(void (*)(void))classic_predict, METH_VARARGS | METH_KEYWORDS,
        CLASSIC_DOC("predict", "class label or target values")},
    {"predict_proba", (PyCFunction)(void (*)(void))classic_predict_proba,
        METH_VARARGS | METH_KEYWORDS, CLASSIC_DOC("predict_proba", "class probabilities")},
    {"decision_function", (PyCFunction)(void (*)(void))classic_decision_function,
        METH_VARARGS | METH_KEYWORDS, CLASSIC_DOC("decision_function", "decision values")},
    {"transform", (PyCFunction)(void (*)(void))classic_transform, METH_VARARGS | METH_KEYWORDS,
        CLASSIC_DOC("transform", "transformed features")},
    {"score_samples", (PyCFunction)(void (*)(void))classic_score_samples,
        METH_VARARGS | METH_KEYWORDS, CLASSIC_DOC("score_samples", "scores")},
    {"mahalanobis", (PyCFunction)(void (*)(void))classic_mahalanobis, METH_VARARGS | METH_KEYWORDS,
        CLASSIC_DOC("mahalanobis", "squared Mahalanobis distances")},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef classic_getset[] = {
    {"n_features", (getter)classic_get_n_features, NULL, "values per sample", NULL},
    {"classes", (getter)classic_get_classes, NULL, "class labels (tuple of int) or None", NULL},
    {"kind", (getter)classic_get_kind, NULL, "what the model is: 'trees classifier' ...", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject classic_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "microml.ClassicModel",
    .tp_doc = "ClassicModel(buf): a scikit-learn model converted by microml_tools.sklearn.\n\n"
              "buf is borrowed, not copied, and held by the model.",
    .tp_basicsize = sizeof(classic_obj_t),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = classic_new,
    .tp_dealloc = (destructor)classic_dealloc,
    .tp_repr = (reprfunc)classic_repr,
    .tp_methods = classic_methods,
    .tp_getset = classic_getset,
};

#endif // MML_ENABLE_CLASSIC

// ---- dsp ----
// microml.dsp: the DSP front ends as transform objects and functions, the API in mml_py_dsp.c.
// Cost per transform: its tables and scratch (mem_len bytes, one allocation); a call with out=
// allocates nothing.
#if MML_ENABLE_DSP
#include "../common/mml_py_dsp.h"

typedef struct {
    PyObject_HEAD mml_py_dsp_t d;
    void *mem;
    PyObject *refs; // MFCC: (fft, mel, dct), whose tables it borrows; else NULL
} dsp_obj_t;

static PyTypeObject dsp_type;

static void dsp_dealloc(dsp_obj_t *self) {
    Py_XDECREF(self->refs);
    PyMem_Free(self->mem);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

// A transform from a configured d: its memory, then its tables.
static PyObject *dsp_make(const mml_py_dsp_t *d, const mml_py_value_t *sos, PyObject *refs) {
    dsp_obj_t *self = PyObject_New(dsp_obj_t, &dsp_type);
    if (self == NULL) {
        return NULL;
    }
    self->d = *d;
    self->refs = Py_XNewRef(refs);
    self->mem = PyMem_Malloc(d->mem_len > 0 ? d->mem_len : 1); // 8-byte aligned or better
    if (self->mem == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    mml_py_err_t e;
    if (!mml_py_dsp_init(&self->d, self->mem, sos, &e)) {
        Py_DECREF(self);
        return raise_err(&e);
    }
    return (PyObject *)self;
}

// A named choice given as a str or None.
static bool dsp_choice(PyObject *o, mml_py_dsp_choice_t what, int32_t *v, mml_py_err_t *e) {
    if (o == Py_None) {
        return mml_py_dsp_choice(what, NULL, 0, v, e);
    }
    Py_ssize_t len = 0;
    const char *s = PyUnicode_Check(o) ? PyUnicode_AsUTF8AndSize(o, &len) : NULL;
    PyErr_Clear();
    return mml_py_dsp_choice(what, s != NULL ? s : "", (size_t)len, v, e);
}

// A new flat result: a numpy array, or array.array without numpy; *view its writable buffer.
static PyObject *dsp_result(char tc, size_t n, Py_buffer *view) {
    PyObject *arr;
    const size_t size = tc == 'f' ? 4 : tc == 'h' ? 2 : 1;
    if (np_empty != NULL) {
        arr = PyObject_CallFunction(np_empty, "ns", (Py_ssize_t)n,
            tc == 'f' ? "float32" : tc == 'h' ? "int16" : "int8");
    } else {
        PyObject *zeros = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(size * n));
        if (zeros != NULL) {
            memset(PyBytes_AS_STRING(zeros), 0, size * n);
        }
        arr = zeros ? PyObject_CallFunction(array_type, "CO", tc, zeros) : NULL;
        Py_XDECREF(zeros);
    }
    if (arr != NULL && PyObject_GetBuffer(arr, view, PyBUF_WRITABLE) != 0) {
        Py_CLEAR(arr);
    }
    return arr;
}

// out= described as a value (its typecode and bytes); false if it is no writable buffer.
static bool dsp_out_describe(PyObject *out, mml_py_value_t *o, Py_buffer *view) {
    memset(o, 0, sizeof(*o));
    o->kind = MML_PY_VAL_OTHER;
    if (PyObject_GetBuffer(out, view, PyBUF_WRITABLE | PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) != 0) {
        PyErr_Clear();
        view->obj = NULL;
        return false;
    }
    const char *fmt = view->format ? view->format : "B";
    o->data = view->buf;
    o->len = (size_t)view->len;
    if (PyByteArray_Check(out) || (PyMemoryView_Check(out) && strcmp(fmt, "B") == 0)) {
        o->kind = MML_PY_VAL_RAW;
    } else {
        o->kind = MML_PY_VAL_TYPED;
        o->typecode = format_typecode(fmt);
        o->typecode = o->typecode != 0 ? o->typecode : '?';
    }
    return true;
}

// One call: x (NULL for the window) into a new result or into out.
static PyObject *dsp_apply(mml_py_dsp_t *d, PyObject *x, PyObject *out) {
    mml_py_value_t v, o;
    Py_buffer in_view = {.obj = NULL}, out_view = {.obj = NULL};
    mml_py_err_t e;
    size_t n_out = 0;
    PyObject *result = NULL;
    if (x != NULL) {
        value_describe(x, &v, &in_view);
    }
    bool ok = mml_py_dsp_in_check(d, x != NULL ? &v : NULL, &n_out, &e);
    if (ok && out != Py_None) {
        bool w = dsp_out_describe(out, &o, &out_view);
        ok = mml_py_dsp_out_check(d, x != NULL ? &v : NULL, &o, w, n_out, &e);
        result = ok ? Py_NewRef(out) : NULL;
    } else if (ok) {
        result = dsp_result(d->out_tc, n_out, &out_view);
        ok = result != NULL;
    }
    if (ok) {
        size_t frames = mml_py_dsp_run(d, x != NULL ? &v : NULL, out_view.buf);
        if (d->kind == MML_PY_DSP_MICRO && out != Py_None) {
            Py_DECREF(result);
            result = PyLong_FromSize_t(frames); // the rows written into out
        }
    }
    if (out_view.obj != NULL) {
        PyBuffer_Release(&out_view);
    }
    if (in_view.obj != NULL) {
        PyBuffer_Release(&in_view);
    }
    if (!ok) {
        Py_CLEAR(result);
        if (!PyErr_Occurred()) {
            raise_err(&e);
        }
    }
    return result;
}

static PyObject *dsp_call(dsp_obj_t *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"x", "out", NULL};
    PyObject *x, *out = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O", kwlist, &x, &out)) {
        return NULL;
    }
    return dsp_apply(&self->d, x, out);
}

static PyObject *dsp_reset(dsp_obj_t *self, PyObject *unused) {
    mml_py_dsp_reset(&self->d);
    Py_RETURN_NONE;
}

static PyObject *dsp_repr(dsp_obj_t *self) {
    char text[MML_PY_MSG_LEN];
    mml_py_dsp_repr(&self->d, text, sizeof(text));
    return PyUnicode_FromString(text);
}

static PyMethodDef dsp_methods[] = {
    {"reset", (PyCFunction)dsp_reset, METH_NOARGS,
        "reset(): back to the state after construction (SOSFilter, MicroFrontend)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject dsp_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "microml.dsp.Transform",
    .tp_doc = "A DSP transform made by microml.dsp.RFFT(), MelFilterbank() ...: call it as\n"
              "t(x, out=None).",
    .tp_basicsize = sizeof(dsp_obj_t),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = (destructor)dsp_dealloc,
    .tp_call = (ternaryfunc)dsp_call,
    .tp_repr = (reprfunc)dsp_repr,
    .tp_methods = dsp_methods,
};

static PyObject *dsp_done(bool ok, const mml_py_dsp_t *d, const mml_py_err_t *e) {
    return ok ? dsp_make(d, NULL, NULL) : raise_err(e);
}

// RFFT(n, typecode='f')
static PyObject *dsp_rfft(PyObject *m, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"n", "typecode", NULL};
    int n;
    PyObject *tc = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "i|O", kwlist, &n, &tc)) {
        return NULL;
    }
    mml_py_dsp_t d;
    mml_py_err_t e;
    int32_t code = 'f';
    bool ok = (tc == NULL || dsp_choice(tc, MML_PY_DSP_CHOICE_TYPECODE, &code, &e)) &&
        mml_py_dsp_rfft(&d, n, code, &e);
    return dsp_done(ok, &d, &e);
}

// MelFilterbank(sample_rate, n_fft, n_mels, fmin=0.0, fmax=None, *, scale='htk', norm=None,
// shape='hz')
static PyObject *dsp_mel(PyObject *m, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"sample_rate", "n_fft", "n_mels", "fmin", "fmax", "scale", "norm",
        "shape", NULL};
    int sr, n_fft, n_mels;
    double fmin = 0.0;
    PyObject *fmax_o = Py_None, *scale_o = NULL, *norm_o = Py_None, *shape_o = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "iii|dO$OOO", kwlist, &sr, &n_fft, &n_mels,
            &fmin, &fmax_o, &scale_o, &norm_o, &shape_o)) {
        return NULL;
    }
    double fmax = fmax_o == Py_None ? -1.0 : PyFloat_AsDouble(fmax_o);
    if (fmax == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    mml_py_dsp_t d;
    mml_py_err_t e;
    int32_t scale = MML_MEL_HTK, norm, shape = MML_MEL_TRIANGLES_HZ;
    bool ok = (scale_o == NULL || dsp_choice(scale_o, MML_PY_DSP_CHOICE_SCALE, &scale, &e)) &&
        dsp_choice(norm_o, MML_PY_DSP_CHOICE_MEL_NORM, &norm, &e) &&
        (shape_o == NULL || dsp_choice(shape_o, MML_PY_DSP_CHOICE_SHAPE, &shape, &e)) &&
        mml_py_dsp_mel(&d, sr, n_fft, n_mels, (float)fmin, (float)fmax, scale, norm, shape, &e);
    return dsp_done(ok, &d, &e);
}

// DCT(n_in, n_out=None, *, norm=None)
static PyObject *dsp_dct(PyObject *m, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"n_in", "n_out", "norm", NULL};
    int n_in;
    PyObject *n_out_o = Py_None, *norm_o = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "i|O$O", kwlist, &n_in, &n_out_o, &norm_o)) {
        return NULL;
    }
    long n_out = n_out_o == Py_None ? 0 : PyLong_AsLong(n_out_o);
    if (n_out == -1 && PyErr_Occurred()) {
        return NULL;
    }
    n_out = n_out_o != Py_None && n_out < 1 ? -1 : n_out > 4096 ? 4096 : n_out;
    mml_py_dsp_t d;
    mml_py_err_t e;
    int32_t norm;
    bool ok = dsp_choice(norm_o, MML_PY_DSP_CHOICE_DCT_NORM, &norm, &e) &&
        mml_py_dsp_dct(&d, n_in, (int32_t)n_out, norm, &e);
    return dsp_done(ok, &d, &e);
}

// MFCC(fft, mel, dct, *, frame_len=None, window='hann', power=False, log_offset=1e-6)
static PyObject *dsp_mfcc(PyObject *m, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"fft", "mel", "dct", "frame_len", "window", "power", "log_offset",
        NULL};
    PyObject *fft, *mel, *dct, *frame_o = Py_None, *window_o = NULL;
    int power = 0;
    double log_offset = 1e-6;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|$OOpd", kwlist, &fft, &mel, &dct, &frame_o,
            &window_o, &power, &log_offset)) {
        return NULL;
    }
    long frame_len = frame_o == Py_None ? 0 : PyLong_AsLong(frame_o);
    if (frame_len == -1 && PyErr_Occurred()) {
        return NULL;
    }
    mml_py_dsp_t d;
    mml_py_err_t e;
    int32_t window = MML_WINDOW_HANN;
    frame_len = frame_o != Py_None && frame_len < 1 ? -1 : frame_len > 65536 ? 65536 : frame_len;
    bool ok = window_o == NULL || dsp_choice(window_o, MML_PY_DSP_CHOICE_WINDOW, &window, &e);
    if (ok && (!PyObject_TypeCheck(fft, &dsp_type) || !PyObject_TypeCheck(mel, &dsp_type) ||
                  !PyObject_TypeCheck(dct, &dsp_type))) {
        mml_py_dsp_t none; // not a transform: the API's message for the wrong kinds
        memset(&none, 0, sizeof(none));
        none.kind = 0xff;
        ok = mml_py_dsp_mfcc(&d, &none, &none, &none, 0, window, false, 1.0f, &e);
    } else if (ok) {
        ok = mml_py_dsp_mfcc(&d, &((dsp_obj_t *)fft)->d, &((dsp_obj_t *)mel)->d,
            &((dsp_obj_t *)dct)->d, (int32_t)frame_len, window, power != 0, (float)log_offset, &e);
    }
    if (!ok) {
        return raise_err(&e);
    }
    PyObject *refs = PyTuple_Pack(3, fft, mel, dct);
    if (refs == NULL) {
        return NULL;
    }
    PyObject *r = dsp_make(&d, NULL, refs);
    Py_DECREF(refs);
    return r;
}

// SOSFilter(sos)
static PyObject *dsp_sos(PyObject *m, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"sos", NULL};
    PyObject *sos;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", kwlist, &sos)) {
        return NULL;
    }
    mml_py_value_t v;
    Py_buffer view;
    mml_py_dsp_t d;
    mml_py_err_t e;
    PyObject *r = NULL;
    value_describe(sos, &v, &view);
    if (mml_py_dsp_sos(&d, &v, &e)) {
        r = dsp_make(&d, &v, NULL);
    } else {
        raise_err(&e);
    }
    if (view.obj != NULL) {
        PyBuffer_Release(&view);
    }
    return r;
}

// MLPerfKWS(*, scale=None, zero_point=0)
static PyObject *dsp_mlperf(PyObject *m, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"scale", "zero_point", NULL};
    PyObject *scale_o = Py_None;
    int zero_point = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|$Oi", kwlist, &scale_o, &zero_point)) {
        return NULL;
    }
    double scale = scale_o == Py_None ? 0.0 : PyFloat_AsDouble(scale_o);
    if (scale == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    mml_py_dsp_t d;
    mml_py_err_t e;
    // None: float32 features; a given scale must be > 0.
    bool ok = mml_py_dsp_mlperf(&d, scale_o == Py_None ? 0.0f : scale > 0.0 ? (float)scale : -1.0f,
        zero_point, &e);
    return dsp_done(ok, &d, &e);
}

// MicroFrontend(step_ms=20)
static PyObject *dsp_micro(PyObject *m, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"step_ms", NULL};
    int step_ms = 20;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|i", kwlist, &step_ms)) {
        return NULL;
    }
    mml_py_dsp_t d;
    mml_py_err_t e;
    bool ok = mml_py_dsp_micro(&d, step_ms, &e);
    return dsp_done(ok, &d, &e);
}

// window(n, kind='hann', *, periodic=True, out=None)
static PyObject *dsp_window(PyObject *m, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"n", "kind", "periodic", "out", NULL};
    int n, periodic = 1;
    PyObject *kind_o = NULL, *out = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "i|O$pO", kwlist, &n, &kind_o, &periodic, &out)) {
        return NULL;
    }
    mml_py_dsp_t d;
    mml_py_err_t e;
    int32_t kind = MML_WINDOW_HANN;
    if (!(kind_o == NULL || dsp_choice(kind_o, MML_PY_DSP_CHOICE_WINDOW, &kind, &e)) ||
        !mml_py_dsp_window(&d, n, kind, periodic != 0, &e)) {
        return raise_err(&e);
    }
    return dsp_apply(&d, NULL, out);
}

// power_spectrum(spec, out=None), magnitude_spectrum(spec, out=None)
static PyObject *dsp_spectrum(bool power, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"spec", "out", NULL};
    PyObject *x, *out = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O", kwlist, &x, &out)) {
        return NULL;
    }
    mml_py_dsp_t d;
    mml_py_dsp_spectrum(&d, power);
    return dsp_apply(&d, x, out);
}

static PyObject *dsp_power(PyObject *m, PyObject *args, PyObject *kwds) {
    return dsp_spectrum(true, args, kwds);
}

static PyObject *dsp_magnitude(PyObject *m, PyObject *args, PyObject *kwds) {
    return dsp_spectrum(false, args, kwds);
}

// log(x, offset=0.0, out=None)
static PyObject *dsp_log(PyObject *m, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"x", "offset", "out", NULL};
    PyObject *x, *out = Py_None;
    double offset = 0.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|dO", kwlist, &x, &offset, &out)) {
        return NULL;
    }
    mml_py_dsp_t d;
    mml_py_dsp_log(&d, (float)offset);
    return dsp_apply(&d, x, out);
}

#define DSP_FN(name, fn, doc) \
    {name, (PyCFunction)(void (*)(void))fn, METH_VARARGS | METH_KEYWORDS, doc}

static PyMethodDef dsp_functions[] = {
    DSP_FN("RFFT", dsp_rfft, "RFFT(n, typecode='f'): real FFT of n values (float32 'f' or "
                             "int16 'h'), n/2+1 complex results interleaved re, im."),
    DSP_FN("MelFilterbank", dsp_mel, "MelFilterbank(sample_rate, n_fft, n_mels, fmin=0.0, "
                                     "fmax=None, *, scale='htk', norm=None, shape='hz')."),
    DSP_FN("DCT", dsp_dct, "DCT(n_in, n_out=None, *, norm=None): DCT-II, norm None/'ortho'/'tf'."),
    DSP_FN("MFCC", dsp_mfcc, "MFCC(fft, mel, dct, *, frame_len=None, window='hann', "
                             "power=False, log_offset=1e-6): MFCC of one frame."),
    DSP_FN("SOSFilter", dsp_sos, "SOSFilter(sos): scipy.signal.sosfilt with its state kept."),
    DSP_FN("MLPerfKWS", dsp_mlperf, "MLPerfKWS(*, scale=None, zero_point=0): the MLPerf Tiny "
                                    "KWS front end, 16000 int16 samples -> 49x10 features."),
    DSP_FN("MicroFrontend", dsp_micro, "MicroFrontend(step_ms=20): TFLite Micro's microfrontend "
                                       "(ESPHome settings), int16 samples -> int8 rows of 40."),
    DSP_FN("window", dsp_window, "window(n, kind='hann', *, periodic=True, out=None)."),
    DSP_FN("power_spectrum", dsp_power, "power_spectrum(spec, out=None): re^2 + im^2."),
    DSP_FN("magnitude_spectrum", dsp_magnitude, "magnitude_spectrum(spec, out=None): |X|."),
    DSP_FN("log", dsp_log, "log(x, offset=0.0, out=None): ln(x + offset)."),
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef dsp_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "microml.dsp",
    .m_doc = "microml.dsp: audio and signal front ends (FFT, mel, MFCC, filters, KWS features).",
    .m_size = -1,
    .m_methods = dsp_functions,
};

// Adds microml.dsp to the module.
static int dsp_add(PyObject *mod) {
    if (PyType_Ready(&dsp_type) < 0) {
        return -1;
    }
    PyObject *dsp = PyModule_Create(&dsp_module);
    if (dsp == NULL) {
        return -1;
    }
    if (PyModule_AddObjectRef(dsp, "Transform", (PyObject *)&dsp_type) < 0 ||
        PyModule_AddObject(mod, "dsp", dsp) < 0) {
        Py_DECREF(dsp);
        return -1;
    }
    return 0;
}
#endif // MML_ENABLE_DSP
// ---- end dsp ----

// ---- stream ----
// microml.WakeWord: ESPHome's microWakeWord detection on streamed audio, the API in
// bindings/common/mml_py_stream.c. Cost: the object and one block of front-end memory; feed()
// allocates only the list of detections, and only when one fires.
#if MML_ENABLE_DSP
typedef struct {
    PyObject_HEAD mml_py_wakeword_t pw;
    PyObject *model; // the Model objects, kept alive (their prepared models are borrowed)
    PyObject *vad;   // or None
} wakeword_obj_t;

static void wakeword_dealloc(wakeword_obj_t *self) {
    Py_XDECREF(self->model);
    Py_XDECREF(self->vad);
    PyMem_Free(self->pw.mem);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

// WakeWord(model, *, cutoff=0.97, window=5, vad=None, vad_cutoff=0.5, vad_window=5, step_ms=10)
static PyObject *wakeword_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"model", "cutoff", "window", "vad", "vad_cutoff", "vad_window",
        "step_ms", NULL};
    PyObject *model, *vad = Py_None;
    float cutoff = 0.97f, vad_cutoff = 0.5f;
    int window = 5, vad_window = 5, step_ms = 10;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!|$fiOfii:WakeWord", kwlist, &model_type, &model,
            &cutoff, &window, &vad, &vad_cutoff, &vad_window, &step_ms)) {
        return NULL;
    }
    if (vad != Py_None && !PyObject_TypeCheck(vad, &model_type)) {
        return PyErr_Format(PyExc_TypeError, "vad must be a microml.Model or None");
    }
    mml_py_err_t e;
    mml_wakeword_config_t cfg;
    model_obj_t *m = (model_obj_t *)model;
    model_obj_t *v = vad != Py_None ? (model_obj_t *)vad : NULL;
    if (!model_check(m, &e) || (v != NULL && !model_check(v, &e)) ||
        !mml_py_wakeword_config(&cfg, &m->pm, cutoff, window, v ? &v->pm : NULL, vad_cutoff,
            vad_window, step_ms, &e)) {
        return raise_err(&e);
    }
    wakeword_obj_t *self = (wakeword_obj_t *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->model = Py_NewRef(model);
    self->vad = Py_NewRef(vad);
    size_t len = mml_py_wakeword_mem_size(&cfg);
    void *mem = PyMem_Malloc(len); // PyMem blocks are at least 8-aligned
    if (mem == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    self->pw.mem = mem;
    if (!mml_py_wakeword_init(&self->pw, &cfg, mem, len, &e)) {
        Py_DECREF(self);
        return raise_err(&e);
    }
    return (PyObject *)self;
}

static bool wakeword_check(wakeword_obj_t *self, mml_py_err_t *e) {
    return model_check((model_obj_t *)self->model, e) &&
        (self->vad == Py_None || model_check((model_obj_t *)self->vad, e));
}

static bool wakeword_emit(void *ctx, const mml_py_detection_t *d) {
    PyObject **list = ctx;
    if (*list == NULL && (*list = PyList_New(0)) == NULL) {
        return false;
    }
    PyObject *t = Py_BuildValue("(IddI)", (unsigned int)d->label, (double)d->score,
        (double)d->seconds, (unsigned int)d->slice);
    int r = t != NULL ? PyList_Append(*list, t) : -1;
    Py_XDECREF(t);
    return r == 0;
}

// feed(samples, *, features=None): the detections completed in these samples, or None.
static PyObject *wakeword_feed(wakeword_obj_t *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"samples", "features", NULL};
    PyObject *x, *features = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$O:feed", kwlist, &x, &features)) {
        return NULL;
    }
    mml_py_err_t e;
    if (!wakeword_check(self, &e)) {
        return raise_err(&e);
    }
    mml_py_value_t v;
    Py_buffer view, fview;
    fview.obj = NULL;
    size_t n = 0;
    value_describe(x, &v, &view);
    bool ok = mml_py_samples(&v, &n, &e);
    if (ok && features != Py_None) {
        bool writable = PyObject_GetBuffer(features, &fview, PyBUF_WRITABLE | PyBUF_FORMAT) == 0;
        if (!writable) {
            PyErr_Clear();
            fview.obj = NULL;
        }
        char tc = writable ? format_typecode(fview.format) : 0;
        ok = mml_py_wakeword_features_check(&self->pw, n, writable,
            writable && (tc == 'B' || tc == 'b'), writable ? (size_t)fview.len : 0, &e);
    }
    PyObject *list = NULL;
    if (ok) {
        ok = mml_py_wakeword_feed(&self->pw, v.data, n, fview.obj ? fview.buf : NULL, wakeword_emit,
            &list, &e);
    }
    if (fview.obj != NULL) {
        PyBuffer_Release(&fview);
    }
    if (view.obj != NULL) {
        PyBuffer_Release(&view);
    }
    if (!ok) {
        Py_XDECREF(list);
        return e.kind == MML_PY_EXC_NONE ? NULL : raise_err(&e);
    }
    return list != NULL ? list : Py_NewRef(Py_None);
}

static PyObject *wakeword_reset(wakeword_obj_t *self, PyObject *Py_UNUSED(ignored)) {
    mml_py_err_t e;
    if (!wakeword_check(self, &e) || !mml_py_wakeword_reset(&self->pw, &e)) {
        return raise_err(&e);
    }
    Py_RETURN_NONE;
}

static PyObject *wakeword_get(wakeword_obj_t *self, void *closure) {
    const mml_wakeword_t *w = &self->pw.w;
    switch ((intptr_t)closure) {
        case 0:
            return PyLong_FromUnsignedLong(w->slices);
        case 1:
            return PyLong_FromLong(w->wake.stride);
        case 2:
            return PyLong_FromLong(w->wake.cutoff);
        case 3:
            return PyLong_FromLong(w->wake.window);
        default:
            return PyLong_FromLong(w->fe.step * 1000 / MML_WAKEWORD_RATE);
    }
}

static PyObject *wakeword_repr(wakeword_obj_t *self) {
    const mml_wakeword_t *w = &self->pw.w;
    return PyUnicode_FromFormat("<microml.WakeWord stride %d, cutoff %d/255, window %d%s>",
        (int)w->wake.stride, (int)w->wake.cutoff, (int)w->wake.window,
        w->has_vad ? ", with VAD" : "");
}

static PyMethodDef wakeword_methods[] = {
    {"feed", (PyCFunction)(void (*)(void))wakeword_feed, METH_VARARGS | METH_KEYWORDS,
        "feed(samples, *, features=None): take int16 samples (any count); the detections\n"
        "completed in them as a list of (label, score, seconds, slice), or None."},
    {"reset", (PyCFunction)wakeword_reset, METH_NOARGS,
        "reset(): a cold start (front end, models, windows, the 100-slice ignore window)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef wakeword_getset[] = {
    {"slices", (getter)wakeword_get, NULL, "feature slices since the start or reset()", (void *)0},
    {"stride", (getter)wakeword_get, NULL, "slices per model invocation", (void *)1},
    {"cutoff", (getter)wakeword_get, NULL, "the cutoff as ESPHome compares it: int(p*255)",
        (void *)2},
    {"window", (getter)wakeword_get, NULL, "the sliding window, in probabilities", (void *)3},
    {"step_ms", (getter)wakeword_get, NULL, "the front end's step", (void *)4},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject wakeword_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "microml.WakeWord",
    .tp_doc = "WakeWord(model, *, cutoff=0.97, window=5, vad=None, vad_cutoff=0.5, vad_window=5,\n"
              "step_ms=10): a microWakeWord model (and optional VAD model) on streamed 16 kHz\n"
              "audio, with ESPHome's detection rule (docs/python-api.md).",
    .tp_basicsize = sizeof(wakeword_obj_t),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = wakeword_new,
    .tp_dealloc = (destructor)wakeword_dealloc,
    .tp_repr = (reprfunc)wakeword_repr,
    .tp_methods = wakeword_methods,
    .tp_getset = wakeword_getset,
};

// AudioStream(model, *, frontend='micro', step_ms=20, every=1, smooth=1, threshold=0.5,
//             refractory_ms=1000, ignore=()): any classifier on streamed audio.
typedef struct {
    PyObject_HEAD mml_py_audio_stream_t pa;
    PyObject *model;
} audio_stream_obj_t;

static void audio_stream_dealloc(audio_stream_obj_t *self) {
    Py_XDECREF(self->model);
    PyMem_Free(self->pa.mem);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *audio_stream_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"model", "frontend", "step_ms", "every", "smooth", "threshold",
        "refractory_ms", "ignore", NULL};
    PyObject *model, *ignore = NULL;
    const char *frontend = "micro";
    Py_ssize_t frontend_len = 5;
    int step_ms = 20, every = 1, smooth = 1, refractory_ms = 1000;
    float threshold = 0.5f;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!|$s#iiifiO:AudioStream", kwlist, &model_type,
            &model, &frontend, &frontend_len, &step_ms, &every, &smooth, &threshold, &refractory_ms,
            &ignore)) {
        return NULL;
    }
    mml_py_err_t e;
    uint32_t mask = 0;
    if (ignore != NULL && ignore != Py_None) {
        PyObject *seq = PySequence_Fast(ignore, "ignore must be a sequence of labels");
        if (seq == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
            long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
            if (v == -1 && PyErr_Occurred()) {
                Py_DECREF(seq);
                return NULL;
            }
            if (!mml_py_audio_stream_ignore(&mask, v < -1 || v > 99 ? -1 : (int32_t)v, &e)) {
                Py_DECREF(seq);
                return raise_err(&e);
            }
        }
        Py_DECREF(seq);
    }
    mml_audio_stream_config_t cfg;
    model_obj_t *m = (model_obj_t *)model;
    if (!model_check(m, &e) ||
        !mml_py_audio_stream_config(&cfg, &m->pm, frontend, (size_t)frontend_len, step_ms, every,
            smooth, threshold, refractory_ms, mask, &e)) {
        return raise_err(&e);
    }
    audio_stream_obj_t *self = (audio_stream_obj_t *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->model = Py_NewRef(model);
    size_t len = mml_py_audio_stream_mem_size(&cfg);
    if ((self->pa.mem = PyMem_Malloc(len)) == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    if (!mml_py_audio_stream_init(&self->pa, &cfg, self->pa.mem, len, &e)) {
        Py_DECREF(self);
        return raise_err(&e);
    }
    return (PyObject *)self;
}

// feed(samples): the detections completed in these samples, or None.
static PyObject *audio_stream_feed(audio_stream_obj_t *self, PyObject *x) {
    mml_py_err_t e;
    if (!model_check((model_obj_t *)self->model, &e)) {
        return raise_err(&e);
    }
    mml_py_value_t v;
    Py_buffer view;
    size_t n = 0;
    value_describe(x, &v, &view);
    PyObject *list = NULL;
    bool ok = mml_py_samples(&v, &n, &e) &&
        mml_py_audio_stream_feed(&self->pa, v.data, n, wakeword_emit, &list, &e);
    if (view.obj != NULL) {
        PyBuffer_Release(&view);
    }
    if (!ok) {
        Py_XDECREF(list);
        return e.kind == MML_PY_EXC_NONE ? NULL : raise_err(&e);
    }
    return list != NULL ? list : Py_NewRef(Py_None);
}

static PyObject *audio_stream_reset(audio_stream_obj_t *self, PyObject *Py_UNUSED(ignored)) {
    mml_py_err_t e;
    if (!model_check((model_obj_t *)self->model, &e) || !mml_py_audio_stream_reset(&self->pa, &e)) {
        return raise_err(&e);
    }
    Py_RETURN_NONE;
}

static PyObject *audio_stream_get(audio_stream_obj_t *self, void *closure) {
    const mml_audio_stream_t *s = &self->pa.s;
    switch ((intptr_t)closure) {
        case 0:
            return PyLong_FromUnsignedLong(s->frame_count);
        default: // (label, score) of the newest invocation, or None before the first
            if (s->n_scores == 0) {
                Py_RETURN_NONE;
            }
            return Py_BuildValue("(id)", (int)s->label, (double)s->score);
    }
}

static PyMethodDef audio_stream_methods[] = {
    {"feed", (PyCFunction)audio_stream_feed, METH_O,
        "feed(samples): take int16 samples (any count); the detections completed in them as a\n"
        "list of (label, score, seconds, frame), or None."},
    {"reset", (PyCFunction)audio_stream_reset, METH_NOARGS, "reset(): a cold start."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef audio_stream_getset[] = {
    {"frames", (getter)audio_stream_get, NULL, "frames since the start or reset()", (void *)0},
    {"last", (getter)audio_stream_get, NULL,
        "(label, averaged score) of the newest invocation, or None", (void *)1},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject audio_stream_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "microml.AudioStream",
    .tp_doc = "AudioStream(model, *, frontend='micro', step_ms=20, every=1, smooth=1,\n"
              "threshold=0.5, refractory_ms=1000, ignore=()): a classifier on streamed 16 kHz\n"
              "audio (docs/python-api.md).",
    .tp_basicsize = sizeof(audio_stream_obj_t),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = audio_stream_new,
    .tp_dealloc = (destructor)audio_stream_dealloc,
    .tp_methods = audio_stream_methods,
    .tp_getset = audio_stream_getset,
};
#endif // MML_ENABLE_DSP
// ---- end stream ----

// ---- anomaly ----
#if MML_ENABLE_DSP
// microml.Detector: the API in bindings/common/mml_py_anomaly.c. Cost: the object and one work
// buffer (mml_py_anomaly_work_floats()); fit(X) allocates len(X) floats while it runs.

typedef struct {
    PyObject_HEAD mml_py_anomaly_t pa;
    PyObject *scorer; // None, a Model or a ClassicModel, kept alive here
    float *work;
} detector_obj_t;

static void detector_dealloc(detector_obj_t *self) {
    Py_XDECREF(self->scorer);
    PyMem_Free(self->work);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

// An optional float keyword argument: None leaves *has false. -1 with an exception set.
static int opt_float(PyObject *o, bool *has, float *v) {
    *has = o != NULL && o != Py_None;
    if (*has) {
        double d = PyFloat_AsDouble(o);
        if (d == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        *v = (float)d;
    }
    return 0;
}

// Detector(scorer=None, *, alpha=None, smooth=None, quantile=0.99, off_quantile=None,
//          threshold=None, off=None, on=None, k=1, n=1, gap=0, method=None, mean=None, var=None)
static PyObject *detector_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"scorer", "alpha", "smooth", "quantile", "off_quantile", "threshold",
        "off", "on", "k", "n", "gap", "method", "mean", "var", NULL};
    PyObject *scorer = Py_None, *alpha = NULL, *smooth = NULL, *offq = NULL, *thr = NULL,
             *off = NULL, *on = NULL, *mean = NULL, *var = NULL;
    double quantile = 0.99;
    int k = 1, n = 1, gap = 0;
    const char *method = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O$OOdOOOOiiizOO:Detector", kwlist, &scorer,
            &alpha, &smooth, &quantile, &offq, &thr, &off, &on, &k, &n, &gap, &method, &mean,
            &var)) {
        return NULL;
    }
    mml_py_anomaly_opts_t o = {.quantile = (float)quantile, .k = k, .n = n, .gap = gap,
        .method = method};
    if (opt_float(alpha, &o.has_alpha, &o.alpha) < 0 ||
        opt_float(smooth, &o.has_smooth, &o.smooth) < 0 ||
        opt_float(offq, &o.has_off_quantile, &o.off_quantile) < 0 ||
        opt_float(thr, &o.has_threshold, &o.threshold) < 0 ||
        opt_float(off, &o.has_off, &o.off) < 0 || opt_float(on, &o.has_on, &o.on) < 0 ||
        opt_float(mean, &o.has_mean, &o.mean) < 0 || opt_float(var, &o.has_var, &o.var) < 0) {
        return NULL;
    }
    if (scorer == Py_None) {
        o.scorer = o.has_alpha ? MML_PY_SCORER_EWMA : MML_PY_SCORER_ZSCORE;
    } else if (PyObject_TypeCheck(scorer, &model_type)) {
        o.scorer = MML_PY_SCORER_MODEL;
#if MML_ENABLE_CLASSIC
    } else if (PyObject_TypeCheck(scorer, &classic_type)) {
        o.scorer = MML_PY_SCORER_CLASSIC;
#endif
    } else {
        return PyErr_Format(PyExc_TypeError,
            "scorer must be None, a Model or a ClassicModel, not %.100s", Py_TYPE(scorer)->tp_name);
    }
    if (o.scorer != MML_PY_SCORER_CLASSIC && method != NULL) {
        return PyErr_Format(PyExc_TypeError, "method= is for a ClassicModel scorer");
    }
    detector_obj_t *self = (detector_obj_t *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->scorer = Py_NewRef(scorer);
    mml_py_err_t e;
    bool ok = mml_py_anomaly_init(&self->pa, &o, &e);
    if (ok && o.scorer == MML_PY_SCORER_MODEL) {
        ok = mml_py_anomaly_model(&self->pa, &((model_obj_t *)scorer)->pm, &e);
    }
#if MML_ENABLE_CLASSIC
    if (ok && o.scorer == MML_PY_SCORER_CLASSIC) {
        ok = mml_py_anomaly_classic(&self->pa, &((classic_obj_t *)scorer)->pc, method, &e);
    }
#endif
    if (!ok) {
        Py_DECREF(self);
        return raise_err(&e);
    }
    self->work = PyMem_Calloc(mml_py_anomaly_work_floats(&self->pa), sizeof(float));
    if (self->work == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    return (PyObject *)self;
}

// The score of sample x; commit: a stream step (moves the smoother and EWMA statistics on).
static bool detector_score_of(detector_obj_t *self, PyObject *x, bool commit, float *score) {
    mml_py_anomaly_t *pa = &self->pa;
    if (pa->scorer == MML_PY_SCORER_ZSCORE || pa->scorer == MML_PY_SCORER_EWMA) {
        double d = PyFloat_AsDouble(x);
        if (d == -1.0 && PyErr_Occurred()) {
            return false;
        }
        *score = mml_py_anomaly_number(pa, (float)d, commit);
        return true;
    }
    mml_py_err_t e;
    mml_py_value_t v;
    Py_buffer view;
    value_describe(x, &v, &view);
    bool ok;
#if MML_ENABLE_CLASSIC
    if (pa->scorer == MML_PY_SCORER_CLASSIC) {
        classic_obj_t *c = (classic_obj_t *)self->scorer;
        ok = mml_py_classic_check(&c->pc, c->view.buf, (size_t)c->view.len, &e) &&
            mml_py_anomaly_classic_score(pa, &c->pc, &v, c->work, self->work, score, &e);
    } else
#endif
    {
        model_obj_t *m = (model_obj_t *)self->scorer;
        ok = model_check(m, &e) && mml_py_anomaly_model_score(pa, &m->pm, &v, self->work, score,
            &e);
    }
    if (view.obj != NULL) {
        PyBuffer_Release(&view);
    }
    if (!ok) {
        raise_err(&e);
    }
    return ok;
}

static PyObject *detector_score(detector_obj_t *self, PyObject *x) {
    float s;
    return detector_score_of(self, x, false, &s) ? PyFloat_FromDouble((double)s) : NULL;
}

static PyObject *detector_update(detector_obj_t *self, PyObject *x) {
    float s;
    bool alarm;
    mml_py_err_t e;
    if (!detector_score_of(self, x, true, &s)) {
        return NULL;
    }
    if (!mml_py_anomaly_step(&self->pa, s, &alarm, &e)) {
        return raise_err(&e);
    }
    return alarm ? PyFloat_FromDouble((double)s) : Py_NewRef(Py_None);
}

static PyObject *detector_fit(detector_obj_t *self, PyObject *X) {
    Py_ssize_t n = PySequence_Size(X);
    if (n < 0) {
        return NULL;
    }
    mml_py_err_t e;
    if (n == 0) {
        mml_py_anomaly_fit_empty(&e);
        return raise_err(&e);
    }
    float *scores = PyMem_Calloc((size_t)n, sizeof(float));
    if (scores == NULL) {
        return PyErr_NoMemory();
    }
    bool ok = true;
    if (self->pa.scorer == MML_PY_SCORER_ZSCORE) {
        mml_py_anomaly_fit_begin(&self->pa);
        for (Py_ssize_t i = 0; i < n && ok; i++) {
            PyObject *item = PySequence_GetItem(X, i);
            double d = item != NULL ? PyFloat_AsDouble(item) : -1.0;
            Py_XDECREF(item);
            ok = !(d == -1.0 && PyErr_Occurred());
            if (ok) {
                mml_py_anomaly_learn(&self->pa, (float)d);
            }
        }
    }
    mml_py_anomaly_reset(&self->pa);
    for (Py_ssize_t i = 0; i < n && ok; i++) {
        PyObject *item = PySequence_GetItem(X, i);
        ok = item != NULL && detector_score_of(self, item, true, &scores[i]);
        Py_XDECREF(item);
    }
    if (ok && !mml_py_anomaly_calibrate(&self->pa, scores, (size_t)n, &e)) {
        raise_err(&e);
        ok = false;
    }
    PyMem_Free(scores);
    return ok ? Py_NewRef((PyObject *)self) : NULL;
}

static PyObject *detector_reset(detector_obj_t *self, PyObject *Py_UNUSED(ignored)) {
    mml_py_anomaly_reset(&self->pa);
    Py_RETURN_NONE;
}

// threshold, off, on (None until calibrated), mean, var (the z-score's statistics).
static PyObject *detector_get(detector_obj_t *self, void *closure) {
    const mml_py_anomaly_t *pa = &self->pa;
    const char *name = closure;
    bool number = pa->scorer == MML_PY_SCORER_ZSCORE || pa->scorer == MML_PY_SCORER_EWMA;
    float v;
    if (name[0] == 'm' || name[0] == 'v') {
        if (!number) {
            Py_RETURN_NONE;
        }
        bool ewma = pa->scorer == MML_PY_SCORER_EWMA;
        v = name[0] == 'm' ? (ewma ? pa->ewma.mean : pa->stats.mean)
                           : (ewma ? pa->ewma.var : mml_welford_var(&pa->stats, 0));
    } else if (!pa->ready) {
        Py_RETURN_NONE;
    } else {
        v = name[0] == 't' ? pa->cfg.threshold : name[1] == 'f' ? pa->cfg.off : pa->cfg.on;
    }
    return PyFloat_FromDouble((double)v);
}

static PyObject *detector_repr(detector_obj_t *self) {
    char text[MML_PY_MSG_LEN];
    mml_py_anomaly_repr(&self->pa, text, sizeof(text));
    return PyUnicode_FromString(text);
}

static PyMethodDef detector_methods[] = {
    {"fit", (PyCFunction)detector_fit, METH_O,
        "fit(X): learn from normal samples X (z-score statistics) and set the threshold to the\n"
        "quantile of their scores; resets the stream. Returns the detector."},
    {"score", (PyCFunction)detector_score, METH_O,
        "score(x): the anomaly score of one sample (higher: more anomalous); changes nothing."},
    {"update", (PyCFunction)detector_update, METH_O,
        "update(x): one stream step: the score if an alarm starts at x, else None."},
    {"reset", (PyCFunction)detector_reset, METH_NOARGS,
        "reset(): the stream back to its start (statistics learnt by fit() and thresholds stay)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef detector_getset[] = {
    {"threshold", (getter)detector_get, NULL, "score above which a step counts", "t"},
    {"off", (getter)detector_get, NULL, "score below which an alarm ends", "of"},
    {"on", (getter)detector_get, NULL, "score that raises an alarm at once", "on"},
    {"mean", (getter)detector_get, NULL, "z-score mean (learnt or running)", "m"},
    {"var", (getter)detector_get, NULL, "z-score variance (learnt or running)", "v"},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject detector_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "microml.Detector",
    .tp_doc = "Detector(scorer=None, *, alpha=None, smooth=None, quantile=0.99, off_quantile=None,\n"
              "threshold=None, off=None, on=None, k=1, n=1, gap=0, method=None, mean=None,\n"
              "var=None): anomaly scores"
              " and alarms with hysteresis (docs/python-api.md).",
    .tp_basicsize = sizeof(detector_obj_t),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = detector_new,
    .tp_dealloc = (destructor)detector_dealloc,
    .tp_repr = (reprfunc)detector_repr,
    .tp_methods = detector_methods,
    .tp_getset = detector_getset,
};

// log_mel(x, *, sample_rate=16000, n_fft=1024, hop=512, n_mels=128, fmin=0.0, fmax=None,
//         center=True, pad="reflect") -> array('f') of frames * n_mels
static PyObject *microml_log_mel(PyObject *module, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"x", "sample_rate", "n_fft", "hop", "n_mels", "fmin", "fmax",
        "center", "pad", NULL};
    PyObject *x, *fmax_obj = NULL;
    int sample_rate = 16000, n_fft = 1024, hop = 512, n_mels = 128, center = 1;
    double fmin = 0.0;
    const char *pad = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$iiiidOpz:log_mel", kwlist, &x, &sample_rate,
            &n_fft, &hop, &n_mels, &fmin, &fmax_obj, &center, &pad)) {
        return NULL;
    }
    bool has_fmax;
    float fmax = 0.0f;
    if (opt_float(fmax_obj, &has_fmax, &fmax) < 0) {
        return NULL;
    }
    mml_py_err_t e;
    mml_logmel_config_t cfg;
    if (!mml_py_logmel_config(&cfg, sample_rate, n_fft, hop, n_mels, (float)fmin, has_fmax, fmax,
            center != 0, pad, &e)) {
        return raise_err(&e);
    }
    size_t mem_len = mml_logmel_mem_size(&cfg);
    void *mem = PyMem_Malloc(mem_len);
    if (mem == NULL) {
        return PyErr_NoMemory();
    }
    mml_logmel_t lm;
    mml_error_t err;
    mml_py_value_t v;
    Py_buffer view, out_view;
    PyObject *result = NULL;
    int32_t frames = 0;
    value_describe(x, &v, &view);
    bool ok = mml_py_status(&e, mml_logmel_init(&lm, &cfg, mem, mem_len, &err), &err) &&
        mml_py_logmel_input(&lm, &v, &frames, &e);
    if (ok) {
        size_t n = (size_t)frames * (size_t)cfg.n_mels;
        PyObject *zeros = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(4 * n));
        if (zeros != NULL) {
            result = PyObject_CallFunction(array_type, "CO", 'f', zeros);
            Py_DECREF(zeros);
        }
        if (result != NULL && PyObject_GetBuffer(result, &out_view, PyBUF_WRITABLE) == 0) {
            mml_py_logmel_run(&lm, &v, frames, out_view.buf);
            PyBuffer_Release(&out_view);
        } else {
            Py_CLEAR(result);
        }
    }
    if (view.obj != NULL) {
        PyBuffer_Release(&view);
    }
    PyMem_Free(mem);
    if (!ok) {
        return raise_err(&e);
    }
    return result;
}
#endif // MML_ENABLE_DSP
// ---- end anomaly ----

// ---------------------------------------------------------------------------------------------
// ---- gesture ----
// rasterize_stroke() (and IMUFeatures below): the API in bindings/common/mml_py_gesture.c.

#if MML_ENABLE_DSP
// rasterize_stroke(points, out=None, *, range=0.6, width=32, height=32): the stroke as the
// magic wand model's int8 [height, width, 3] input, in a bytearray (or out).
static PyObject *microml_rasterize_stroke(PyObject *module, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"points", "out", "range", "width", "height", NULL};
    PyObject *points, *out = Py_None;
    double range = 0.6;
    int width = 32, height = 32;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O$dii:rasterize_stroke", kwlist, &points,
            &out, &range, &width, &height)) {
        return NULL;
    }
    mml_py_err_t e;
    mml_stroke_raster_t r;
    if (!mml_py_stroke_init(&r, (float)range, width, height, &e)) {
        return raise_err(&e);
    }
    mml_py_value_t v;
    Py_buffer view, oview;
    value_describe(points, &v, &view);
    if (PyErr_Occurred()) {
        return NULL;
    }
    PyObject *result = NULL;
    if (!mml_py_stroke_check(&r, &v, &e)) {
        raise_err(&e);
        goto done;
    }
    if (out != Py_None) {
        bool writable = PyObject_GetBuffer(out, &oview, PyBUF_WRITABLE) == 0;
        if (!writable) {
            PyErr_Clear();
            oview.len = 0;
        }
        if (!mml_py_stroke_out_check(&r, writable, (size_t)oview.len, &e)) {
            if (writable) {
                PyBuffer_Release(&oview);
            }
            raise_err(&e);
            goto done;
        }
        mml_py_stroke_run(&r, &v, oview.buf);
        PyBuffer_Release(&oview);
        result = Py_NewRef(out);
    } else {
        result = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)mml_py_stroke_bytes(&r));
        if (result != NULL) {
            mml_py_stroke_run(&r, &v, (uint8_t *)PyByteArray_AS_STRING(result));
        }
    }
done:
    if (view.obj != NULL) {
        PyBuffer_Release(&view);
    }
    return result;
}

// stroke_from_gyro(gyro, rate, *, drift=None, gravity=None, stride=2, out=None): the magic wand
// sketch's int8 stroke points from float32 gyroscope samples [n, 3] (numpy int8, or array('b')).
static PyObject *microml_stroke_from_gyro(PyObject *module, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"gyro", "rate", "drift", "gravity", "stride", "out", NULL};
    PyObject *gyro_obj, *drift_obj = Py_None, *gravity_obj = Py_None, *out = Py_None;
    double rate;
    int stride = 2;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "Od|$OOiO:stroke_from_gyro", kwlist, &gyro_obj,
            &rate, &drift_obj, &gravity_obj, &stride, &out)) {
        return NULL;
    }
    mml_py_err_t e;
    mml_py_value_t gyro, drift, gravity;
    Py_buffer views[3], oview;
    PyObject *result = NULL;
    value_describe(gyro_obj, &gyro, &views[0]);
    views[1].obj = views[2].obj = NULL;
    if (drift_obj != Py_None) {
        value_describe(drift_obj, &drift, &views[1]);
    }
    if (gravity_obj != Py_None) {
        value_describe(gravity_obj, &gravity, &views[2]);
    }
    mml_py_gyro_t g;
    if (PyErr_Occurred()) {
        goto done;
    }
    if (!mml_py_gyro_check(&g, &gyro, (float)rate, drift_obj != Py_None ? &drift : NULL,
            gravity_obj != Py_None ? &gravity : NULL, stride, &e)) {
        raise_err(&e);
        goto done;
    }
    if (out != Py_None) {
        bool w = PyObject_GetBuffer(out, &oview, PyBUF_WRITABLE | PyBUF_FORMAT) == 0;
        if (!w) {
            PyErr_Clear();
        }
        if (!mml_py_gyro_out_check(&g, w, w ? format_typecode(oview.format) : 0,
                w ? (size_t)oview.len : 0, &e)) {
            if (w) {
                PyBuffer_Release(&oview);
            }
            raise_err(&e);
            goto done;
        }
        mml_py_gyro_run(&g, oview.buf);
        PyBuffer_Release(&oview);
        result = Py_NewRef(out);
        goto done;
    }
    Py_ssize_t n = (Py_ssize_t)mml_py_gyro_values(&g);
    if (np_empty != NULL) {
        result = PyObject_CallFunction(np_empty, "(n)s", n, "int8");
    } else {
        PyObject *zeros = PyBytes_FromStringAndSize(NULL, n);
        result = zeros ? PyObject_CallFunction(array_type, "CO", 'b', zeros) : NULL;
        Py_XDECREF(zeros);
    }
    if (result != NULL) {
        if (PyObject_GetBuffer(result, &oview, PyBUF_WRITABLE) != 0) {
            Py_CLEAR(result);
        } else {
            mml_py_gyro_run(&g, oview.buf);
            PyBuffer_Release(&oview);
        }
    }
done:
    for (int i = 0; i < 3; i++) {
        if (views[i].obj != NULL) {
            PyBuffer_Release(&views[i]);
        }
    }
    return result;
}

// microml.IMUFeatures: streaming IMU window features. Cost: the object and one float buffer
// (mml_py_imu_mem_floats()) allocated once; push() allocates nothing.
typedef struct {
    PyObject_HEAD float *mem; // the ring, queue and FFT scratch that f points into
    mml_imu_t f;
} imu_obj_t;

static void imu_dealloc(imu_obj_t *self) {
    PyMem_Free(self->mem);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

// IMUFeatures(channels, window, *, hop=window, bands=4, magnitude=True, rate=1.0, queue=4)
static PyObject *imu_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"channels", "window", "hop", "bands", "magnitude", "rate", "queue",
        NULL};
    int channels, window, hop = 0, bands = 4, magnitude = 1, queue = 4;
    double rate = 1.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "ii|$iipdi:IMUFeatures", kwlist, &channels,
            &window, &hop, &bands, &magnitude, &rate, &queue)) {
        return NULL;
    }
    mml_py_err_t e;
    mml_imu_config_t c;
    if (!mml_py_imu_config(&c, channels, window, hop == 0 ? window : hop, bands, magnitude != 0,
            (float)rate, queue, &e)) {
        return raise_err(&e);
    }
    imu_obj_t *self = (imu_obj_t *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    size_t n = mml_py_imu_mem_floats(&c);
    self->mem = PyMem_Calloc(n, sizeof(float));
    if (self->mem == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    if (!mml_py_imu_init(&self->f, &c, self->mem, n, &e)) {
        Py_DECREF(self);
        return raise_err(&e);
    }
    return (PyObject *)self;
}

// push(samples): samples [n, channels] interleaved; returns the feature vectors ready.
static PyObject *imu_push(imu_obj_t *self, PyObject *samples) {
    mml_py_err_t e;
    mml_py_value_t v;
    Py_buffer view;
    size_t frames;
    value_describe(samples, &v, &view);
    if (PyErr_Occurred()) {
        return NULL;
    }
    PyObject *result = NULL;
    if (mml_py_imu_push_check(&self->f, &v, &frames, &e)) {
        result = PyLong_FromLong(mml_py_imu_push(&self->f, &v, frames));
    } else {
        raise_err(&e);
    }
    if (view.obj != NULL) {
        PyBuffer_Release(&view);
    }
    return result;
}

// read(out=None): the oldest feature vector (numpy float32, or array('f') without numpy).
static PyObject *imu_read(imu_obj_t *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"out", NULL};
    PyObject *out = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:read", kwlist, &out)) {
        return NULL;
    }
    mml_py_err_t e;
    Py_buffer view;
    if (out != Py_None) {
        bool w = PyObject_GetBuffer(out, &view, PyBUF_WRITABLE | PyBUF_FORMAT) == 0;
        if (!w) {
            PyErr_Clear();
        }
        char tc = w ? format_typecode(view.format) : 0;
        if (!mml_py_imu_read_check(&self->f, true, w, tc, w ? (size_t)view.len : 0, &e)) {
            if (w) {
                PyBuffer_Release(&view);
            }
            return raise_err(&e);
        }
        mml_py_imu_read(&self->f, view.buf);
        PyBuffer_Release(&view);
        return Py_NewRef(out);
    }
    if (!mml_py_imu_read_check(&self->f, false, false, 0, 0, &e)) {
        return raise_err(&e);
    }
    Py_ssize_t n = self->f.n_features;
    PyObject *arr;
    if (np_empty != NULL) {
        arr = PyObject_CallFunction(np_empty, "(n)s", n, "float32");
    } else {
        PyObject *zeros = PyBytes_FromStringAndSize(NULL, 4 * n);
        arr = zeros ? PyObject_CallFunction(array_type, "CO", 'f', zeros) : NULL;
        Py_XDECREF(zeros);
    }
    if (arr == NULL || PyObject_GetBuffer(arr, &view, PyBUF_WRITABLE) != 0) {
        Py_XDECREF(arr);
        return NULL;
    }
    mml_py_imu_read(&self->f, view.buf);
    PyBuffer_Release(&view);
    return arr;
}

static PyObject *imu_reset(imu_obj_t *self, PyObject *Py_UNUSED(ignored)) {
    mml_imu_reset(&self->f);
    Py_RETURN_NONE;
}

static PyObject *imu_get_n_features(imu_obj_t *self, void *closure) {
    return PyLong_FromLong(self->f.n_features);
}

static PyObject *imu_get_ready(imu_obj_t *self, void *closure) {
    return PyLong_FromLong(self->f.ready);
}

static PyMethodDef imu_methods[] = {
    {"push", (PyCFunction)imu_push, METH_O,
        "push(samples): add [n, channels] samples; returns the feature vectors ready."},
    {"read", (PyCFunction)(void (*)(void))imu_read, METH_VARARGS | METH_KEYWORDS,
        "read(out=None): the oldest feature vector (n_features float32)."},
    {"reset", (PyCFunction)imu_reset, METH_NOARGS, "reset(): forget samples and vectors."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef imu_getset[] = {
    {"n_features", (getter)imu_get_n_features, NULL, "values per feature vector", NULL},
    {"ready", (getter)imu_get_ready, NULL, "feature vectors waiting to be read", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject imu_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "microml.IMUFeatures",
    .tp_doc = "IMUFeatures(channels, window, *, hop=window, bands=4, magnitude=True, rate=1.0, "
              "queue=4):\nstreaming window features of multi-channel IMU samples.",
    .tp_basicsize = sizeof(imu_obj_t),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = imu_new,
    .tp_dealloc = (destructor)imu_dealloc,
    .tp_methods = imu_methods,
    .tp_getset = imu_getset,
};

#endif // MML_ENABLE_DSP

// ---------------------------------------------------------------------------------------------
// The module

// load(buf, *, arena=None): the model object for buf's family.
static PyObject *microml_load(PyObject *module, PyObject *args, PyObject *kwds) {
    if (PyTuple_GET_SIZE(args) != 1) {
        return PyErr_Format(PyExc_TypeError, "load() takes 1 positional argument");
    }
    PyObject *buf = PyTuple_GET_ITEM(args, 0);
    mml_py_err_t e;
    mml_py_family_t family;
    Py_buffer view;
    bool ok;
    if (PyUnicode_Check(buf)) {
        ok = mml_py_family(NULL, 0, true, &family, &e);
    } else if (PyObject_GetBuffer(buf, &view, PyBUF_SIMPLE) != 0) {
        PyErr_Clear();
        ok = mml_py_fail(&e, MML_PY_MSG_MODEL_NOT_BUFFER);
    } else {
        ok = mml_py_family(view.buf, (size_t)view.len, false, &family, &e);
        PyBuffer_Release(&view);
    }
    if (!ok) {
        return raise_err(&e);
    }
    // One entry per family.
    switch (family) {
#if MML_ENABLE_CLASSIC
        case MML_PY_FAMILY_CLASSIC:
            if (kwds != NULL && PyDict_Size(kwds) > 0) {
                return PyErr_Format(PyExc_TypeError, "load() of a classic model takes no arena");
            }
            return PyObject_Call((PyObject *)&classic_type, args, NULL);
#endif
        default: // MML_PY_FAMILY_TFLITE
            return PyObject_Call((PyObject *)&model_type, args, kwds);
    }
}

static PyMethodDef microml_functions[] = {
#if MML_ENABLE_DSP // ---- anomaly ----
    {"log_mel", (PyCFunction)(void (*)(void))microml_log_mel, METH_VARARGS | METH_KEYWORDS,
        "log_mel(x, *, sample_rate=16000, n_fft=1024, hop=512, n_mels=128, fmin=0.0, fmax=None,\n"
        "center=True, pad='reflect'): librosa's log-mel spectrogram (dB) of int16 or float32\n"
        "samples, array('f') of frames * n_mels."},
#endif
    {"load", (PyCFunction)(void (*)(void))microml_load, METH_VARARGS | METH_KEYWORDS,
        "load(buf, *, arena=None): the model object for buf (a .tflite model: Model)."},
#if MML_ENABLE_DSP
    {"rasterize_stroke", (PyCFunction)(void (*)(void))microml_rasterize_stroke,
        METH_VARARGS | METH_KEYWORDS,
        "rasterize_stroke(points, out=None, *, range=0.6, width=32, height=32): a wand stroke "
        "as the magic wand model's int8 image."},
    {"stroke_from_gyro", (PyCFunction)(void (*)(void))microml_stroke_from_gyro,
        METH_VARARGS | METH_KEYWORDS,
        "stroke_from_gyro(gyro, rate, *, drift=None, gravity=None, stride=2, out=None): the "
        "magic wand sketch's int8 stroke from float32 gyroscope samples [n, 3] (deg/s)."},
#endif
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef microml_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "microml",
    .m_doc = "microml: machine learning inference for microcontrollers (host build).",
    .m_size = -1,
    .m_methods = microml_functions,
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
        // numpy is optional: without it results are array.array.
        PyObject *np = PyImport_ImportModule("numpy");
        if (np == NULL) {
            PyErr_Clear();
        } else {
            np_empty = PyObject_GetAttrString(np, "empty");
            np_ascontiguous = PyObject_GetAttrString(np, "ascontiguousarray");
            Py_DECREF(np);
            PyErr_Clear();
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
#if MML_ENABLE_CLASSIC
    if (PyType_Ready(&classic_type) < 0) {
        return NULL;
    }
#endif
#if MML_ENABLE_DSP
    if (PyType_Ready(&imu_type) < 0) {
        return NULL;
    }
#endif
#if MML_ENABLE_DSP
    if (PyType_Ready(&wakeword_type) < 0) {
        return NULL;
    }
    if (PyType_Ready(&audio_stream_type) < 0) {
        return NULL;
    }
#endif
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
#if MML_ENABLE_DSP
    if (PyModule_AddObjectRef(mod, "IMUFeatures", (PyObject *)&imu_type) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
#endif
#if MML_ENABLE_CLASSIC
    if (PyModule_AddObjectRef(mod, "ClassicModel", (PyObject *)&classic_type) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
#endif
#if MML_ENABLE_DSP
    if (dsp_add(mod) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
#endif
#if MML_ENABLE_DSP
    if (PyModule_AddObjectRef(mod, "WakeWord", (PyObject *)&wakeword_type) < 0 ||
        PyModule_AddObjectRef(mod, "AudioStream", (PyObject *)&audio_stream_type) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
#endif
#if MML_ENABLE_DSP
    if (PyType_Ready(&detector_type) < 0 ||
        PyModule_AddObjectRef(mod, "Detector", (PyObject *)&detector_type) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
#endif
    return mod;
}
