// SPDX-License-Identifier: MIT
// The contract between the interpreter and the kernels in src/nn/kernels/.
//
// Each op has one prepare function, registered in src/nn/ops.c. The interpreter calls it twice:
//  - PLAN (and CHECK) mode: it validates everything (dtypes, shapes, options, versions), reports
//    the persistent bytes it needs (mml__prep_persist returns NULL) and the scratch bytes it
//    wants for the duration of its eval (mml__prep_scratch), and picks its eval function;
//  - FILL mode: the same checks pass again, mml__prep_persist returns zeroed arena memory, and
//    the kernel stores there everything its eval needs: tensor locations, dims, multipliers.
// Eval trusts the prepared data: no validation, no flatbuffer access, no allocation.
// Kernels store tensor *locations* (uint32), not pointers, so the persistent data has the same
// size on every target and never points outside the arena or the model bytes.
#ifndef MICROML_NN_KERNEL_H
#define MICROML_NN_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include "core/quant.h"
#include "core/status.h"
#include "core/tflite.h"

// MML__PREPARE before the declaration of a function that runs at prepare time only (the ops'
// prepares, the helpers that take an mml_prep_t): GCC's `cold` compiles it for size, as the rest
// of the core, even in the kernel files built with -O2 for their evals.
#if defined(__GNUC__)
#define MML__PREPARE __attribute__((cold))
#else
#define MML__PREPARE
#endif

// Where a tensor's bytes are: in the arena (offset) or, with MML_LOC_MODEL set, in the model.
#define MML_LOC_MODEL (0x80000000u)

typedef struct {
    uint8_t *arena;
    const uint8_t *model;
} mml_eval_ctx_t;

static inline void *mml__ptr(const mml_eval_ctx_t *c, uint32_t loc) {
    return (loc & MML_LOC_MODEL) ? (void *)(uintptr_t)(c->model + (loc & ~MML_LOC_MODEL))
                                 : (void *)(c->arena + loc);
}

// data: the op's persistent record (mml__prep_persist's first allocation).
typedef mml_status_t (*mml__eval_fn)(const mml_eval_ctx_t *ctx, void *data);

typedef enum { MML_PREP_CHECK = 0, MML_PREP_PLAN, MML_PREP_FILL } mml__prep_mode_t;

struct mml__plan_entry;

typedef struct mml_prep {
    // Given by the interpreter.
    const mml_model_t *m;
    const mml__op_t *op;
    mml_error_t *err;
    uint8_t mode; // mml__prep_mode_t
    // Set by the kernel.
    mml__eval_fn eval;
    uint8_t inplace;        // output 0 may share input 0's memory (same bytes)
    uint8_t overlap;        // output 0 may overlap input 0 when (output start -
    int32_t overlap_max;    // input start) <= overlap_max bytes (raster-order ops)
    uint32_t scratch_bytes; // one scratch buffer live during this op's eval
    uint32_t state_bytes;   // state kept across invocations (mml__prep_state)
    uint64_t macs;          // multiply-accumulates per invocation (for reports)
    uint8_t dtype_path;     // mml_dtype_path_t asked of mml__prep_dtype_eval (for reports)
    // Interpreter bookkeeping.
    uint32_t persist_bytes;             // requested so far
    uint8_t *persist_base;              // FILL: arena
    uint32_t persist_cursor;            // FILL: next arena offset for persistent data
    uint32_t first_data;                // FILL: arena offset of the first allocation
    uint32_t scratch_loc;               // FILL: arena offset of the scratch buffer
    const struct mml__plan_entry *plan; // FILL: placement of every tensor
} mml_prep_t;

// Tensor behind input/output i of the op. Fails (with a message) if it is absent.
mml_status_t mml__prep_input(mml_prep_t *p, uint32_t i, mml__tensor_t *t);
mml_status_t mml__prep_output(mml_prep_t *p, uint32_t i, mml__tensor_t *t);
// True if the op has input i and it is not the "absent optional input" (-1).
bool mml__prep_has_input(const mml_prep_t *p, uint32_t i);
uint32_t mml__prep_n_inputs(const mml_prep_t *p);
uint32_t mml__prep_n_outputs(const mml_prep_t *p);

// Persistent memory for this op (MML_ARENA_ALIGN-aligned, zeroed); NULL outside FILL mode.
void *mml__prep_persist(mml_prep_t *p, uint32_t bytes);
// Arena offset of the persistent block returned by mml__prep_persist (for storing as a loc).
uint32_t mml__prep_persist_loc(const mml_prep_t *p, const void *block);
// Asks for one scratch buffer of bytes during eval; its location (FILL) is mml__prep_scratch_loc.
void mml__prep_scratch(mml_prep_t *p, uint32_t bytes);
uint32_t mml__prep_scratch_loc(const mml_prep_t *p);
// For an elementwise op that reads element i (in_size bytes) before writing element i (out_size
// bytes), in order: lets output 0 overlap input 0 as far as that is safe. Only for kernels whose
// input or output is a 1-byte type (or both the same type), so the compiler cannot reorder the
// accesses under strict aliasing.
void mml__prep_allow_elementwise_overlap(mml_prep_t *p, uint32_t n, uint32_t in_size,
    uint32_t out_size);
// Asks for bytes of state kept across invocations, zeroed at prepare and by mml_model_reset
// (TFLM's Reset of a stateful op); its location (FILL) is mml__prep_state_loc. It takes the op's
// planner entry, so an op with state has no scratch buffer.
void mml__prep_state(mml_prep_t *p, uint32_t bytes);
// Location of a tensor's data (FILL mode only).
uint32_t mml__prep_loc(const mml_prep_t *p, const mml__tensor_t *t);

// The resource variable behind input i (a RESOURCE tensor made by a VAR_HANDLE of the op's
// subgraph): its bytes (PLAN and FILL) and arena location (FILL). CHECK mode: only the dtype.
mml_status_t mml__prep_variable(mml_prep_t *p, uint32_t i, uint32_t *bytes, uint32_t *loc);
// Arena location of the op's own state (a CALL_ONCE flag, mml__prep_state's bytes), FILL mode.
uint32_t mml__prep_state_loc(const mml_prep_t *p);
// Runs n prepared ops from global op index first (a subgraph), in order; stops at a failure.
mml_status_t mml__run_ops(const mml_eval_ctx_t *ctx, uint32_t nodes, uint32_t first, uint32_t n);

// Fails with "op <i> <NAME>: <message>".
mml_status_t mml__prep_fail(mml_prep_t *p, mml_status_t status, const char *fmt, ...);
#if !MML_ERROR_TEXT
mml_status_t mml__prep_fail_terse(mml_prep_t *p, mml_status_t status);
#define mml__prep_fail(p, status, ...)                                                             \
    (0 ? (mml__prep_fail)(p, status, __VA_ARGS__) : mml__prep_fail_terse(p, status))
#endif
// Common checks, each failing with a clear message.
mml_status_t mml__prep_check_io(mml_prep_t *p, uint32_t min_in, uint32_t max_in, uint32_t n_out);
mml_status_t mml__prep_check_dtype(mml_prep_t *p, const mml__tensor_t *t, mml_dtype_t dtype);
mml_status_t mml__prep_check_version(mml_prep_t *p, int32_t max_version);

// Builtin options (fields of the op's *Options table; default when absent).
int32_t mml__opt_i32(const mml_prep_t *p, uint32_t field, int32_t def);
uint8_t mml__opt_u8(const mml_prep_t *p, uint32_t field, uint8_t def);
float mml__opt_f32(const mml_prep_t *p, uint32_t field, float def);
// An int32 vector option (e.g. ReshapeOptions.new_shape); returns count, 0 if absent/invalid.
uint32_t mml__opt_i32_vec(const mml_prep_t *p, uint32_t field, int32_t *out, uint32_t max);

// TFLite's Padding values.
enum { MML_PAD_SAME = 0, MML_PAD_VALID = 1 };

typedef mml_status_t (*mml__prepare_fn)(mml_prep_t *p);

// A registered kernel: builtin code (or MML_OP_CUSTOM with a custom name) and its prepare.
typedef struct {
    int32_t builtin_code;
    const char *custom_name;
    mml__prepare_fn prepare;
} mml__kernel_t;

// The op's prepare function, or NULL if this build cannot run it; *listed tells whether the op
// is in the op list (false: the engine has no kernel; true with NULL: switched off; always false
// without message text, MML_ERROR_TEXT = 0, the one place it shows).
mml__prepare_fn mml__kernel_find(const mml__op_t *op, bool *listed);

// Dtype paths: the eval functions of an op's non-int8 cases, registered in the op list
// (MML_OP_DTYPE, nn/op_list.h) so that a build for some models links only the paths they use
// (MML_DTYPE_ON, mml_config.h). tools/model_ops.py tells a path from the operator's tensors:
// S16: input 0 is int16; F32: input 0 is float32 and input 1 (if any) is not int8; HYBRID:
// input 0 is float32 and input 1 is int8 (dynamic-range weights). A kernel's prepare must pick
// its path by the same rule.
// The path values: mml_dtype_path_t (mml_model.h), and one of the engine's own: S8REF, the int8
// reference kernel of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and UNIDIRECTIONAL_SEQUENCE_LSTM
// in a build with optimized variants (MML_ARCH_OPT; the LSTM: MML_OPT_LSTM_S8), which runs the
// parameters the variant does not take (its `_suits`, kernels/nn_s8.h and lstm_s8.h: grouped
// convolution; a depth multiplier not 1 nor a multiple of the variant's lanes; weights with a
// zero point; an LSTM scratch of 2^28 bytes or more). tools/model_ops.py keeps it when an int8
// operator of the models has groups, a depth multiplier not 1 nor a multiple of 8, weights whose
// first zero point is not 0, or an LSTM whose input [d0, d1, in] and output [.., .., state] give
// d0 * d1 * (in + 5 * state + 4) >= 2^28 (every variant takes the others). A build without
// variants runs it for every int8 case, whatever the switch; mml_model_info reports NONE for it.
enum { MML_DTYPE_PATH_S8REF = MML_DTYPE_PATH_HYBRID + 1 };
typedef struct {
    int32_t builtin_code;
    uint8_t path;
    mml__eval_fn eval;
} mml__dtype_eval_t;

// The eval of that op's path in this build, or NULL.
mml__eval_fn mml__kernel_dtype_eval(int32_t builtin_code, uint8_t path);
// Sets p->eval to the op's eval for path, or fails with "op <i> <NAME>: <dtype> path not in this
// build" (MML_ERR_UNSUPPORTED).
mml_status_t mml__prep_dtype_eval(mml_prep_t *p, uint8_t path);

#endif // MICROML_NN_KERNEL_H
