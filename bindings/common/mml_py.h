// SPDX-License-Identifier: MIT
// The microml Python API written once, for every binding (MicroPython firmware and .mpy,
// CPython): argument checks, input and output conversion, the model life cycle, and every error
// message with its exception kind. A binding turns its objects into the descriptions below,
// allocates, and maps an mml_py_err_t to its exception types in one function. Nothing here
// allocates, raises or uses a C library beyond memcpy/memset/strlen (the .mpy has no libc).
#ifndef MICROML_BINDINGS_MML_PY_H
#define MICROML_BINDINGS_MML_PY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "microml/microml.h"
#include "microml/mml_classic.h"

// The Python exception a failure becomes (each binding maps these to its own types).
typedef enum {
    MML_PY_EXC_NONE = 0,
    MML_PY_EXC_VALUE,           // ValueError: bad value, size, model bytes, buffer kind
    MML_PY_EXC_TYPE,            // TypeError: an array whose element type cannot be used here
    MML_PY_EXC_MEMORY,          // MemoryError: arena too small ("arena needs N bytes, got M")
    MML_PY_EXC_NOT_IMPLEMENTED, // NotImplementedError: valid model, unsupported op or dtype
    MML_PY_EXC_RUNTIME,         // RuntimeError: a binding bug (e.g. work buffer too small)
} mml_py_exc_t;

#define MML_PY_MSG_LEN (160)

// A failure: the exception kind and its one-line message.
typedef struct {
    mml_py_exc_t kind;
    char msg[MML_PY_MSG_LEN];
} mml_py_err_t;

// Every message the API raises, with its exception kind: the text of each lives in one table in
// mml_py.c (the core's own messages are passed through by MML_PY_MSG_UNSUPPORTED / _INVALID).
typedef enum {
    MML_PY_MSG_ARENA_TOO_SMALL,    // needed, got
    MML_PY_MSG_UNSUPPORTED,        // the core's message
    MML_PY_MSG_INVALID,            // the core's message
    MML_PY_MSG_INTERNAL,           // status, the core's message
    MML_PY_MSG_MODEL_NOT_BUFFER,   // (no args)
    MML_PY_MSG_MODEL_UNALIGNED,    //
    MML_PY_MSG_MODEL_TOO_BIG,      //
    MML_PY_MSG_ARENA_NOT_WRITABLE, //
    MML_PY_MSG_ARENA_UNALIGNED,    // align
    MML_PY_MSG_MODEL_MOVED,        //
    MML_PY_MSG_ARENA_MOVED,        //
    MML_PY_MSG_INPUTS_NOT_SEQ,     // n
    MML_PY_MSG_INPUTS_COUNT,       // n, got
    MML_PY_MSG_INPUT_KIND,         // i
    MML_PY_MSG_INPUT_BYTES,        // i, needed, got
    MML_PY_MSG_INPUT_VALUES,       // i, needed, got
    MML_PY_MSG_INPUT_ITEM,         // i, item
    MML_PY_MSG_INPUT_TYPECODE,     // i, typecode
    MML_PY_MSG_INPUT_DTYPE,        // i, tensor dtype, array dtype, tensor dtype
    MML_PY_MSG_OUT_NOT_SEQ,        // n
    MML_PY_MSG_OUT_COUNT,          // n, got
    MML_PY_MSG_OUT_NOT_WRITABLE,   // i
    MML_PY_MSG_OUTPUT_BYTES,       // i, needed, got
    MML_PY_MSG_BATCH_MISMATCH,     // i, n, first
    MML_PY_MSG_ONE_AT_A_TIME,      // what
    MML_PY_MSG_OUTPUT_INDEX,       // i, n
    MML_PY_MSG_TOPK_K,             // k, n
    MML_PY_MSG_TOPK_OUT,           // k
    MML_PY_MSG_LOAD_STR,           //
    MML_PY_MSG_LOAD_UNKNOWN,       // what it looks like
    // classic (scikit-learn) models
    MML_PY_MSG_CLASSIC_OFF,             //
    MML_PY_MSG_CLASSIC_NO_METHOD,       // kind, method
    MML_PY_MSG_CLASSIC_N_ZERO,          //
    MML_PY_MSG_CLASSIC_N_FLAT,          // features
    MML_PY_MSG_CLASSIC_X_BYTES,         // bytes
    MML_PY_MSG_CLASSIC_X_TYPECODE,      // typecode
    MML_PY_MSG_CLASSIC_X_COLUMNS,       // got, features
    MML_PY_MSG_CLASSIC_X_RANK,          //
    MML_PY_MSG_CLASSIC_X_KIND,          //
    MML_PY_MSG_CLASSIC_X_BATCH,         // values, n, features
    MML_PY_MSG_CLASSIC_X_FEATURES,      // got, features
    MML_PY_MSG_CLASSIC_X_ITEM,          // item
    MML_PY_MSG_CLASSIC_OUT_NOT_WRITABLE, //
    MML_PY_MSG_CLASSIC_OUT_TYPECODE,    // typecode wanted, got
    MML_PY_MSG_CLASSIC_OUT_BYTES,       // needed, got
    MML_PY_MSG_COUNT
} mml_py_msg_t;

// The one message formatter, under mml_py_fail and every area's own message table: appends fmt
// to e->msg at *pos (advanced; truncated to fit, always terminated) with %u (uint32_t), %d
// (int32_t), %s (string) and %c (char; a NUL char adds nothing) arguments.
void mml_py_vputf(mml_py_err_t *e, size_t *pos, const char *fmt, va_list ap);
void mml_py_putf(mml_py_err_t *e, size_t *pos, const char *fmt, ...);

// Fills e with kind and the message fmt (as mml_py_putf) and returns false.
bool mml_py_failv(mml_py_err_t *e, mml_py_exc_t kind, const char *fmt, va_list ap);
bool mml_py_failf(mml_py_err_t *e, mml_py_exc_t kind, const char *fmt, ...);

// An area's message table: entry id (its own enum, designated initializers) is the exception
// kind (an mml_py_exc_t) and the format. mml_py_fail_in fills e with table[id] and its arguments
// (as mml_py_failf) and returns false.
typedef struct {
    uint8_t kind;
    const char *fmt;
} mml_py_msg_def_t;
bool mml_py_fail_in(mml_py_err_t *e, const mml_py_msg_def_t *table, int id, ...);

// Fills e with message id (printf-like arguments: %u uint32_t, %d int32_t, %s string, %c char)
// and returns false, so that checks read `return mml_py_fail(e, ...)`.
bool mml_py_fail(mml_py_err_t *e, mml_py_msg_t id, ...);

// Fills e from a core status and its error record; returns status == MML_OK.
bool mml_py_status(mml_py_err_t *e, mml_status_t status, const mml_error_t *err);

// ---------------------------------------------------------------------------------------------
// Model families: microml.load() looks at the bytes and picks one.

typedef enum {
    MML_PY_FAMILY_NONE = -1,
    MML_PY_FAMILY_TFLITE = 0,  // microml.Model
    MML_PY_FAMILY_CLASSIC = 1, // microml.ClassicModel (scikit-learn models, "MMLC")
} mml_py_family_t;

// The family of buf (is_str: the Python value was a str, buf its UTF-8 text). Fails with a
// ValueError naming what the bytes look like (a path, a zip, too short...).
bool mml_py_family(const uint8_t *buf, size_t len, bool is_str, mml_py_family_t *family,
    mml_py_err_t *e);

// ---------------------------------------------------------------------------------------------
// A .tflite model behind a Python Model object. The binding owns the memory of this struct, of
// io (n_io() infos), of the work buffer and of its own arena; the model bytes and a caller's
// arena are borrowed and re-checked by mml_py_model_check() on every call.

typedef struct {
    mml_model_t model;
    const uint8_t *buf; // the model bytes as loaded
    size_t len;
    uint8_t *arena; // the arena as prepared
    size_t arena_len;
    mml_tensor_info_t *io; // n_inputs input infos, then n_outputs output infos
} mml_py_model_t;

// Checks the model buffer (alignment, size) and loads it. buf: the bytes of a buffer object.
bool mml_py_model_load(mml_py_model_t *pm, const uint8_t *buf, size_t len, mml_py_err_t *e);
// Infos to allocate for pm->io (inputs + outputs, at least 1).
uint32_t mml_py_model_n_io(const mml_py_model_t *pm);
// Fills pm->io (allocated by the binding with mml_py_model_n_io() entries).
bool mml_py_model_infos(mml_py_model_t *pm, mml_py_err_t *e);
// Bytes of transient work memory for plan (8-byte aligned, at least 1).
size_t mml_py_model_work_size(const mml_py_model_t *pm);
bool mml_py_model_plan(mml_py_model_t *pm, void *work, size_t work_len, mml_py_err_t *e);
// Bytes to allocate for an arena of our own: arena_bytes plus room to align it.
size_t mml_py_arena_alloc_size(const mml_py_model_t *pm);
// The MML_ARENA_BASE_ALIGN-aligned start inside an allocation of mml_py_arena_alloc_size().
uint8_t *mml_py_arena_align(void *alloc);
// Checks a caller's arena (writable is the binding's finding) and prepares the model in it.
bool mml_py_model_prepare(mml_py_model_t *pm, void *work, uint8_t *arena, size_t arena_len,
    bool writable, mml_py_err_t *e);
// Safe borrowing: the buffers as the buffer protocol gives them now must be the ones loaded
// (a bytearray resized after Model() has moved: its old memory is freed). arena may be NULL
// when the binding owns the arena.
bool mml_py_model_check(const mml_py_model_t *pm, const uint8_t *buf, size_t len,
    const uint8_t *arena, size_t arena_len, mml_py_err_t *e);

// repr(Model): "<microml.Model int8[1,1] -> int8[1,1], 3 ops, arena 1184 bytes>".
void mml_py_model_repr(const mml_py_model_t *pm, char *out, size_t out_len);

// Class labels the model carries (MLTK's "SL_PARAMSv1" metadata "classes"): the count, or 0.
uint32_t mml_py_model_n_labels(const mml_py_model_t *pm);
// Label i (0 <= i < n_labels), NUL-terminated, pointing into the model bytes; n its length.
const char *mml_py_model_label(const mml_py_model_t *pm, uint32_t i, uint32_t *n);

// ---------------------------------------------------------------------------------------------
// A Python value given as an input, described by the binding.

typedef enum {
    MML_PY_VAL_RAW,   // bytes, bytearray, memoryview of bytes: raw bytes of the tensor's dtype
    MML_PY_VAL_TYPED, // array.array, numpy array, typed memoryview: elements of dtype
    MML_PY_VAL_SEQ,   // list or tuple of numbers, read through get()
    MML_PY_VAL_OTHER, // anything else (refused)
} mml_py_val_kind_t;

typedef struct {
    uint8_t kind;       // mml_py_val_kind_t
    uint8_t dtype;      // TYPED: mml_dtype_t of the elements, MML_DTYPE_COUNT if unknown
    char typecode;      // TYPED: the struct-module typecode (for messages)
    uint8_t ndim;       // TYPED: dimensions of shape (1 for flat buffers)
    const uint8_t *data; // RAW, TYPED: the bytes
    size_t len;         // RAW, TYPED: bytes; SEQ: number of items
    size_t shape[MML_MAX_DIMS + 1]; // TYPED: shape (ndim entries)
    // SEQ: item k as a float; false if it is not a number.
    bool (*get)(void *ctx, size_t k, float *v);
    void *ctx;
} mml_py_value_t;

// dtype of a buffer's struct-module typecode and item size ('b' int8, 'f' float32, 'q' int64,
// 'l' by its size...); MML_DTYPE_COUNT if the typecode has no microml dtype.
uint8_t mml_py_typecode_dtype(char typecode, size_t itemsize);
// The typecode of array.array for a dtype, 0 if none ('B' for uint8 and bool).
char mml_py_dtype_typecode(uint8_t dtype);

// Checks value v for input i and finds its batch size: 1, or N for a typed value of shape
// (N, *shape[1:]) when the tensor's leading dimension is 1, or (N, *shape).
bool mml_py_input_check(const mml_py_model_t *pm, uint32_t i, const mml_py_value_t *v,
    uint32_t *batch, mml_py_err_t *e);
// Writes item k of the checked value v into input tensor i (quantizing values as needed).
bool mml_py_input_set(mml_py_model_t *pm, uint32_t i, const mml_py_value_t *v, uint32_t k,
    mml_py_err_t *e);
// Batch sizes of several inputs must agree: checks batch against the first one's.
bool mml_py_batch_agree(uint32_t i, uint32_t batch, uint32_t first, mml_py_err_t *e);

bool mml_py_invoke(mml_py_model_t *pm, mml_py_err_t *e);

// ---------------------------------------------------------------------------------------------
// Outputs

// How an output is returned: its raw elements, or dequantized to float32.
typedef enum { MML_PY_OUT_RAW = 0, MML_PY_OUT_FLOAT = 1 } mml_py_out_mode_t;

const mml_tensor_info_t *mml_py_output_info(const mml_py_model_t *pm, uint32_t i);
uint32_t mml_py_output_count(const mml_py_model_t *pm, uint32_t i); // elements
// Bytes of one result of output i in mode (elements * 4 for MML_PY_OUT_FLOAT).
size_t mml_py_output_bytes(const mml_py_model_t *pm, uint32_t i, mml_py_out_mode_t mode);
// The typecode of a result of output i in mode.
char mml_py_output_typecode(const mml_py_model_t *pm, uint32_t i, mml_py_out_mode_t mode);
// Checks a caller's out buffer for output i: writable, exactly batch results long.
bool mml_py_out_check(const mml_py_model_t *pm, uint32_t i, mml_py_out_mode_t mode,
    uint32_t batch, bool writable, size_t len, mml_py_err_t *e);
// Copies output i's current result into dst (mml_py_output_bytes() bytes, any alignment).
void mml_py_output_copy(const mml_py_model_t *pm, uint32_t i, mml_py_out_mode_t mode, uint8_t *dst);
// Checks the output index of argmax / top_k.
bool mml_py_output_index(const mml_py_model_t *pm, int32_t i, mml_py_err_t *e);
// Index of the largest element of output i (the first one on ties).
uint32_t mml_py_argmax(const mml_py_model_t *pm, uint32_t i);
// Checks k for top_k on output i (1 <= k <= elements).
bool mml_py_top_k_check(const mml_py_model_t *pm, uint32_t i, int32_t k, mml_py_err_t *e);
// The k largest elements of output i, largest first (lower index first on ties): their indices
// and dequantized scores. idx and score hold k items each (any alignment).
void mml_py_top_k(const mml_py_model_t *pm, uint32_t i, uint32_t k, uint8_t *idx, uint8_t *score);
// Checks top_k's out=: two writable buffers of k int32 ('i') and k float32 ('f') items.
bool mml_py_top_k_out_check(uint32_t k, bool writable, char idx_tc, size_t idx_len,
    char score_tc, size_t score_len, mml_py_err_t *e);
// A message for argmax / top_k given a batch (they run one inference).
bool mml_py_one_at_a_time(const char *what, mml_py_err_t *e);

// ---------------------------------------------------------------------------------------------
// A classical model (include/microml/mml_classic.h) behind a Python ClassicModel object. The
// binding owns this struct and one work buffer of mml_py_classic_work_floats() floats (the
// sample being converted, then the core's scratch), allocated once so that predict(out=) does
// not allocate; the blob is borrowed and re-checked by mml_py_classic_check() on every call.

#if MML_ENABLE_CLASSIC
typedef struct {
    mml_classic_t m;
    const uint8_t *buf;
    size_t len;
} mml_py_classic_t;

// Checks the buffer (alignment, size) and loads the blob.
bool mml_py_classic_load(mml_py_classic_t *pc, const uint8_t *buf, size_t len, mml_py_err_t *e);
bool mml_py_classic_check(const mml_py_classic_t *pc, const uint8_t *buf, size_t len,
    mml_py_err_t *e);
// Floats of work memory (8-byte aligned allocation) the binding keeps with the model.
size_t mml_py_classic_work_floats(const mml_py_classic_t *pc);
// "trees classifier", "scaler+linear regressor", "pca transformer": m.kind.
void mml_py_classic_kind(const mml_py_classic_t *pc, char *out, size_t out_len);
void mml_py_classic_repr(const mml_py_classic_t *pc, char *out, size_t out_len);

// Checks that the model has method `what` (named `name` in messages).
bool mml_py_classic_has(const mml_py_classic_t *pc, mml_classic_what_t what, const char *name,
    mml_py_err_t *e);
// Values per sample of a result of `what` (predict of a classifier: 1 class label).
uint32_t mml_py_classic_width(const mml_py_classic_t *pc, mml_classic_what_t what);
// Typecode of a result of `what`: 'i' (int32 class labels) or 'f'.
char mml_py_classic_typecode(const mml_py_classic_t *pc, mml_classic_what_t what);
// Checks x: one sample of n_features values, or a batch: a typed value of shape (N, n_features),
// or a flat typed value of n * n_features values when n >= 1 is given (n < 0: not given).
// *batch gets N; *is_batch whether the result is a batch (2-D value or n given).
bool mml_py_classic_input(const mml_py_classic_t *pc, const mml_py_value_t *v, int32_t n,
    uint32_t *batch, bool *is_batch, mml_py_err_t *e);
// Checks a caller's out buffer: writable, typecode, exactly batch results.
bool mml_py_classic_out_check(const mml_py_classic_t *pc, mml_classic_what_t what,
    uint32_t batch, bool writable, char typecode, size_t len, mml_py_err_t *e);
// Runs sample k of the checked value v and writes its result (width values of typecode) at dst
// (any alignment). work: mml_py_classic_work_floats() floats.
// The per-sample fast path of predict / predict_proba / ... (x, out): one float32 sample (x_tc
// 'f', x_len = 4 * n_features bytes, 4-byte aligned, read in place) into out (4-byte aligned, its
// typecode out_tc and length as the method's out= wants them). Returns false, having done
// nothing, when the call is anything else: the general path (mml_py_classic_has, _input,
// _out_check, _run) then runs and names what is wrong.
bool mml_py_classic_call_fast(const mml_py_classic_t *pc, mml_classic_what_t what,
    const void *x, size_t x_len, char x_tc, void *out, size_t out_len, char out_tc, float *work);
bool mml_py_classic_run(const mml_py_classic_t *pc, mml_classic_what_t what,
    const mml_py_value_t *v, uint32_t k, float *work, uint8_t *dst, mml_py_err_t *e);
#endif // MML_ENABLE_CLASSIC

#endif // MICROML_BINDINGS_MML_PY_H
