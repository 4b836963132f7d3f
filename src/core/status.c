// SPDX-License-Identifier: MIT
// Status names and the one-line error messages the core hands to its callers.
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include "core/status.h"

static const char *const status_names[] = {
    [0] = "ok",
    [-MML_ERR_INVALID_MODEL] = "invalid model",
    [-MML_ERR_UNSUPPORTED] = "unsupported",
    [-MML_ERR_ARENA_TOO_SMALL] = "arena too small",
    [-MML_ERR_INVALID_ARG] = "invalid argument",
    [-MML_ERR_WORK_TOO_SMALL] = "work buffer too small",
};

const char *mml_status_str(mml_status_t status) {
    int i = -(int)status;
    if (i < 0 || i >= (int)(sizeof(status_names) / sizeof(status_names[0])) || !status_names[i]) {
        return "unknown status";
    }
    return status_names[i];
}

#if MML_ERROR_TEXT
// Appends s to err->msg at *pos, truncating silently at the buffer end.
static void put_str(mml_error_t *err, uint32_t *pos, const char *s) {
    while (*s && *pos + 1 < MML_ERROR_MSG_LEN) {
        err->msg[(*pos)++] = *s++;
    }
}

// Appends the decimal digits of u, after a '-' if negative (32-bit division only).
static void put_num(mml_error_t *err, uint32_t *pos, uint32_t u, bool negative) {
    char out[12];
    int n = (int)sizeof(out) - 1;
    out[n] = 0;
    do {
        out[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (negative) {
        out[--n] = '-';
    }
    put_str(err, pos, out + n);
}

mml_status_t mml__vfail(mml_error_t *err, mml_status_t status, int32_t op_index,
    const char *op_name, const char *fmt, va_list ap) {
    if (!err) {
        return status;
    }
    err->status = status;
    err->op_index = op_index;
    uint32_t pos = 0;
    if (op_name) {
        put_str(err, &pos, "op ");
        put_num(err, &pos, (uint32_t)op_index, false);
        put_str(err, &pos, " ");
        put_str(err, &pos, op_name);
        put_str(err, &pos, ": ");
    }
    for (const char *f = fmt; *f; f++) {
        if (*f != '%' || !f[1]) {
            if (pos + 1 < MML_ERROR_MSG_LEN) {
                err->msg[pos++] = *f;
            }
            continue;
        }
        f++;
        switch (*f) {
            case 's':
                put_str(err, &pos, va_arg(ap, const char *));
                break;
            case 'd': {
                int32_t v = va_arg(ap, int32_t);
                put_num(err, &pos, v < 0 ? 0u - (uint32_t)v : (uint32_t)v, v < 0);
                break;
            }
            case 'u':
                put_num(err, &pos, va_arg(ap, uint32_t), false);
                break;
            default:
                put_str(err, &pos, "%");
                break;
        }
    }
    err->msg[pos] = 0;
    return status;
}

mml_status_t mml__fail(mml_error_t *err, mml_status_t status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    mml__vfail(err, status, -1, NULL, fmt, ap);
    va_end(ap);
    return status;
}

mml_status_t mml__op_fail(mml_error_t *err, mml_status_t status, int32_t op_index,
    const char *op_name, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    mml__vfail(err, status, op_index, op_name, fmt, ap);
    va_end(ap);
    return status;
}

#else
mml_status_t mml__fail_terse(mml_error_t *err, mml_status_t status, int32_t op_index) {
    if (err) {
        err->status = status;
        err->op_index = op_index;
        err->msg[0] = 0;
    }
    return status;
}
#endif

void mml__error_clear(mml_error_t *err) {
    if (err) {
        memset(err, 0, sizeof(*err));
        err->op_index = -1;
    }
}
