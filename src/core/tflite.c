// SPDX-License-Identifier: MIT
// TFLite schema reader: checks the model file and reads tensors and operators of every subgraph.
// Tensors and operators have global indices: subgraph 0's first, then subgraph 1's, and so on.
#include <string.h>
#include "core/status.h"
#include "core/tflite.h"

// Field numbers of schema.fbs tables.
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4 };
enum { SG_TENSORS = 0, SG_INPUTS = 1, SG_OUTPUTS = 2, SG_OPERATORS = 3 };
enum {
    T_SHAPE = 0,
    T_TYPE = 1,
    T_BUFFER = 2,
    T_NAME = 3,
    T_QUANT = 4,
    T_IS_VARIABLE = 5,
    T_SPARSITY = 6
};
enum { Q_SCALE = 2, Q_ZERO_POINT = 3, Q_DETAILS_TYPE = 4, Q_QDIM = 6 };
enum {
    OP_OPCODE = 0,
    OP_INPUTS = 1,
    OP_OUTPUTS = 2,
    OP_OPTIONS_TYPE = 3,
    OP_OPTIONS = 4,
    OP_CUSTOM_OPTIONS = 5,
    OP_INTERMEDIATES = 8,
    OP_LARGE_CUSTOM_OFFSET = 9,
    OP_LARGE_CUSTOM_SIZE = 10,
    OP_OPTIONS2_TYPE = 11,
    OP_OPTIONS2 = 12
};
enum { OC_DEPRECATED_CODE = 0, OC_CUSTOM_CODE = 1, OC_VERSION = 2, OC_BUILTIN_CODE = 3 };
enum { BUF_DATA = 0, BUF_OFFSET = 1, BUF_SIZE = 2 };

#define SCHEMA_VERSION 3

// Every builtin op's name, each ending with NUL, one after the other in code order: the codes
// of the list run 0, 1, 2 ... without a gap (checked below), so code k's name is the k-th. One
// string instead of a table of pointers to them (the name is only looked up for messages).
static const char builtin_names[] =
#define NAME_ENTRY(name, code) #name "\0"
    MML_BUILTIN_OPS(NAME_ENTRY)
#undef NAME_ENTRY
    ;

enum {
#define SEQ_ENTRY(name, code) SEQ_##name,
    MML_BUILTIN_OPS(SEQ_ENTRY)
#undef SEQ_ENTRY
};
#define ORDER_ENTRY(name, code)                                                                    \
    typedef char mml__op_in_code_order_##name[SEQ_##name == (code) ? 1 : -1];
MML_BUILTIN_OPS(ORDER_ENTRY)
#undef ORDER_ENTRY

const char *mml__builtin_name(int32_t code) {
    if (code < 0 || code >= MML_OP_COUNT) {
        return NULL;
    }
    const char *s = builtin_names;
    for (int32_t k = 0; k < code; k++) {
        while (*s++) {
        }
    }
    return s;
}

static mml_status_t bad_(mml_error_t *err, const char *what, uint32_t index) {
    return mml__fail(err, MML_ERR_INVALID_MODEL, "malformed model: %s %u", what, index);
}
#define bad(err, what, index) bad_(err, MML__TEXT(what), index)

// Reads and checks the table of subgraph s (its vectors and input/output indices); bases not set.
static mml_status_t read_subgraph(const mml_model_t *m, uint32_t s, mml__subgraph_t *g,
    mml_error_t *err) {
    mml__fb_t fb = mml__model_fb(m);
    mml__fb_vec_t all = {m->subgraphs, m->n_subgraphs}, v;
    mml__fb_table_t sg;
    memset(g, 0, sizeof(*g));
    if (!mml__fb_vec_table(&fb, &all, s, &sg)) {
        return bad(err, "subgraph", s);
    }
    if (mml__fb_vector(&fb, &sg, SG_TENSORS, 4, &v) == MML__FB_INVALID) {
        return bad(err, "tensor vector of subgraph", s);
    }
    g->tensors = v.pos;
    g->n_tensors = v.n;
    if (mml__fb_vector(&fb, &sg, SG_OPERATORS, 4, &v) == MML__FB_INVALID) {
        return bad(err, "operator vector of subgraph", s);
    }
    g->operators = v.pos;
    g->n_ops = v.n;
    if (g->n_tensors > MML_MAX_TENSORS || g->n_ops > MML_MAX_OPS) {
        return mml__fail(err, MML_ERR_UNSUPPORTED, "model too large: %u tensors, %u ops",
            g->n_tensors, g->n_ops);
    }
    if (mml__fb_vector(&fb, &sg, SG_INPUTS, 4, &v) == MML__FB_INVALID) {
        return bad(err, "input vector of subgraph", s);
    }
    g->inputs = v.pos;
    g->n_inputs = v.n;
    if (mml__fb_vector(&fb, &sg, SG_OUTPUTS, 4, &v) == MML__FB_INVALID) {
        return bad(err, "output vector of subgraph", s);
    }
    g->outputs = v.pos;
    g->n_outputs = v.n;
    for (uint32_t i = 0; i < g->n_inputs + g->n_outputs; i++) {
        uint32_t pos = i < g->n_inputs ? g->inputs + 4 * i : g->outputs + 4 * (i - g->n_inputs);
        int32_t t = (int32_t)mml__rd_u32(m->buf + pos);
        if (t < 0 || (uint32_t)t >= g->n_tensors) {
            if (s == 0) {
                return mml__fail(err, MML_ERR_INVALID_MODEL, "malformed model: %s %u is tensor %d",
                    i < g->n_inputs ? "input" : "output", i < g->n_inputs ? i : i - g->n_inputs, t);
            }
            return mml__fail(err, MML_ERR_INVALID_MODEL,
                "malformed model: subgraph %u %s %u is tensor %d", s,
                i < g->n_inputs ? "input" : "output", i < g->n_inputs ? i : i - g->n_inputs, t);
        }
    }
    return MML_OK;
}

mml_status_t mml__tfl_subgraph(const mml_model_t *m, uint32_t s, mml__subgraph_t *g) {
    uint32_t tensor_base = 0, op_base = 0;
    for (uint32_t k = 0; k <= s && k < m->n_subgraphs; k++) {
        mml_status_t st = read_subgraph(m, k, g, NULL);
        if (st != MML_OK) {
            return st;
        }
        g->index = k;
        g->tensor_base = tensor_base;
        g->op_base = op_base;
        tensor_base += g->n_tensors;
        op_base += g->n_ops;
    }
    return s < m->n_subgraphs ? MML_OK : MML_ERR_INVALID_ARG;
}

// The subgraph holding global tensor (is_op = 0) or operator (is_op = 1) index.
static bool locate(const mml_model_t *m, uint32_t index, int is_op, mml__subgraph_t *g) {
    if (index < (is_op ? m->n_ops : m->n_tensors)) { // subgraph 0, without reading the table
        memset(g, 0, sizeof(*g));
        g->tensors = m->tensors;
        g->n_tensors = m->n_tensors;
        g->operators = m->operators;
        g->n_ops = m->n_ops;
        g->inputs = m->inputs;
        g->n_inputs = m->n_inputs;
        g->outputs = m->outputs;
        g->n_outputs = m->n_outputs;
        return true;
    }
    uint32_t tensor_base = 0, op_base = 0;
    for (uint32_t k = 0; k < m->n_subgraphs; k++) {
        if (read_subgraph(m, k, g, NULL) != MML_OK) {
            return false;
        }
        g->index = k;
        g->tensor_base = tensor_base;
        g->op_base = op_base;
        if (index < (is_op ? op_base + g->n_ops : tensor_base + g->n_tensors)) {
            return true;
        }
        tensor_base += g->n_tensors;
        op_base += g->n_ops;
    }
    return false;
}

mml_status_t mml__tfl_open(mml_model_t *m, mml_error_t *err) {
    mml__fb_t fb = mml__model_fb(m);
    mml__fb_table_t root, sg;
    mml__fb_vec_t v;
    if (m->len < 8) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "not a .tflite model: %u bytes", m->len);
    }
    if (memcmp(m->buf + 4, "TFL3", 4) != 0) {
        return mml__fail(err, MML_ERR_INVALID_MODEL,
            "not a .tflite model: file identifier is not TFL3");
    }
    if (!mml__fb_root(&fb, &root)) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "malformed model: bad root table");
    }
    uint32_t version = mml__fb_u32(&fb, &root, MODEL_VERSION, 0);
    if (version != SCHEMA_VERSION) {
        return mml__fail(err, MML_ERR_UNSUPPORTED, "model schema version %u, expected 3", version);
    }
    if (mml__fb_vector(&fb, &root, MODEL_SUBGRAPHS, 4, &v) != MML__FB_OK || v.n == 0 ||
        !mml__fb_vec_table(&fb, &v, 0, &sg)) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "malformed model: no valid subgraph");
    }
    m->subgraphs = v.pos;
    m->n_subgraphs = v.n;
    if (v.n > MML_MAX_SUBGRAPHS) {
        return mml__fail(err, MML_ERR_UNSUPPORTED, "model has %u subgraphs, at most %u supported",
            v.n, (uint32_t)MML_MAX_SUBGRAPHS);
    }
    m->subgraph = sg.pos;
    if (mml__fb_vector(&fb, &root, MODEL_OPCODES, 4, &v) == MML__FB_INVALID) {
        return bad(err, "operator code vector", 0);
    }
    m->opcodes = v.pos;
    m->n_opcodes = v.n;
    if (mml__fb_vector(&fb, &root, MODEL_BUFFERS, 4, &v) == MML__FB_INVALID) {
        return bad(err, "buffer vector", 0);
    }
    m->buffers = v.pos;
    m->n_buffers = v.n;
    for (uint32_t i = 0; i < m->n_buffers; i++) {
        mml__fb_table_t bt;
        mml__fb_vec_t data;
        mml__fb_vec_t all = {m->buffers, m->n_buffers};
        if (!mml__fb_vec_table(&fb, &all, i, &bt) ||
            mml__fb_vector(&fb, &bt, BUF_DATA, 1, &data) == MML__FB_INVALID) {
            return bad(err, "buffer", i);
        }
    }
    m->n_tensors_all = 0;
    m->n_ops_all = 0;
    for (uint32_t s = 0; s < m->n_subgraphs; s++) {
        mml__subgraph_t g;
        mml_status_t st = read_subgraph(m, s, &g, err);
        if (st != MML_OK) {
            return st;
        }
        if (s == 0) {
            m->tensors = g.tensors;
            m->n_tensors = g.n_tensors;
            m->operators = g.operators;
            m->n_ops = g.n_ops;
            m->inputs = g.inputs;
            m->n_inputs = g.n_inputs;
            m->outputs = g.outputs;
            m->n_outputs = g.n_outputs;
        }
        m->n_tensors_all += g.n_tensors;
        m->n_ops_all += g.n_ops;
        if (m->n_tensors_all > MML_MAX_TENSORS || m->n_ops_all > MML_MAX_OPS) {
            return mml__fail(err, MML_ERR_UNSUPPORTED, "model too large: %u tensors, %u ops",
                m->n_tensors_all, m->n_ops_all);
        }
    }
    return MML_OK;
}

static bool vec_at(const mml_model_t *m, uint32_t pos, uint32_t n, uint32_t i,
    mml__fb_table_t *out) {
    mml__fb_t fb = mml__model_fb(m);
    mml__fb_vec_t v = {pos, n};
    return mml__fb_vec_table(&fb, &v, i, out);
}

float mml__tensor_scale(const mml_model_t *m, const mml__tensor_t *t, uint32_t i) {
    return i < t->scales.n ? mml__rd_f32(m->buf + t->scales.pos + 4 * i) : 0.0f;
}

int32_t mml__tensor_zero_point(const mml_model_t *m, const mml__tensor_t *t, uint32_t i) {
    return i < t->zero_points.n ? (int32_t)mml__rd_u64(m->buf + t->zero_points.pos + 8 * i) : 0;
}

mml_status_t mml__tfl_tensor(const mml_model_t *m, uint32_t index, mml__tensor_t *t,
    mml_error_t *err) {
    mml__fb_t fb = mml__model_fb(m);
    mml__fb_table_t tt, qt, bt;
    mml__fb_vec_t shape;
    memset(t, 0, sizeof(*t));
    t->index = index;
    t->name = "";
    mml__subgraph_t g;
    if (!locate(m, index, 0, &g) ||
        !vec_at(m, g.tensors, g.n_tensors, index - g.tensor_base, &tt)) {
        return bad(err, "tensor", index);
    }
    int r = mml__fb_vector(&fb, &tt, T_SHAPE, 4, &shape);
    if (r == MML__FB_INVALID) {
        return bad(err, "shape of tensor", index);
    }
    if (shape.n > MML_MAX_DIMS) {
        return mml__fail(err, MML_ERR_UNSUPPORTED, "tensor %u has rank %u, at most %u supported",
            index, shape.n, (uint32_t)MML_MAX_DIMS);
    }
    t->rank = (uint8_t)shape.n;
    uint64_t elems = 1;
    for (uint32_t d = 0; d < shape.n; d++) {
        int32_t dim = (int32_t)mml__fb_vec_u32(&fb, &shape, d);
        if (dim < 0) {
            return bad(err, "negative dimension in tensor", index);
        }
        t->dims[d] = dim;
        elems *= (uint32_t)dim;
        if (elems > 0x7fffffffu) {
            return bad(err, "oversized tensor", index);
        }
    }
    t->elems = (uint32_t)elems;
    uint8_t type = mml__fb_u8(&fb, &tt, T_TYPE, 0);
    if (type >= MML_DTYPE_COUNT) {
        return bad(err, "unknown dtype in tensor", index);
    }
    t->dtype = type;
    uint64_t bytes = elems * mml_dtype_size((mml_dtype_t)type);
    if (bytes > 0x7fffffffu) {
        return bad(err, "oversized tensor", index);
    }
    t->bytes = (uint32_t)bytes;
    t->is_variable = mml__fb_u8(&fb, &tt, T_IS_VARIABLE, 0) != 0;
    const char *name;
    uint32_t name_len;
    r = mml__fb_string(&fb, &tt, T_NAME, &name, &name_len);
    if (r == MML__FB_INVALID) {
        return bad(err, "name of tensor", index);
    }
    if (r == MML__FB_OK) {
        t->name = name;
    }
    if (mml__fb_field(&fb, &tt, T_SPARSITY, 4)) {
        return mml__fail(err, MML_ERR_UNSUPPORTED, "tensor %u is sparse: unsupported", index);
    }
    // Constant data: buffer 0 is the empty sentinel; a buffer holds inline data or, in models
    // over 2 GB, an offset/size pair relative to the start of the file.
    uint32_t buffer = mml__fb_u32(&fb, &tt, T_BUFFER, 0);
    if (buffer >= m->n_buffers && !(buffer == 0 && m->n_buffers == 0)) {
        return bad(err, "buffer index of tensor", index);
    }
    if (buffer != 0) {
        if (!vec_at(m, m->buffers, m->n_buffers, buffer, &bt)) {
            return bad(err, "buffer", buffer);
        }
        mml__fb_vec_t data;
        r = mml__fb_vector(&fb, &bt, BUF_DATA, 1, &data);
        if (r == MML__FB_INVALID) {
            return bad(err, "data of buffer", buffer);
        }
        uint64_t off = mml__fb_u64(&fb, &bt, BUF_OFFSET, 0);
        uint64_t size = mml__fb_u64(&fb, &bt, BUF_SIZE, 0);
        if (r == MML__FB_OK && data.n > 0) {
            t->data = m->buf + data.pos;
            t->data_len = data.n;
        } else if (off > 1 && size > 0) {
            if (off > m->len || size > m->len - off) {
                return bad(err, "offset/size of buffer", buffer);
            }
            t->data = m->buf + off;
            t->data_len = (uint32_t)size;
        }
        if (t->data) {
            t->is_constant = 1;
            if (t->bytes && t->data_len < t->bytes) {
                return mml__fail(err, MML_ERR_INVALID_MODEL,
                    "malformed model: tensor %u needs %u bytes of data, buffer has %u", index,
                    t->bytes, t->data_len);
            }
        }
    }
    t->quantized_dim = 0;
    r = mml__fb_subtable(&fb, &tt, T_QUANT, &qt);
    if (r == MML__FB_INVALID) {
        return bad(err, "quantization of tensor", index);
    }
    if (r == MML__FB_OK) {
        if (mml__fb_vector(&fb, &qt, Q_SCALE, 4, &t->scales) == MML__FB_INVALID ||
            mml__fb_vector(&fb, &qt, Q_ZERO_POINT, 8, &t->zero_points) == MML__FB_INVALID) {
            return bad(err, "quantization of tensor", index);
        }
        if (mml__fb_u8(&fb, &qt, Q_DETAILS_TYPE, 0) != 0) {
            return mml__fail(err, MML_ERR_UNSUPPORTED,
                "tensor %u uses custom quantization: unsupported", index);
        }
        for (uint32_t i = 0; i < t->scales.n; i++) {
            float scale = mml__rd_f32(m->buf + t->scales.pos + 4 * i);
            if (!(scale >= 0.0f && scale <= 3.4e38f)) {
                return bad(err, "scale of tensor", index);
            }
        }
        // Zero points must lie in the element type's range (kernels negate and add them).
        int64_t zp_lo = INT32_MIN / 2, zp_hi = INT32_MAX / 2;
        if (t->dtype == MML_INT8) {
            zp_lo = -128, zp_hi = 127;
        } else if (t->dtype == MML_UINT8) {
            zp_lo = 0, zp_hi = 255;
        } else if (t->dtype == MML_INT16) {
            zp_lo = -32768, zp_hi = 32767;
        }
        for (uint32_t i = 0; i < t->zero_points.n; i++) {
            int64_t zp = (int64_t)mml__rd_u64(m->buf + t->zero_points.pos + 8 * i);
            if (zp < zp_lo || zp > zp_hi) {
                return bad(err, "zero point of tensor", index);
            }
        }
        t->quantized_dim = mml__fb_i32(&fb, &qt, Q_QDIM, 0);
        if (t->zero_points.n && t->zero_points.n != t->scales.n) {
            return bad(err, "zero point count of tensor", index);
        }
        // Per-channel: one scale per slice along quantized_dim. Converters also give 1-D bias
        // tensors the filter's axis (3 for depthwise): TFLite accepts those, so do we.
        bool along_axis = t->quantized_dim >= 0 && t->quantized_dim < t->rank &&
            (uint32_t)t->dims[t->quantized_dim] == t->scales.n;
        bool bias_like = t->rank == 1 && (uint32_t)t->dims[0] == t->scales.n;
        if (t->scales.n > 1 && !along_axis && !bias_like) {
            return bad(err, "per-channel quantization of tensor", index);
        }
    }
    return MML_OK;
}

const char *mml__op_name(const mml__op_t *op) {
    if (op->builtin_code == MML_OP_CUSTOM && op->custom_name) {
        return op->custom_name;
    }
    const char *name = mml__builtin_name(op->builtin_code);
    return name ? name : "UNKNOWN";
}

static mml_status_t check_indices(const mml_model_t *m, const mml__op_t *op, const mml__fb_vec_t *v,
    uint32_t n_tensors, mml_error_t *err) {
    for (uint32_t i = 0; i < v->n; i++) {
        int32_t t = mml__tfl_index(m, v, i);
        if (t < -1 || t >= (int32_t)n_tensors) {
            return mml__fail(err, MML_ERR_INVALID_MODEL,
                "malformed model: op %u %s refers to tensor %d", op->index, mml__op_name(op), t);
        }
    }
    return MML_OK;
}

mml_status_t mml__tfl_op(const mml_model_t *m, uint32_t index, mml__op_t *op, mml_error_t *err) {
    mml__fb_t fb = mml__model_fb(m);
    mml__fb_table_t ot, ct;
    mml_status_t st;
    memset(op, 0, sizeof(*op));
    op->index = index;
    mml__subgraph_t g;
    if (!locate(m, index, 1, &g) || !vec_at(m, g.operators, g.n_ops, index - g.op_base, &ot)) {
        return bad(err, "operator", index);
    }
    op->subgraph = g.index;
    op->tensor_base = g.tensor_base;
    uint32_t opcode = mml__fb_u32(&fb, &ot, OP_OPCODE, 0);
    if (!vec_at(m, m->opcodes, m->n_opcodes, opcode, &ct)) {
        return bad(err, "operator code of op", index);
    }
    // TFLite keeps codes < 127 in the old int8 field; the larger of the two fields is the code.
    int32_t deprecated = mml__fb_i8(&fb, &ct, OC_DEPRECATED_CODE, 0);
    int32_t code = mml__fb_i32(&fb, &ct, OC_BUILTIN_CODE, 0);
    op->builtin_code = code > deprecated ? code : deprecated;
    op->version = mml__fb_i32(&fb, &ct, OC_VERSION, 1);
    uint32_t n;
    if (mml__fb_string(&fb, &ct, OC_CUSTOM_CODE, &op->custom_name, &n) == MML__FB_INVALID) {
        return bad(err, "custom code of op", index);
    }
    if (mml__fb_vector(&fb, &ot, OP_INPUTS, 4, &op->inputs) == MML__FB_INVALID ||
        mml__fb_vector(&fb, &ot, OP_OUTPUTS, 4, &op->outputs) == MML__FB_INVALID ||
        mml__fb_vector(&fb, &ot, OP_INTERMEDIATES, 4, &op->intermediates) == MML__FB_INVALID) {
        return bad(err, "tensor list of op", index);
    }
    if ((st = check_indices(m, op, &op->inputs, g.n_tensors, err)) != MML_OK ||
        (st = check_indices(m, op, &op->outputs, g.n_tensors, err)) != MML_OK ||
        (st = check_indices(m, op, &op->intermediates, g.n_tensors, err)) != MML_OK) {
        return st;
    }
    for (uint32_t i = 0; i < op->outputs.n; i++) {
        if (mml__tfl_index(m, &op->outputs, i) < 0) {
            return bad(err, "missing output of op", index);
        }
    }
    op->options_type = mml__fb_u8(&fb, &ot, OP_OPTIONS_TYPE, 0);
    if (mml__fb_subtable(&fb, &ot, OP_OPTIONS, &op->options) == MML__FB_INVALID ||
        mml__fb_subtable(&fb, &ot, OP_OPTIONS2, &op->options2) == MML__FB_INVALID) {
        return bad(err, "options of op", index);
    }
    mml__fb_vec_t custom;
    int r = mml__fb_vector(&fb, &ot, OP_CUSTOM_OPTIONS, 1, &custom);
    if (r == MML__FB_INVALID) {
        return bad(err, "custom options of op", index);
    }
    if (r == MML__FB_OK) {
        op->custom_options = m->buf + custom.pos;
        op->custom_options_len = custom.n;
    } else {
        uint64_t off = mml__fb_u64(&fb, &ot, OP_LARGE_CUSTOM_OFFSET, 0);
        uint64_t size = mml__fb_u64(&fb, &ot, OP_LARGE_CUSTOM_SIZE, 0);
        if (size) {
            if (off > m->len || size > m->len - off) {
                return bad(err, "custom options of op", index);
            }
            op->custom_options = m->buf + off;
            op->custom_options_len = (uint32_t)size;
        }
    }
    return MML_OK;
}
