// SPDX-License-Identifier: MIT
// READ_VARIABLE: copies a resource variable (input 0, from a VAR_HANDLE) into output 0, which
// must have the variable's bytes (TFLM's MicroResourceVariables::Read).
#include <string.h>
#include "nn/ops.h"

#if MML_OP_ON(READ_VARIABLE)

typedef struct {
    uint32_t var, out; // locations
    uint32_t bytes;
} read_variable_t;

static mml_status_t eval_read_variable(const mml_eval_ctx_t *ctx, void *data) {
    const read_variable_t *d = (const read_variable_t *)data;
    memcpy(mml__ptr(ctx, d->out), mml__ptr(ctx, d->var), d->bytes);
    return MML_OK;
}

mml_status_t mml__prepare_read_variable(mml_prep_t *p) {
    mml__tensor_t out;
    uint32_t bytes, loc;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__prep_variable(p, 0, &bytes, &loc)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    if (p->mode != MML_PREP_CHECK && out.bytes != bytes) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output has %u bytes, the variable %u",
            out.bytes, bytes);
    }
    p->eval = eval_read_variable;
    read_variable_t *d = (read_variable_t *)mml__prep_persist(p, sizeof(read_variable_t));
    if (d) {
        d->var = loc;
        d->out = mml__prep_loc(p, &out);
        d->bytes = bytes;
    }
    return MML_OK;
}

#endif // MML_OP_ON(READ_VARIABLE)
