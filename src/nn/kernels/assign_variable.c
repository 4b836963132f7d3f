// SPDX-License-Identifier: MIT
// ASSIGN_VARIABLE: copies input 1 into a resource variable (input 0, from a VAR_HANDLE). The
// variable's bytes are those of its first ASSIGN_VARIABLE (src/nn/subgraph.c checks the others).
#include <string.h>
#include "nn/ops.h"

#if MML_OP_ON(ASSIGN_VARIABLE)

typedef struct {
    uint32_t var, in; // locations
    uint32_t bytes;
} assign_variable_t;

static mml_status_t eval_assign_variable(const mml_eval_ctx_t *ctx, void *data) {
    const assign_variable_t *d = (const assign_variable_t *)data;
    memcpy(mml__ptr(ctx, d->var), mml__ptr(ctx, d->in), d->bytes);
    return MML_OK;
}

mml_status_t mml__prepare_assign_variable(mml_prep_t *p) {
    mml__tensor_t in;
    uint32_t bytes, loc;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 0)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__prep_variable(p, 0, &bytes, &loc)) != MML_OK ||
        (st = mml__prep_input(p, 1, &in)) != MML_OK) {
        return st;
    }
    if (p->mode != MML_PREP_CHECK && in.bytes != bytes) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "value has %u bytes, the variable %u",
            in.bytes, bytes);
    }
    p->eval = eval_assign_variable;
    assign_variable_t *d = (assign_variable_t *)mml__prep_persist(p, sizeof(assign_variable_t));
    if (d) {
        d->var = loc;
        d->in = mml__prep_loc(p, &in);
        d->bytes = bytes;
    }
    return MML_OK;
}

#endif // MML_OP_ON(ASSIGN_VARIABLE)
