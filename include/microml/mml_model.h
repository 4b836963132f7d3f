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
#include "mml_tensor.h"

// The dtype paths of the ops with more than their int8 case (FULLY_CONNECTED, CONV_2D, SOFTMAX
// ...): a build for some models links only the paths their operators take (docs/adding-an-op.md).
typedef enum {
    MML_DTYPE_PATH_NONE = 0, // int8, or an op without dtype paths
    MML_DTYPE_PATH_S16,      // int16 activations (16x8)
    MML_DTYPE_PATH_F32,      // float32
    MML_DTYPE_PATH_HYBRID    // float32 activations, int8 weights (dynamic range)
} mml_dtype_path_t;

// An operator as the model names it.
typedef struct {
    const char *name;     // "CONV_2D", or the custom code for CUSTOM ops
    int32_t builtin_code; // TFLite BuiltinOperator value (32 = CUSTOM)
    int32_t version;
    uint8_t supported; // 1 if this build has a kernel for its code (dtypes checked at plan)
    uint8_t n_inputs, n_outputs;
    uint8_t subgraph;   // the subgraph holding the op (0: the one mml_model_invoke runs)
    uint8_t hybrid;     // 1: float input 0 with constant int8 weights (input 1), a dynamic-range op
                        // whose input is quantized at run time (docs/quantization.md)
    uint8_t dtype_path; // mml_dtype_path_t its kernel takes (NONE if unsupported or invalid)
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
    uint32_t n_tensors, n_ops, n_opcodes, n_buffers, n_inputs, n_outputs; // of subgraph 0
    // Every subgraph: tensors and ops are numbered globally, subgraph 0's first, then
    // subgraph 1's... (the other subgraphs run only through CALL_ONCE).
    uint32_t subgraphs; // subgraphs vector
    uint32_t n_subgraphs;
    uint32_t n_tensors_all, n_ops_all;
    // Set by plan: bytes of arena the model needs, split into what lives across invocations
    // (op data, variable tensors: the tail) and what is planned per inference (the head).
    uint32_t arena_bytes;
    uint32_t persistent_bytes;
    uint32_t head_bytes;
    uint32_t arena_bytes_32; // arena_bytes on a 32-bit target (same layout, 4-byte pointers)
    // State kept across invocations (reset by mml_model_reset): variable tensors, resource
    // variables (VAR_HANDLE), CALL_ONCE flags, stateful custom ops' state (the signal ops').
    // Bytes as laid out in the arena.
    uint32_t n_resource_variables;
    uint32_t state_bytes;
    // Set by prepare.
    uint8_t *arena;
    uint32_t arena_len;
    uint32_t nodes;     // arena offset of the node table (one record per op)
    uint32_t io_locs;   // arena offset of the input and output tensor locations
    uint32_t variables; // arena offset and size of the state kept across invocations
    uint32_t variable_bytes;
    // Arena offset and count of the {offset, bytes, fill byte} records that mml_model_reset
    // uses to restore the resource variables and CALL_ONCE flags.
    uint32_t resets, n_resets;
    uint8_t state; // mml_model_state_t
} mml_model_t;

// Validates the whole flatbuffer (identifier, every offset, length and index of every subgraph,
// its tensors, operators, buffers and operator codes) and borrows buf. Fails with
// MML_ERR_INVALID_MODEL and a message naming the first problem. buf must be 4-byte aligned.
mml_status_t mml_model_load(mml_model_t *m, const uint8_t *buf, size_t len, mml_error_t *err);

// Bytes of transient work memory that plan and prepare need (proportional to tensor count).
size_t mml_model_work_size(const mml_model_t *m);

// Runs every op's checks, sizes persistent and scratch memory and places every tensor; sets
// m->arena_bytes. Fails with MML_ERR_UNSUPPORTED naming every op (of any subgraph) it cannot
// run: one op, its reason ("op 7 CONV_2D: dilation 2 unsupported"); several, their count, the
// first one's reason and version, then each other's index, name and version ("2 unsupported ops:
// op 3 SVDF: op not supported (v1), op 7 SPLIT_V v2", "... and N more" where the message ends);
// err->op_index is the first of them.
// work: at least mml_model_work_size() bytes, 8-byte aligned, kept unchanged until prepare.
mml_status_t mml_model_plan(mml_model_t *m, void *work, size_t work_len, mml_error_t *err);

// Lays the model out in arena (MML_ARENA_BASE_ALIGN-aligned, at least m->arena_bytes long, else
// MML_ERR_ARENA_TOO_SMALL with needed/got) and precomputes every op's data. work: the buffer
// given to plan. After this the work buffer is no longer used.
mml_status_t mml_model_prepare(mml_model_t *m, void *work, uint8_t *arena, size_t arena_len,
    mml_error_t *err);

// Runs one inference on the data in the input tensors; results in the output tensors.
mml_status_t mml_model_invoke(mml_model_t *m, mml_error_t *err);

// Restores the state prepare leaves: every variable tensor (recurrent state) to its zero point
// (TFLM's ResetVariableTensors), every resource variable to its default byte, and every CALL_ONCE
// to "not run", so the next invoke runs the init subgraphs again; and every stateful custom
// op's state (the signal ops': noise estimate, framer and delay lines) to zero, as TFLM's Reset.
mml_status_t mml_model_reset(mml_model_t *m);

// I/O tensors: index i in 0..n_inputs-1 / 0..n_outputs-1. Data pointers valid once READY.
mml_status_t mml_model_input_info(const mml_model_t *m, uint32_t i, mml_tensor_info_t *info);
mml_status_t mml_model_output_info(const mml_model_t *m, uint32_t i, mml_tensor_info_t *info);
void *mml_model_input_data(const mml_model_t *m, uint32_t i);
void *mml_model_output_data(const mml_model_t *m, uint32_t i);

// Inspection of any loaded model (also one with unsupported ops). tensor and op are global
// indices: 0..n_tensors_all-1 and 0..n_ops_all-1 (subgraph 0's first).
mml_status_t mml_model_tensor_info(const mml_model_t *m, uint32_t tensor, mml_tensor_info_t *info);
mml_status_t mml_model_op_info(const mml_model_t *m, uint32_t op, mml_op_info_t *info);
// Checks one op alone, as plan would: MML_OK, or the reason it cannot run in err. macs (may be
// NULL) receives the op's multiply-accumulates per inference (0 for ops without arithmetic).
mml_status_t mml_model_check_op(const mml_model_t *m, uint32_t op, uint64_t *macs,
    mml_error_t *err);

// Class labels the model carries (MLTK's "SL_PARAMSv1" metadata, entry "classes"): their count
// (0 if none, or if the metadata is damaged), and label i as a NUL-terminated string inside the
// model bytes with its length in *len (NULL if i is out of range).
uint32_t mml_model_label_count(const mml_model_t *m);
const char *mml_model_label(const mml_model_t *m, uint32_t i, uint32_t *len);

// Runs op of subgraph 0 alone on the current tensor contents (for per-op profiling; ops must run
// in order; a CALL_ONCE runs its whole subgraph).
mml_status_t mml_model_invoke_op(mml_model_t *m, uint32_t op, mml_error_t *err);

#endif // MICROML_MML_MODEL_H
