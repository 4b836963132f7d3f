// SPDX-License-Identifier: MIT
// Status codes and the error record every fallible microml call fills in.
#ifndef MICROML_MML_STATUS_H
#define MICROML_MML_STATUS_H

#include <stdint.h>
#include "mml_config.h"

typedef enum {
    MML_OK = 0,
    MML_ERR_INVALID_MODEL = -1,   // malformed or inconsistent model bytes
    MML_ERR_UNSUPPORTED = -2,     // valid model, but an op/dtype/version/feature we do not run
    MML_ERR_ARENA_TOO_SMALL = -3, // caller's arena smaller than needed (see needed/got)
    MML_ERR_INVALID_ARG = -4,     // caller passed a wrong size, dtype, index or state
    MML_ERR_WORK_TOO_SMALL = -5,  // planning work buffer smaller than mml_model_work_size()
} mml_status_t;

// What went wrong, for a human: filled by the call that failed, left alone on success.
typedef struct {
    mml_status_t status;
    int32_t op_index;            // operator that failed, or -1
    uint32_t needed;             // MML_ERR_ARENA_TOO_SMALL / WORK_TOO_SMALL: bytes needed
    uint32_t got;                // ... and bytes given
    char msg[MML_ERROR_MSG_LEN]; // one line, NUL-terminated, e.g. "op 7 CONV_2D: dilation 2
                                 // unsupported"; empty if built with MML_ERROR_TEXT = 0
} mml_error_t;

// Short constant name of a status ("invalid model", ...); never NULL.
const char *mml_status_str(mml_status_t status);

#endif // MICROML_MML_STATUS_H
