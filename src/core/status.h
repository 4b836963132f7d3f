// SPDX-License-Identifier: MIT
// Private helpers that fill an mml_error_t. Formats: %s (string), %d (int32_t), %u (uint32_t).
#ifndef MICROML_CORE_STATUS_H
#define MICROML_CORE_STATUS_H

#include <stdarg.h>
#include "microml/mml_status.h"

// Records status and a formatted message in err (which may be NULL); returns status.
mml_status_t mml__fail(mml_error_t *err, mml_status_t status, const char *fmt, ...);
mml_status_t mml__vfail(mml_error_t *err, mml_status_t status, int32_t op_index, const char *fmt,
    va_list ap);
void mml__error_clear(mml_error_t *err);

#endif // MICROML_CORE_STATUS_H
