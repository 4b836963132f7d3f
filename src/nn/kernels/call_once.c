// SPDX-License-Identifier: MIT
// CALL_ONCE: runs its init subgraph on the first invoke after prepare or mml_model_reset, as
// TFLM's call_once.cc (the subgraph takes no inputs and gives no outputs). The "has run" flag is
// a state word the reset clears; the subgraph's ops are prepared with the rest and their tensors
// planned inside this op's time step (src/nn/subgraph.c).
#include "nn/ops.h"

#if MML_OP_ON(CALL_ONCE)

enum { OPT_INIT_SUBGRAPH_INDEX = 0 };

typedef struct {
    uint32_t flag;  // arena location of the state word (0: not run yet)
    uint32_t nodes; // arena location of the node table
    uint32_t first; // first global op of the subgraph
    uint32_t n_ops;
} call_once_t;

static mml_status_t eval_call_once(const mml_eval_ctx_t *ctx, void *data) {
    const call_once_t *d = (const call_once_t *)data;
    uint32_t *flag = (uint32_t *)mml__ptr(ctx, d->flag);
    if (*flag) {
        return MML_OK;
    }
    mml_status_t st = mml__run_ops(ctx, d->nodes, d->first, d->n_ops);
    if (st == MML_OK) {
        *flag = 1;
    }
    return st;
}

mml_status_t mml__prepare_call_once(mml_prep_t *p) {
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 0, 0, 0)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK) {
        return st;
    }
    int32_t s = mml__opt_i32(p, OPT_INIT_SUBGRAPH_INDEX, 0);
    if (s <= 0 || (uint32_t)s >= p->m->n_subgraphs) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "init subgraph %d of %u", s,
            p->m->n_subgraphs);
    }
    mml__subgraph_t g;
    if ((st = mml__tfl_subgraph(p->m, (uint32_t)s, &g)) != MML_OK) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "init subgraph %d unreadable", s);
    }
    if (g.n_inputs || g.n_outputs) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
            "init subgraph %d has %u inputs and %u outputs, expected none", s, g.n_inputs,
            g.n_outputs);
    }
    p->eval = eval_call_once;
    call_once_t *d = (call_once_t *)mml__prep_persist(p, sizeof(call_once_t));
    if (d) {
        d->flag = mml__prep_state_loc(p);
        d->nodes = p->m->nodes;
        d->first = g.op_base;
        d->n_ops = g.n_ops;
    }
    return MML_OK;
}

#endif // MML_OP_ON(CALL_ONCE)
