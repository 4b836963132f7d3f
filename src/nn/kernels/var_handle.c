// SPDX-License-Identifier: MIT
// VAR_HANDLE: names a resource variable (container, shared_name). The planner resolves every
// handle to its variable's place in the arena's state region (src/nn/subgraph.c), so the
// RESOURCE output holds no data and eval has nothing to do.
#include "nn/ops.h"

#if MML_OP_ON(VAR_HANDLE)

static mml_status_t eval_var_handle(const mml_eval_ctx_t *ctx, void *data) {
    (void)ctx;
    (void)data;
    return MML_OK;
}

mml_status_t mml__prepare_var_handle(mml_prep_t *p) {
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 0, 0, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK) {
        return st;
    }
    mml__tensor_t out;
    int32_t index = mml__op_tensor(p->m, p->op, &p->op->outputs, 0);
    if ((st = mml__tfl_tensor(p->m, (uint32_t)index, &out, p->err)) != MML_OK) {
        return st;
    }
    if (out.dtype != MML_RESOURCE || out.elems != 1) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "output is %s, expected one resource",
            mml_dtype_name((mml_dtype_t)out.dtype));
    }
    p->eval = eval_var_handle;
    return MML_OK;
}

#endif // MML_OP_ON(VAR_HANDLE)
