// SPDX-License-Identifier: MIT
// The TFLite schema on top of the checked FlatBuffers reader: tensors and operators of subgraph 0,
// read zero-copy from the model bytes. Field numbers follow TFLite's schema.fbs (version 3).
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

// An operator of subgraph 0.
typedef struct {
    uint32_t index;
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

// Checks the file and fills the positions in m (subgraph 0, its vectors, counts).
mml_status_t mml__tfl_open(mml_model_t *m, mml_error_t *err);
// Reads and checks tensor index of subgraph 0.
mml_status_t mml__tfl_tensor(const mml_model_t *m, uint32_t index, mml__tensor_t *t,
    mml_error_t *err);
// Reads and checks operator index of subgraph 0 (tensor indices in range, options readable).
mml_status_t mml__tfl_op(const mml_model_t *m, uint32_t index, mml__op_t *op, mml_error_t *err);

// Element i of a checked int32 index vector.
static inline int32_t mml__tfl_index(const mml_model_t *m, const mml__fb_vec_t *v, uint32_t i) {
    return i < v->n ? (int32_t)mml__rd_u32(m->buf + v->pos + 4 * i) : -1;
}
// Scale i / zero point i of a tensor (i < scales.n); 0 when absent.
float mml__tensor_scale(const mml_model_t *m, const mml__tensor_t *t, uint32_t i);
int32_t mml__tensor_zero_point(const mml_model_t *m, const mml__tensor_t *t, uint32_t i);
// Name of an op for messages: builtin name or custom code.
const char *mml__op_name(const mml__op_t *op);

#endif // MICROML_CORE_TFLITE_H
