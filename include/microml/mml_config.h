// SPDX-License-Identifier: MIT
// microml feature and limit macros: every MML_ option with its default, in one place.
#ifndef MICROML_MML_CONFIG_H
#define MICROML_MML_CONFIG_H

// Highest tensor rank the engine accepts (TFLite models use at most 5 in practice).
#ifndef MML_MAX_DIMS
#define MML_MAX_DIMS (6)
#endif

// Byte alignment of every tensor, scratch buffer and persistent record in the arena.
// 4 is enough for int32 and float32 on every target; raise to 16 for SIMD kernels.
#ifndef MML_ARENA_ALIGN
#define MML_ARENA_ALIGN (4)
#endif

// Byte alignment the caller's arena must have (it holds the op table, with function pointers).
#ifndef MML_ARENA_BASE_ALIGN
#define MML_ARENA_BASE_ALIGN (8)
#endif

// Most operators in one model (op indices are stored in 16 bits).
#ifndef MML_MAX_OPS
#define MML_MAX_OPS (4096)
#endif

// Most subgraphs in one model (subgraph 0 plus the ones CALL_ONCE runs).
#ifndef MML_MAX_SUBGRAPHS
#define MML_MAX_SUBGRAPHS (16)
#endif

// Most tensors in one model.
#ifndef MML_MAX_TENSORS
#define MML_MAX_TENSORS (16384)
#endif

// Length of the detail message in mml_error_t, including the terminating NUL (room for a list
// of a few unsupported ops).
#ifndef MML_ERROR_MSG_LEN
#define MML_ERROR_MSG_LEN (128)
#endif

// Float kernels (set to 0 for integer-only builds, e.g. rv32imc without float support).
#ifndef MML_ENABLE_FLOAT
#define MML_ENABLE_FLOAT (1)
#endif

#endif // MICROML_MML_CONFIG_H
