// SPDX-License-Identifier: MIT
// Private helpers that fill an mml_error_t. Formats: %s (string), %d (int32_t), %u (uint32_t).
#ifndef MICROML_CORE_STATUS_H
#define MICROML_CORE_STATUS_H

#include <stdarg.h>
#include "microml/mml_status.h"

// Records status and a formatted message in err (which may be NULL); returns status.
mml_status_t mml__fail(mml_error_t *err, mml_status_t status, const char *fmt, ...);
// The same for op op_index: err->op_index is set and the message starts "op <op_index>
// <op_name>: ".
mml_status_t mml__op_fail(mml_error_t *err, mml_status_t status, int32_t op_index,
    const char *op_name, const char *fmt, ...);
// Both with a va_list (op_name NULL: no prefix).
mml_status_t mml__vfail(mml_error_t *err, mml_status_t status, int32_t op_index,
    const char *op_name, const char *fmt, va_list ap);

// Without message text (MML_ERROR_TEXT = 0): the format and its arguments sit in a branch that
// is never taken, so the compiler still checks them but emits neither; err keeps the status and
// the op index. MML__TEXT("input"): a message fragment a helper passes on ("" without text).
#if !MML_ERROR_TEXT
mml_status_t mml__fail_terse(mml_error_t *err, mml_status_t status, int32_t op_index);
#define mml__fail(err, status, ...)                                                                \
    (0 ? (mml__fail)(err, status, __VA_ARGS__) : mml__fail_terse(err, status, -1))
#define mml__op_fail(err, status, op_index, ...)                                                   \
    (0 ? (mml__op_fail)(err, status, op_index, __VA_ARGS__)                                        \
       : mml__fail_terse(err, status, op_index))
#define MML__TEXT(s) ""
#else
#define MML__TEXT(s) s
#endif
void mml__error_clear(mml_error_t *err);

#endif // MICROML_CORE_STATUS_H
