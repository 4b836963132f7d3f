// SPDX-License-Identifier: MIT
// Several subgraphs and resource variables at plan time: the timeline that orders the ops of
// every subgraph (a subgraph CALL_ONCE runs executes inside that op), and the resolution of
// VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE to variables held in the arena's state region.
// Semantics follow TensorFlow Lite Micro: a variable is named by (container, shared_name); its
// bytes and fill byte come from the first ASSIGN_VARIABLE in prepare order (subgraph 0 first).
// Cost: O(ops x subgraphs) for the timeline, O(VAR_HANDLEs^2) name comparisons.
#include <string.h>
#include "core/status.h"
#include "nn/planner.h"

enum { OPT_INIT_SUBGRAPH_INDEX = 0 };            // CallOnceOptions
enum { OPT_CONTAINER = 0, OPT_SHARED_NAME = 1 }; // VarHandleOptions

enum { UNSEEN = 0, ACTIVE, DONE };

// The subgraph a CALL_ONCE runs, or -1 if its option is out of range (its prepare says so).
static int32_t callee(const mml_model_t *m, const mml__op_t *op) {
    mml__fb_t fb = mml__model_fb(m);
    int32_t s = mml__fb_i32(&fb, &op->options, OPT_INIT_SUBGRAPH_INDEX, 0);
    return s > 0 && (uint32_t)s < m->n_subgraphs ? s : -1;
}

// Gives the ops of subgraph s their time steps, each called subgraph's before its CALL_ONCE.
// Recursion depth is bounded by MML_MAX_SUBGRAPHS: a subgraph is entered at most once.
static mml_status_t lay_out(mml__plan_t *plan, uint32_t s, uint8_t *seen, uint32_t *clock,
    mml_error_t *err) {
    const mml_model_t *m = plan->m;
    mml__subgraph_t g;
    mml_status_t st = mml__tfl_subgraph(m, s, &g);
    if (st != MML_OK) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "malformed model: subgraph %u", s);
    }
    seen[s] = ACTIVE;
    for (uint32_t k = 0; k < g.n_ops; k++) {
        mml__op_t op;
        if ((st = mml__tfl_op(m, g.op_base + k, &op, err)) != MML_OK) {
            return st;
        }
        int32_t c = op.builtin_code == MML_OP_CALL_ONCE ? callee(m, &op) : -1;
        if (c >= 0) {
            if (seen[c] != UNSEEN) {
                return mml__op_fail(err, MML_ERR_UNSUPPORTED, (int32_t)op.index, "CALL_ONCE",
                    "subgraph %d is %s", c,
                    seen[c] == ACTIVE ? "running already (recursion)" : "run by another op too");
            }
            if ((st = lay_out(plan, (uint32_t)c, seen, clock, err)) != MML_OK) {
                return st;
            }
        }
        plan->e[m->n_tensors_all + op.index].time = (uint16_t)(*clock)++;
    }
    seen[s] = DONE;
    return MML_OK;
}

mml_status_t mml__plan_timeline(mml__plan_t *plan, mml_error_t *err) {
    uint8_t seen[MML_MAX_SUBGRAPHS];
    uint32_t clock = 0;
    memset(seen, UNSEEN, sizeof(seen));
    const mml_model_t *m = plan->m;
    mml_status_t st = m->n_subgraphs ? lay_out(plan, 0, seen, &clock, err) : MML_OK;
    plan->steps = clock;
    // Subgraphs subgraph 0 never runs are still prepared (as TFLM does), after everything else:
    // first those no CALL_ONCE runs (with the ones they run), then any left (a cycle: refused).
    uint8_t called[MML_MAX_SUBGRAPHS];
    memset(called, 0, sizeof(called));
    for (uint32_t i = m->n_ops; st == MML_OK && i < m->n_ops_all; i++) {
        mml__op_t op;
        if (mml__tfl_op(m, i, &op, NULL) == MML_OK && op.builtin_code == MML_OP_CALL_ONCE) {
            int32_t c = callee(m, &op);
            called[c >= 0 ? c : 0] = 1;
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t s = 1; st == MML_OK && s < m->n_subgraphs; s++) {
            if (seen[s] == UNSEEN && (pass == 1 || !called[s])) {
                st = lay_out(plan, s, seen, &clock, err);
            }
        }
    }
    return st;
}

// A VAR_HANDLE's names; container is NULL when the model leaves it out.
static void names(const mml_model_t *m, const mml__op_t *op, const char **container,
    const char **shared) {
    mml__fb_t fb = mml__model_fb(m);
    uint32_t n;
    if (mml__fb_string(&fb, &op->options, OPT_CONTAINER, container, &n) != MML__FB_OK) {
        *container = NULL;
    }
    if (mml__fb_string(&fb, &op->options, OPT_SHARED_NAME, shared, &n) != MML__FB_OK) {
        *shared = "";
    }
}

// TFLM's MicroResourceVariables::FindId: same shared name, and same container unless the new
// handle has none (converters leave it out to save space).
static bool same_variable(const char *container, const char *shared, const char *c2,
    const char *s2) {
    return strcmp(shared, s2) == 0 && (!container || (c2 && strcmp(container, c2) == 0));
}

// Fails with MML_ERR_INVALID_MODEL and "op <i> <NAME>: " then fmt's message.
#define op_error(err, op, ...)                                                                     \
    mml__op_fail(err, MML_ERR_INVALID_MODEL, (int32_t)(op)->index, mml__op_name(op), __VA_ARGS__)

mml_status_t mml__plan_resources(mml__plan_t *plan, mml_error_t *err) {
    const mml_model_t *m = plan->m;
    mml__plan_entry_t *e = plan->e;
    const uint32_t base = m->n_tensors_all; // op entries
    for (uint32_t i = 0; i < m->n_ops_all; i++) {
        mml__op_t op;
        mml_status_t st = mml__tfl_op(m, i, &op, err);
        if (st != MML_OK) {
            return st;
        }
        if (op.builtin_code == MML_OP_CALL_ONCE) {
            e[base + i].kind = MML__BUF_STATE; // the "has run" flag
            e[base + i].size = 4;
            e[base + i].fill = 0;
            continue;
        }
        int32_t out = op.outputs.n == 1 ? mml__op_tensor(m, &op, &op.outputs, 0) : -1;
        if (op.builtin_code != MML_OP_VAR_HANDLE || out < 0) {
            continue; // a malformed VAR_HANDLE: its prepare says why
        }
        const char *container, *shared;
        names(m, &op, &container, &shared);
        uint32_t var = i;
        for (uint32_t j = 0; j < i; j++) {
            if (e[base + j].kind != MML__BUF_STATE || e[base + j].var == 0) {
                continue; // not a variable's first VAR_HANDLE
            }
            mml__op_t other;
            const char *c2, *s2;
            mml__tfl_op(m, j, &other, NULL);
            names(m, &other, &c2, &s2);
            if (same_variable(container, shared, c2, s2)) {
                var = j;
                break;
            }
        }
        if (var == i) {
            e[base + i].kind = MML__BUF_STATE;
            e[base + i].size = 0; // set by the first ASSIGN_VARIABLE
            e[base + i].var = 1;  // marks a variable's first VAR_HANDLE
            plan->n_resource_variables++;
        }
        e[out].var = (uint16_t)(var + 1);
    }
    // Sizes: the first ASSIGN_VARIABLE of each variable allocates it (TFLM's Allocate at its
    // prepare), later ones must write as many bytes.
    for (uint32_t i = 0; i < m->n_ops_all; i++) {
        mml__op_t op;
        mml__tfl_op(m, i, &op, NULL);
        if (op.builtin_code != MML_OP_ASSIGN_VARIABLE || op.inputs.n != 2) {
            continue;
        }
        int32_t r = mml__op_tensor(m, &op, &op.inputs, 0);
        int32_t value = mml__op_tensor(m, &op, &op.inputs, 1);
        if (r < 0 || value < 0 || e[r].var == 0) {
            continue; // its prepare says why
        }
        mml__tensor_t t;
        mml_status_t st = mml__tfl_tensor(m, (uint32_t)value, &t, err);
        if (st != MML_OK) {
            return st;
        }
        mml__plan_entry_t *v = &e[base + e[r].var - 1];
        if (v->size == 0) {
            v->size = t.bytes;
            // TFLM fills a new variable with the value tensor's zero point, cast to a byte.
            v->fill = (uint8_t)(int8_t)mml__tensor_zero_point(m, &t, 0);
        } else if (v->size != t.bytes) {
            return op_error(err, &op, "assigns %u bytes to a variable of %u bytes", t.bytes,
                v->size);
        }
    }
    return MML_OK;
}

uint32_t mml__plan_variable_of(const mml__plan_entry_t *e, const mml_model_t *m, uint32_t tensor) {
    return e[tensor].var ? m->n_tensors_all + e[tensor].var - 1u : 0;
}
