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

// predict / predict_proba / decision_function / transform (X, out=None, *, n=None)
static PyObject *classic_call(classic_obj_t *self, mml_classic_what_t what, const char *name,
    PyObject *args, PyObject *kwds) {
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
#if MML_ENABLE_CLASSIC
    if (PyModule_AddObjectRef(mod, "ClassicModel", (PyObject *)&classic_type) < 0) {
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
