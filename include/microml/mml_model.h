// SPDX-License-Identifier: MIT
// Run a .tflite model: load (validate, borrow the bytes), plan (arena size), prepare, invoke.
//
// Life of a model, with no allocation inside the library:
//   mml_model_t m;  mml_error_t err;
//   mml_model_load(&m, bytes, len, &err);             // validates every offset; borrows bytes
//   work = <mml_model_work_size(&m) bytes, 8-aligned>;  // transient, only for plan + prepare
//   mml_model_plan(&m, work, work_len, &err);          // -> m.arena_bytes
//   arena = <m.arena_bytes bytes, MML_ARENA_BASE_ALIGN-aligned>;
//   mml_model_prepare(&m, work, arena, arena_len, &err);  // work may be freed after this
//   memcpy(mml_model_input_data(&m, 0), x, n);  mml_model_invoke(&m, &err);
// The model bytes and the arena must stay alive and unmoved while the model is used.
#ifndef MICROML_MML_MODEL_H
#define MICROML_MML_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "mml_config.h"
#include "mml_status.h"

// Element types, numbered as TFLite's TensorType so model values map one to one.
typedef enum {
    MML_FLOAT32 = 0,
    MML_FLOAT16 = 1,
    MML_INT32 = 2,
    MML_UINT8 = 3,
    MML_INT64 = 4,
    MML_STRING = 5,
    MML_BOOL = 6,
    MML_INT16 = 7,
    MML_COMPLEX64 = 8,
    MML_INT8 = 9,
    MML_FLOAT64 = 10,
    MML_COMPLEX128 = 11,
    MML_UINT64 = 12,
    MML_RESOURCE = 13,
    MML_VARIANT = 14,
    MML_UINT32 = 15,
    MML_UINT16 = 16,
    MML_INT4 = 17,
    MML_DTYPE_COUNT
} mml_dtype_t;

// Bytes per element of dtype, 0 for types without a fixed size (string, int4, resource...).
uint32_t mml_dtype_size(mml_dtype_t dtype);
// Lower-case numpy-style name ("int8", "float32"); "unknown" for out-of-range values.
const char *mml_dtype_name(mml_dtype_t dtype);

// A tensor as the caller sees it. name points into the model bytes (NUL-terminated) or "".
typedef struct {
    const char *name;
    uint32_t index; // tensor index in subgraph 0
    int32_t shape[MML_MAX_DIMS];
    uint8_t rank;
    uint8_t dtype;         // mml_dtype_t
    uint8_t is_constant;   // data lives in the model bytes
    uint8_t is_variable;   // state kept across invocations
    uint32_t bytes;        // elements * mml_dtype_size(dtype)
    uint32_t n_scales;     // 0: not quantized; 1: per tensor; >1: per channel
    float scale;           // first scale (0 if none)
    int32_t zero_point;    // first zero point
    int32_t quantized_dim; // axis of per-channel quantization
} mml_tensor_info_t;

// An operator as the model names it.
typedef struct {
    const char *name;     // "CONV_2D", or the custom code for CUSTOM ops
    int32_t builtin_code; // TFLite BuiltinOperator value (32 = CUSTOM)
    int32_t version;
    uint8_t supported; // 1 if this build has a kernel for its code (dtypes checked at plan)
    uint8_t n_inputs, n_outputs;
    uint8_t hybrid; // 1: float input 0 with constant int8 weights (input 1), a dynamic-range op
                    // whose input is quantized at run time (docs/quantization.md)
} mml_op_info_t;

typedef enum {
    MML_MODEL_EMPTY = 0,
    MML_MODEL_LOADED,
    MML_MODEL_PLANNED,
    MML_MODEL_READY
} mml_model_state_t;

// Caller-owned model handle: a fixed-size struct; everything variable lives in the arena.
// Fields are read-only for the caller.
typedef struct {
    const uint8_t *buf; // borrowed model bytes
    uint32_t len;
    // Positions (byte offsets into buf) of the flatbuffer tables and vectors used at run time.
    uint32_t subgraph;        // subgraph 0 table
    uint32_t tensors;         // tensors vector (first element)
    uint32_t operators;       // operators vector
    uint32_t opcodes;         // operator_codes vector
    uint32_t buffers;         // buffers vector
    uint32_t inputs, outputs; // subgraph input / output index vectors
    uint32_t n_tensors, n_ops, n_opcodes, n_buffers, n_inputs, n_outputs;
    // Set by plan: bytes of arena the model needs, split into what lives across invocations
    // (op data, variable tensors: the tail) and what is planned per inference (the head).
    uint32_t arena_bytes;
    uint32_t persistent_bytes;
    uint32_t head_bytes;
    uint32_t arena_bytes_32; // arena_bytes on a 32-bit target (same layout, 4-byte pointers)
    // Set by prepare.
    uint8_t *arena;
    uint32_t arena_len;
    uint32_t nodes;     // arena offset of the node table (one record per op)
    uint32_t io_locs;   // arena offset of the input and output tensor locations
    uint32_t variables; // arena offset and size of the variable tensors (recurrent state)
    uint32_t variable_bytes;
    uint8_t state; // mml_model_state_t
} mml_model_t;

// Validates the whole flatbuffer (identifier, every offset, length and index of subgraph 0,
// its tensors, operators, buffers and operator codes) and borrows buf. Fails with
// MML_ERR_INVALID_MODEL and a message naming the first problem. buf must be 4-byte aligned.
mml_status_t mml_model_load(mml_model_t *m, const uint8_t *buf, size_t len, mml_error_t *err);

// Bytes of transient work memory that plan and prepare need (proportional to tensor count).
size_t mml_model_work_size(const mml_model_t *m);

// Runs every op's checks, sizes persistent and scratch memory and places every tensor; sets
// m->arena_bytes. Fails with MML_ERR_UNSUPPORTED naming the first op it cannot run.
// work: at least mml_model_work_size() bytes, 8-byte aligned, kept unchanged until prepare.
mml_status_t mml_model_plan(mml_model_t *m, void *work, size_t work_len, mml_error_t *err);

// Lays the model out in arena (MML_ARENA_BASE_ALIGN-aligned, at least m->arena_bytes long, else
// MML_ERR_ARENA_TOO_SMALL with needed/got) and precomputes every op's data. work: the buffer
// given to plan. After this the work buffer is no longer used.
mml_status_t mml_model_prepare(mml_model_t *m, void *work, uint8_t *arena, size_t arena_len,
    mml_error_t *err);

// Runs one inference on the data in the input tensors; results in the output tensors.
mml_status_t mml_model_invoke(mml_model_t *m, mml_error_t *err);

// Resets every variable tensor (recurrent state) to its zero point, as prepare does (TFLM's
// ResetVariableTensors).
mml_status_t mml_model_reset(mml_model_t *m);

// I/O tensors: index i in 0..n_inputs-1 / 0..n_outputs-1. Data pointers valid once READY.
mml_status_t mml_model_input_info(const mml_model_t *m, uint32_t i, mml_tensor_info_t *info);
mml_status_t mml_model_output_info(const mml_model_t *m, uint32_t i, mml_tensor_info_t *info);
void *mml_model_input_data(const mml_model_t *m, uint32_t i);
void *mml_model_output_data(const mml_model_t *m, uint32_t i);

// Inspection of any loaded model (also one with unsupported ops).
mml_status_t mml_model_tensor_info(const mml_model_t *m, uint32_t tensor, mml_tensor_info_t *info);
mml_status_t mml_model_op_info(const mml_model_t *m, uint32_t op, mml_op_info_t *info);
// Checks one op alone, as plan would: MML_OK, or the reason it cannot run in err. macs (may be
// NULL) receives the op's multiply-accumulates per inference (0 for ops without arithmetic).
mml_status_t mml_model_check_op(const mml_model_t *m, uint32_t op, uint64_t *macs,
    mml_error_t *err);

// Runs op alone on the current tensor contents (for per-op profiling; ops must run in order).
mml_status_t mml_model_invoke_op(mml_model_t *m, uint32_t op, mml_error_t *err);

// Element access in a tensor's own dtype with float values, for bindings and tools: set
// quantizes with info's scale/zero point (round half away from zero, clamp to the dtype range),
// as TFLite's QUANTIZE does; get dequantizes. Tensors without a scale store/load the value as is
// (float32 directly; integer dtypes rounded and clamped). i: element index, bounds are the
// caller's.
void mml_tensor_set_float(const mml_tensor_info_t *info, void *data, uint32_t i, float x);
float mml_tensor_get_float(const mml_tensor_info_t *info, const void *data, uint32_t i);

#endif // MICROML_MML_MODEL_H
