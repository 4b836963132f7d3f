// SPDX-License-Identifier: MIT
// The TFLite schema on top of the checked FlatBuffers reader: tensors and operators of every
// subgraph, read zero-copy from the model bytes. Tensor and operator indices are global:
// subgraph 0's come first (so they equal its own indices), then subgraph 1's, and so on. Field
// numbers follow TFLite's schema.fbs (version 3).
#ifndef MICROML_CORE_TFLITE_H
#define MICROML_CORE_TFLITE_H

#include "microml/mml_model.h"
#include "core/builtin_ops.h"
#include "core/flatbuf.h"

// A tensor as kernels see it at prepare time.
typedef struct {
    uint32_t index;
    uint8_t dtype; // mml_dtype_t
    uint8_t rank;
    uint8_t is_variable;
    uint8_t is_constant; // has data in the model
    int32_t dims[MML_MAX_DIMS];
    uint32_t elems;
    uint32_t bytes;      // elems * dtype size (0 for dtypes without a fixed size)
    const uint8_t *data; // constant data (model bytes), or NULL
    uint32_t data_len;
    mml__fb_vec_t scales;      // float32 vector (n = 0 if not quantized)
    mml__fb_vec_t zero_points; // int64 vector
    int32_t quantized_dim;
    const char *name;
} mml__tensor_t;

// One subgraph: positions of its vectors in the model bytes, and where its tensors and operators
// start in the global numbering.
typedef struct {
    uint32_t index;
    uint32_t tensors, n_tensors;
    uint32_t operators, n_ops;
    uint32_t inputs, n_inputs; // local tensor indices
    uint32_t outputs, n_outputs;
    uint32_t tensor_base, op_base;
} mml__subgraph_t;

// An operator. Its tensor index vectors hold indices local to its subgraph: read them with
// mml__op_tensor, which adds tensor_base.
typedef struct {
    uint32_t index; // global
    uint32_t subgraph;
    uint32_t tensor_base;
    int32_t builtin_code;
    int32_t version;
    const char *custom_name; // custom_code for CUSTOM ops, else NULL
    mml__fb_vec_t inputs;    // int32 tensor indices (-1: optional input absent)
    mml__fb_vec_t outputs;
    mml__fb_vec_t intermediates;
    uint8_t options_type;     // BuiltinOptions union type (0: none)
    mml__fb_table_t options;  // builtin options table (pos 0 if absent)
    mml__fb_table_t options2; // builtin_options_2 table (pos 0 if absent)
    const uint8_t *custom_options;
    uint32_t custom_options_len;
} mml__op_t;

static inline mml__fb_t mml__model_fb(const mml_model_t *m) {
    mml__fb_t fb = {m->buf, m->len};
    return fb;
}

// Checks the file and every subgraph table; fills the positions in m (subgraph 0, its vectors,
// counts over all subgraphs).
mml_status_t mml__tfl_open(mml_model_t *m, mml_error_t *err);
// Subgraph s of a model mml__tfl_open accepted.
mml_status_t mml__tfl_subgraph(const mml_model_t *m, uint32_t s, mml__subgraph_t *g);
// Reads and checks tensor index (global).
mml_status_t mml__tfl_tensor(const mml_model_t *m, uint32_t index, mml__tensor_t *t,
    mml_error_t *err);
// Reads and checks operator index (global; tensor indices in range, options readable).
mml_status_t mml__tfl_op(const mml_model_t *m, uint32_t index, mml__op_t *op, mml_error_t *err);

// Element i of a checked int32 index vector.
static inline int32_t mml__tfl_index(const mml_model_t *m, const mml__fb_vec_t *v, uint32_t i) {
    return i < v->n ? (int32_t)mml__rd_u32(m->buf + v->pos + 4 * i) : -1;
}
// Global index of tensor i of an op's index vector v (inputs, outputs...); -1 when absent.
static inline int32_t mml__op_tensor(const mml_model_t *m, const mml__op_t *op,
    const mml__fb_vec_t *v, uint32_t i) {
    int32_t t = mml__tfl_index(m, v, i);
    return t < 0 ? t : t + (int32_t)op->tensor_base;
}
// Scale i / zero point i of a tensor (i < scales.n); 0 when absent.
float mml__tensor_scale(const mml_model_t *m, const mml__tensor_t *t, uint32_t i);
int32_t mml__tensor_zero_point(const mml_model_t *m, const mml__tensor_t *t, uint32_t i);
// Name of an op for messages: builtin name or custom code.
const char *mml__op_name(const mml__op_t *op);

#endif // MICROML_CORE_TFLITE_H
