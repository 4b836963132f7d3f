// SPDX-License-Identifier: MIT
// The interpreter: load, plan (lifetimes + placement), prepare (lay out the arena), invoke.
//
// Arena layout after prepare (offsets from the arena start):
//   [0, head_bytes)            per-inference tensors and scratch buffers, placed by the planner
//   [head_bytes, ...)          node table: one {eval, data offset} per op of every subgraph
//                              locations of the model's input and output tensors
//                              state kept across invocations: variable tensors, then resource
//                              variables, CALL_ONCE flags and ops' own state (mml__prep_state)
//                              reset records of the resource variables, flags and op state
//                              each op's persistent data, in op order (global op index)
#include <string.h>
#include "core/status.h"
#include "core/tflite.h"
#include "nn/kernel.h"
#include "nn/planner.h"

typedef struct {
    mml__eval_fn eval;
    uint32_t data; // arena offset of the op's persistent data
} node_t;

// Size of node_t on a 32-bit target: a 4-byte function pointer and a uint32.
#define NODE_BYTES_32 (8u)

// How mml_model_reset restores one resource variable or CALL_ONCE flag: memset(offset, fill,
// bytes).
typedef struct {
    uint32_t offset, bytes, fill;
} reset_t;
#define RESET_BYTES ((uint32_t)sizeof(reset_t))

static void reset_variables(mml_model_t *m);

static uint32_t align_up(uint32_t n, uint32_t a) {
    return (n + a - 1) & ~(a - 1);
}

mml_status_t mml_model_load(mml_model_t *m, const uint8_t *buf, size_t len, mml_error_t *err) {
    mml__error_clear(err);
    memset(m, 0, sizeof(*m));
    if (!buf || len == 0) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "not a .tflite model: empty");
    }
    if (len > 0x7fffffffu) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "model larger than 2 GB");
    }
    if ((uintptr_t)buf % 4 != 0) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "model bytes must be 4-byte aligned");
    }
    m->buf = buf;
    m->len = (uint32_t)len;
    mml_status_t st = mml__tfl_open(m, err);
    // Every tensor and operator is checked now, so later readers only meet valid data.
    for (uint32_t i = 0; st == MML_OK && i < m->n_tensors_all; i++) {
        mml__tensor_t t;
        st = mml__tfl_tensor(m, i, &t, err);
    }
    for (uint32_t i = 0; st == MML_OK && i < m->n_ops_all; i++) {
        mml__op_t op;
        st = mml__tfl_op(m, i, &op, err);
    }
    // The caller writes inputs: they cannot live in the (read-only) model bytes.
    for (uint32_t i = 0; st == MML_OK && i < m->n_inputs; i++) {
        mml__tensor_t t;
        mml__tfl_tensor(m, mml__rd_u32(m->buf + m->inputs + 4 * i), &t, NULL);
        if (t.is_constant) {
            st =
                mml__fail(err, MML_ERR_INVALID_MODEL, "malformed model: input %u is a constant", i);
        }
    }
    if (st != MML_OK) {
        memset(m, 0, sizeof(*m));
        return st;
    }
    m->state = MML_MODEL_LOADED;
    return MML_OK;
}

size_t mml_model_work_size(const mml_model_t *m) {
    return mml__plan_work_size(m->n_tensors_all, m->n_ops_all);
}

static mml_status_t op_fail(mml_error_t *err, mml_status_t st, const mml__op_t *op,
    const char *what) {
    return mml__op_fail(err, st, (int32_t)op->index, mml__op_name(op), "%s", what);
}

// Runs op's prepare in the given mode. p is initialised here; FILL fields are set by the caller.
static mml_status_t run_prepare(const mml_model_t *m, const mml__op_t *op, mml_prep_t *p,
    mml__prep_mode_t mode, mml_error_t *err) {
    bool listed;
    mml__prepare_fn prepare = mml__kernel_find(op, &listed);
    if (!prepare) {
        const char *why = "op not supported";
        if (listed) {
            why = "not in this build"; // switched off (MML_OP_ON)
        } else if (op->builtin_code == MML_OP_CUSTOM) {
            why = "custom op not supported";
        }
        return op_fail(err, MML_ERR_UNSUPPORTED, op, why);
    }
    p->m = m;
    p->op = op;
    p->err = err;
    p->mode = (uint8_t)mode;
    p->eval = NULL;
    p->inplace = 0;
    p->overlap = 0;
    p->overlap_max = 0;
    p->scratch_bytes = 0;
    p->persist_bytes = 0;
    p->macs = 0;
    p->dtype_path = MML_DTYPE_PATH_NONE;
    mml_status_t st = prepare(p);
    if (st == MML_OK && !p->eval) {
        st = op_fail(err, MML_ERR_UNSUPPORTED, op, "no kernel for these types");
    }
    if (st != MML_OK && err) {
        err->op_index = (int32_t)op->index;
    }
    return st;
}

mml_status_t mml_model_check_op(const mml_model_t *m, uint32_t index, uint64_t *macs,
    mml_error_t *err) {
    mml__error_clear(err);
    if (macs) {
        *macs = 0;
    }
    if (m->state < MML_MODEL_LOADED || index >= m->n_ops_all) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "no op %u", index);
    }
    mml__op_t op;
    mml_status_t st = mml__tfl_op(m, index, &op, err);
    if (st != MML_OK) {
        return st;
    }
    mml_prep_t p;
    memset(&p, 0, sizeof(p));
    st = run_prepare(m, &op, &p, MML_PREP_CHECK, err);
    if (st == MML_OK && macs) {
        *macs = p.macs;
    }
    return st;
}

// 1 if op i exists and this build cannot run it (op receives it either way).
static int op_unsupported(const mml_model_t *m, uint32_t i, mml__op_t *op) {
    mml_prep_t p;
    mml_error_t e;
    memset(&p, 0, sizeof(p));
    return mml__tfl_op(m, i, op, NULL) == MML_OK &&
        run_prepare(m, op, &p, MML_PREP_CHECK, &e) == MML_ERR_UNSUPPORTED;
}

// Appends s to err->msg at *pos if it fits whole with `reserve` bytes to spare; 0 if not.
static int msg_append(mml_error_t *err, uint32_t *pos, const char *s, uint32_t reserve) {
    uint32_t n = (uint32_t)strlen(s);
    if (*pos + n + reserve + 1 > MML_ERROR_MSG_LEN) {
        return 0;
    }
    memcpy(err->msg + *pos, s, n + 1);
    *pos += n;
    return 1;
}

// Plan stopped at op `first`, which this build cannot run (err says why). If later ops (of any
// subgraph) cannot run either, err->msg becomes the count, the first op's reason and version,
// then every other such op by index, name and version:
//   "2 unsupported ops: op 3 SVDF: op not supported (v1), op 7 SPLIT_V v2"
// cut as "..., op 9 TILE v1, ... and 5 more" where MML_ERROR_MSG_LEN ends. Status and op_index
// (the first op) are kept.
static void list_unsupported(const mml_model_t *m, uint32_t first, mml_error_t *err) {
    mml__op_t op;
    uint32_t n = 1;
    if (!MML_ERROR_TEXT) {
        return;
    }
    for (uint32_t i = first + 1; err && i < m->n_ops_all; i++) {
        n += (uint32_t)op_unsupported(m, i, &op);
    }
    if (!err || n == 1 || mml__tfl_op(m, first, &op, NULL) != MML_OK) {
        return;
    }
    mml_error_t piece;
    mml__fail(&piece, MML_ERR_UNSUPPORTED, "%s (v%d)", err->msg, op.version);
    char head[MML_ERROR_MSG_LEN]; // the first op's entry
    memcpy(head, piece.msg, sizeof(head));
    mml__fail(&piece, MML_ERR_UNSUPPORTED, ", ... and %u more", n);
    uint32_t reserve = (uint32_t)strlen(piece.msg); // room for the longest possible tail
    uint32_t pos = 0, k = 0;
    mml__fail(&piece, MML_ERR_UNSUPPORTED, "%u unsupported ops: ", n);
    msg_append(err, &pos, piece.msg, 0);
    for (uint32_t i = first; i < m->n_ops_all && k < n; i++) {
        if (i == first) {
            memcpy(piece.msg, head, sizeof(head));
        } else if (op_unsupported(m, i, &op)) {
            mml__fail(&piece, MML_ERR_UNSUPPORTED, ", op %u %s v%d", i, mml__op_name(&op),
                op.version);
        } else {
            continue;
        }
        if (!msg_append(err, &pos, piece.msg, k + 1 < n ? reserve : 0)) {
            mml__fail(&piece, MML_ERR_UNSUPPORTED, "%s... and %u more", k ? ", " : "", n - k);
            msg_append(err, &pos, piece.msg, 0);
            return;
        }
        k++;
    }
}

mml_status_t mml_model_plan(mml_model_t *m, void *work, size_t work_len, mml_error_t *err) {
    mml__error_clear(err);
    if (m->state < MML_MODEL_LOADED) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "model not loaded");
    }
    size_t need = mml_model_work_size(m);
    if (!work || work_len < need || (uintptr_t)work % 8 != 0) {
        mml__fail(err, MML_ERR_WORK_TOO_SMALL, "work buffer needs %u bytes (8-aligned), got %u",
            (uint32_t)need, (uint32_t)work_len);
        if (err) {
            err->needed = (uint32_t)need;
            err->got = (uint32_t)work_len;
        }
        return MML_ERR_WORK_TOO_SMALL;
    }
    mml__plan_t plan;
    mml_status_t st = mml__plan_begin(&plan, m, work, err);
    if (st == MML_OK) {
        st = mml__plan_resources(&plan, err);
    }
    uint32_t persist = 0;
    for (uint32_t i = 0; st == MML_OK && i < m->n_ops_all; i++) {
        mml__op_t op;
        mml_prep_t p;
        memset(&p, 0, sizeof(p));
        p.plan = plan.e; // resource variables are resolved already
        st = mml__tfl_op(m, i, &op, err);
        if (st == MML_OK) {
            st = run_prepare(m, &op, &p, MML_PREP_PLAN, err);
            if (st == MML_ERR_UNSUPPORTED) {
                list_unsupported(m, i, err);
            }
        }
        if (st == MML_OK) {
            persist += align_up(p.persist_bytes, MML_ARENA_ALIGN);
            mml__plan_op(&plan, &op, &p);
        }
    }
    if (st != MML_OK) {
        m->state = MML_MODEL_LOADED;
        return st;
    }
    mml__plan_place(&plan);
    // Every figure below fits 32 bits: the head is at most 2 GiB, the rest is bounded by the
    // model's size (each record a few bytes per op or tensor).
    if (plan.head_bytes > INT32_MAX) {
        m->state = MML_MODEL_LOADED;
        return mml__fail(err, MML_ERR_UNSUPPORTED, "tensors need more than 2 GiB of arena");
    }
    uint32_t head = align_up(plan.head_bytes, MML_ARENA_BASE_ALIGN);
    uint32_t io = 4 * (m->n_inputs + m->n_outputs);
    uint32_t state = mml__plan_variable_bytes(plan.e, m);
    uint32_t tail = io + state + RESET_BYTES * mml__plan_state_items(plan.e, m) + persist;
    m->head_bytes = head;
    m->persistent_bytes = m->n_ops_all * (uint32_t)sizeof(node_t) + tail;
    m->arena_bytes = head + m->persistent_bytes;
    m->arena_bytes_32 = head + m->n_ops_all * NODE_BYTES_32 + tail;
    m->state_bytes = state;
    m->n_resource_variables = plan.n_resource_variables;
    m->state = MML_MODEL_PLANNED;
    return MML_OK;
}

mml_status_t mml_model_prepare(mml_model_t *m, void *work, uint8_t *arena, size_t arena_len,
    mml_error_t *err) {
    mml__error_clear(err);
    if (m->state < MML_MODEL_PLANNED) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "model not planned");
    }
    if (!arena || (uintptr_t)arena % MML_ARENA_BASE_ALIGN != 0) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "arena must be %u-byte aligned",
            (uint32_t)MML_ARENA_BASE_ALIGN);
    }
    if (arena_len < m->arena_bytes) {
        mml__fail(err, MML_ERR_ARENA_TOO_SMALL, "arena needs %u bytes, got %u", m->arena_bytes,
            (uint32_t)arena_len);
        if (err) {
            err->needed = m->arena_bytes;
            err->got = (uint32_t)arena_len;
        }
        return MML_ERR_ARENA_TOO_SMALL;
    }
    const mml__plan_entry_t *entries = (const mml__plan_entry_t *)work;
    memset(arena, 0, m->arena_bytes);
    m->arena = arena;
    m->arena_len = (uint32_t)arena_len;
    m->nodes = m->head_bytes;
    m->io_locs = m->nodes + m->n_ops_all * (uint32_t)sizeof(node_t);
    uint32_t variables = m->io_locs + 4 * (m->n_inputs + m->n_outputs);
    mml__plan_assign_variables((mml__plan_entry_t *)work, m, variables);
    m->variables = variables;
    m->variable_bytes = mml__plan_variable_bytes(entries, m);
    m->resets = variables + m->variable_bytes;
    m->n_resets = 0;
    reset_t *resets = (reset_t *)(arena + m->resets);
    for (uint32_t i = m->n_tensors_all; i < m->n_tensors_all + m->n_ops_all; i++) {
        if (entries[i].kind == MML__BUF_STATE) {
            reset_t r = {entries[i].offset, entries[i].size, entries[i].fill};
            resets[m->n_resets++] = r;
        }
    }
    uint32_t cursor = m->resets + m->n_resets * RESET_BYTES;
    mml_prep_t p;
    memset(&p, 0, sizeof(p));
    p.m = m;
    p.plan = entries;
    uint32_t *io = (uint32_t *)(arena + m->io_locs);
    for (uint32_t i = 0; i < m->n_inputs + m->n_outputs; i++) {
        uint32_t pos = i < m->n_inputs ? m->inputs + 4 * i : m->outputs + 4 * (i - m->n_inputs);
        mml__tensor_t t;
        mml__tfl_tensor(m, mml__rd_u32(m->buf + pos), &t, NULL);
        io[i] = mml__prep_loc(&p, &t);
    }
    mml_status_t st = MML_OK;
    node_t *nodes = (node_t *)(arena + m->nodes);
    for (uint32_t i = 0; st == MML_OK && i < m->n_ops_all; i++) {
        mml__op_t op;
        st = mml__tfl_op(m, i, &op, err);
        p.persist_base = arena;
        p.persist_cursor = cursor;
        p.first_data = cursor;
        p.scratch_loc = mml__plan_scratch_offset(entries, m, i);
        if (st == MML_OK) {
            st = run_prepare(m, &op, &p, MML_PREP_FILL, err);
        }
        if (st == MML_OK && p.persist_cursor > m->arena_bytes) {
            st = op_fail(err, MML_ERR_INVALID_MODEL, &op, "prepare used more memory than planned");
        }
        nodes[i].eval = p.eval;
        nodes[i].data = p.first_data;
        cursor = p.persist_cursor;
    }
    if (st != MML_OK) {
        m->arena = NULL;
        m->state = MML_MODEL_PLANNED;
        return st;
    }
    m->state = MML_MODEL_READY;
    reset_variables(m);
    return MML_OK;
}

// Fills every variable tensor with its zero point (0 for unquantized ones), in the order the
// planner placed them after m->variables; then every resource variable with its fill byte and
// every CALL_ONCE flag with 0 (not run).
static void reset_variables(mml_model_t *m) {
    const reset_t *resets = (const reset_t *)(m->arena + m->resets);
    for (uint32_t i = 0; i < m->n_resets; i++) {
        memset(m->arena + resets[i].offset, (int)resets[i].fill, resets[i].bytes);
    }
    uint8_t *at = m->arena + m->variables;
    for (uint32_t i = 0; i < m->n_tensors_all; i++) {
        mml__tensor_t t;
        if (mml__tfl_tensor(m, i, &t, NULL) != MML_OK || !t.is_variable || t.is_constant) {
            continue;
        }
        int32_t zp = mml__tensor_zero_point(m, &t, 0);
        if (t.dtype == MML_INT8 || t.dtype == MML_UINT8) {
            memset(at, (uint8_t)zp, t.bytes);
        } else if (t.dtype == MML_INT16) {
            for (uint32_t k = 0; k < t.elems; k++) {
                int16_t v = (int16_t)zp;
                memcpy(at + 2 * k, &v, 2);
            }
        } else {
            memset(at, 0, t.bytes);
        }
        at += (t.bytes + MML_ARENA_ALIGN - 1) & ~(uint32_t)(MML_ARENA_ALIGN - 1);
    }
}

mml_status_t mml_model_reset(mml_model_t *m) {
    if (m->state != MML_MODEL_READY) {
        return MML_ERR_INVALID_ARG;
    }
    reset_variables(m);
    return MML_OK;
}

// The per-inference entry: err is only touched on failure (mml_error_t: "left alone on
// success"), so a call costs the state check and the op loop.
mml_status_t mml_model_invoke(mml_model_t *m, mml_error_t *err) {
    if (m->state != MML_MODEL_READY) {
        mml__error_clear(err);
        return mml__fail(err, MML_ERR_INVALID_ARG, "model not prepared");
    }
    mml_eval_ctx_t ctx = {m->arena, m->buf};
    const node_t *nodes = (const node_t *)(m->arena + m->nodes);
    for (uint32_t i = 0, n = m->n_ops; i < n; i++) {
        mml_status_t st = nodes[i].eval(&ctx, m->arena + nodes[i].data);
        if (st != MML_OK) {
            mml__op_t op;
            mml__error_clear(err);
            mml__tfl_op(m, i, &op, NULL);
            return op_fail(err, st, &op, "eval failed");
        }
    }
    return MML_OK;
}

mml_status_t mml__run_ops(const mml_eval_ctx_t *ctx, uint32_t nodes, uint32_t first, uint32_t n) {
    const node_t *node = (const node_t *)(ctx->arena + nodes) + first;
    for (uint32_t i = 0; i < n; i++, node++) {
        mml_status_t st = node->eval(ctx, ctx->arena + node->data);
        if (st != MML_OK) {
            return st;
        }
    }
    return MML_OK;
}

mml_status_t mml_model_invoke_op(mml_model_t *m, uint32_t index, mml_error_t *err) {
    mml__error_clear(err);
    if (m->state != MML_MODEL_READY || index >= m->n_ops) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "model not prepared, or no op %u", index);
    }
    mml_eval_ctx_t ctx = {m->arena, m->buf};
    const node_t *node = (const node_t *)(m->arena + m->nodes) + index;
    mml_status_t st = node->eval(&ctx, m->arena + node->data);
    if (st != MML_OK) {
        mml__op_t op;
        mml__tfl_op(m, index, &op, NULL);
        return op_fail(err, st, &op, "eval failed");
    }
    return MML_OK;
}

static void *io_data(const mml_model_t *m, uint32_t slot) {
    mml_eval_ctx_t ctx = {m->arena, m->buf};
    const uint32_t *io = (const uint32_t *)(m->arena + m->io_locs);
    return mml__ptr(&ctx, io[slot]);
}

void *mml_model_input_data(const mml_model_t *m, uint32_t i) {
    if (m->state != MML_MODEL_READY || i >= m->n_inputs) {
        return NULL;
    }
    return io_data(m, i);
}

void *mml_model_output_data(const mml_model_t *m, uint32_t i) {
    if (m->state != MML_MODEL_READY || i >= m->n_outputs) {
        return NULL;
    }
    return io_data(m, m->n_inputs + i);
}

mml_status_t mml_model_tensor_info(const mml_model_t *m, uint32_t index, mml_tensor_info_t *info) {
    memset(info, 0, sizeof(*info));
    if (m->state < MML_MODEL_LOADED || index >= m->n_tensors_all) {
        return MML_ERR_INVALID_ARG;
    }
    mml__tensor_t t;
    mml_status_t st = mml__tfl_tensor(m, index, &t, NULL);
    if (st != MML_OK) {
        return st;
    }
    info->name = t.name;
    info->index = index;
    info->rank = t.rank;
    for (uint32_t d = 0; d < t.rank; d++) {
        info->shape[d] = t.dims[d];
    }
    info->dtype = t.dtype;
    info->is_constant = t.is_constant;
    info->is_variable = t.is_variable;
    info->bytes = t.bytes;
    info->n_scales = t.scales.n;
    info->scale = mml__tensor_scale(m, &t, 0);
    info->zero_point = mml__tensor_zero_point(m, &t, 0);
    info->quantized_dim = t.quantized_dim;
    return MML_OK;
}

mml_status_t mml_model_input_info(const mml_model_t *m, uint32_t i, mml_tensor_info_t *info) {
    if (m->state < MML_MODEL_LOADED || i >= m->n_inputs) {
        memset(info, 0, sizeof(*info));
        return MML_ERR_INVALID_ARG;
    }
    return mml_model_tensor_info(m, mml__rd_u32(m->buf + m->inputs + 4 * i), info);
}

mml_status_t mml_model_output_info(const mml_model_t *m, uint32_t i, mml_tensor_info_t *info) {
    if (m->state < MML_MODEL_LOADED || i >= m->n_outputs) {
        memset(info, 0, sizeof(*info));
        return MML_ERR_INVALID_ARG;
    }
    return mml_model_tensor_info(m, mml__rd_u32(m->buf + m->outputs + 4 * i), info);
}

mml_status_t mml_model_op_info(const mml_model_t *m, uint32_t index, mml_op_info_t *info) {
    memset(info, 0, sizeof(*info));
    if (m->state < MML_MODEL_LOADED || index >= m->n_ops_all) {
        return MML_ERR_INVALID_ARG;
    }
    mml__op_t op;
    mml_status_t st = mml__tfl_op(m, index, &op, NULL);
    if (st != MML_OK) {
        return st;
    }
    info->name = mml__op_name(&op);
    info->builtin_code = op.builtin_code;
    info->version = op.version;
    bool listed;
    info->supported = mml__kernel_find(&op, &listed) != NULL;
    mml_prep_t p;
    mml_error_t e;
    memset(&p, 0, sizeof(p));
    if (info->supported) { // the path its prepare asks for, even if this build has no eval for it
        run_prepare(m, &op, &p, MML_PREP_CHECK, &e);
        info->dtype_path = p.dtype_path;
    }
    info->n_inputs = (uint8_t)(op.inputs.n > 255 ? 255 : op.inputs.n);
    info->n_outputs = (uint8_t)(op.outputs.n > 255 ? 255 : op.outputs.n);
    info->subgraph = (uint8_t)op.subgraph;
    // Hybrid (dynamic-range): float activations, constant int8 weights in input 1.
    mml__tensor_t in, w;
    int32_t i0 = op.inputs.n > 1 ? mml__op_tensor(m, &op, &op.inputs, 0) : -1;
    int32_t i1 = op.inputs.n > 1 ? mml__op_tensor(m, &op, &op.inputs, 1) : -1;
    info->hybrid = i0 >= 0 && i1 >= 0 && mml__tfl_tensor(m, (uint32_t)i0, &in, NULL) == MML_OK &&
        mml__tfl_tensor(m, (uint32_t)i1, &w, NULL) == MML_OK && in.dtype == MML_FLOAT32 &&
        w.dtype == MML_INT8 && w.is_constant;
    return MML_OK;
}
