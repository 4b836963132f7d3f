// SPDX-License-Identifier: MIT
// Memory planner (see planner.h). O(n^2) in the number of buffers, no allocation: all state is
// in the caller's work buffer, one mml__plan_entry_t per tensor and per op.
#include <string.h>
#include "core/status.h"
#include "nn/planner.h"

#define NONE (0xffffu)

static uint32_t align_up(uint32_t n, uint32_t a) {
    return (n + a - 1) & ~(a - 1);
}

size_t mml__plan_work_size(uint32_t n_tensors, uint32_t n_ops) {
    return (size_t)(n_tensors + n_ops) * sizeof(mml__plan_entry_t);
}

static void use(mml__plan_entry_t *e, uint32_t op) {
    if (e->first == NONE || op < e->first) {
        e->first = (uint16_t)op;
    }
    if (op > e->last) {
        e->last = (uint16_t)op;
    }
}

mml_status_t mml__plan_begin(mml__plan_t *plan, const mml_model_t *m, void *work,
    mml_error_t *err) {
    plan->m = m;
    plan->e = (mml__plan_entry_t *)work;
    plan->n = m->n_tensors + m->n_ops;
    plan->head_bytes = 0;
    plan->variable_bytes = 0;
    memset(plan->e, 0, plan->n * sizeof(mml__plan_entry_t));
    for (uint32_t i = 0; i < plan->n; i++) {
        plan->e[i].first = NONE;
        plan->e[i].root = (uint16_t)i;
    }
    for (uint32_t i = 0; i < m->n_tensors; i++) {
        mml__tensor_t t;
        mml_status_t st = mml__tfl_tensor(m, i, &t, err);
        if (st != MML_OK) {
            return st;
        }
        mml__plan_entry_t *e = &plan->e[i];
        e->size = align_up(t.bytes, MML_ARENA_ALIGN);
        e->kind = t.is_constant ? MML__BUF_CONST
                                : t.is_variable ? MML__BUF_VARIABLE : MML__BUF_ARENA;
        if (e->kind == MML__BUF_VARIABLE) {
            plan->variable_bytes += e->size;
        }
    }
    // Model inputs are live from before the first op, outputs until after the last.
    for (uint32_t i = 0; i < m->n_inputs; i++) {
        mml__plan_entry_t *e = &plan->e[mml__rd_u32(m->buf + m->inputs + 4 * i)];
        e->first = 0;
        e->is_input = 1;
    }
    for (uint32_t i = 0; i < m->n_outputs; i++) {
        mml__plan_entry_t *e = &plan->e[mml__rd_u32(m->buf + m->outputs + 4 * i)];
        e->is_output = 1;
        e->last = (uint16_t)(m->n_ops > 0 ? m->n_ops - 1 : 0);
    }
    return MML_OK;
}

void mml__plan_op(mml__plan_t *plan, const mml__op_t *op, uint32_t scratch_bytes,
    uint8_t inplace) {
    const mml_model_t *m = plan->m;
    for (uint32_t i = 0; i < op->inputs.n; i++) {
        int32_t t = mml__tfl_index(m, &op->inputs, i);
        if (t >= 0) {
            use(&plan->e[t], op->index);
        }
    }
    for (uint32_t i = 0; i < op->outputs.n; i++) {
        int32_t t = mml__tfl_index(m, &op->outputs, i);
        if (t >= 0) {
            use(&plan->e[t], op->index);
        }
    }
    mml__plan_entry_t *s = &plan->e[m->n_tensors + op->index];
    s->size = align_up(scratch_bytes, MML_ARENA_ALIGN);
    s->kind = scratch_bytes ? MML__BUF_SCRATCH : MML__BUF_NONE;
    s->first = s->last = (uint16_t)op->index;
    s->inplace = inplace;
}

static uint32_t root_of(const mml__plan_entry_t *e, uint32_t i) {
    while (e[i].root != i) {
        i = e[i].root;
    }
    return i;
}

static int in_arena(const mml__plan_entry_t *e) {
    return (e->kind == MML__BUF_ARENA || e->kind == MML__BUF_SCRATCH) && e->size > 0 &&
           e->first != NONE;
}

// Lets output 0 of an in-place op share input 0's memory when input 0 dies at that op.
static void share_in_place(mml__plan_t *plan) {
    const mml_model_t *m = plan->m;
    mml__plan_entry_t *e = plan->e;
    for (uint32_t i = 0; i < m->n_ops; i++) {
        if (!e[m->n_tensors + i].inplace) {
            continue;
        }
        mml__op_t op;
        if (mml__tfl_op(m, i, &op, NULL) != MML_OK || op.inputs.n < 1 || op.outputs.n < 1) {
            continue;
        }
        int32_t in = mml__tfl_index(m, &op.inputs, 0);
        int32_t out = mml__tfl_index(m, &op.outputs, 0);
        if (in < 0 || out < 0 || in == out) {
            continue;
        }
        uint32_t r = root_of(e, (uint32_t)in);
        if (e[r].kind != MML__BUF_ARENA || e[out].kind != MML__BUF_ARENA || e[r].last != i ||
            e[out].is_input || e[out].size > e[r].size || e[out].first != i) {
            continue;
        }
        // No other input of this op may already share the root (it would be overwritten).
        e[out].root = (uint16_t)r;
        if (e[out].last > e[r].last) {
            e[r].last = e[out].last;
        }
    }
}

void mml__plan_place(mml__plan_t *plan) {
    mml__plan_entry_t *e = plan->e;
    // An output no op writes is still returned: it lives for the whole inference.
    for (uint32_t i = 0; i < plan->m->n_tensors; i++) {
        if (e[i].first == NONE && e[i].is_output) {
            e[i].first = 0;
        }
    }
    share_in_place(plan);
    uint32_t head = NONE; // offset-sorted list of placed buffers
    uint32_t top = 0;
    for (;;) {
        // Next: the largest unplaced buffer (ties: earliest first use).
        uint32_t pick = NONE;
        for (uint32_t i = 0; i < plan->n; i++) {
            if (e[i].placed || e[i].root != i || !in_arena(&e[i])) {
                continue;
            }
            if (pick == NONE || e[i].size > e[pick].size ||
                (e[i].size == e[pick].size && e[i].first < e[pick].first)) {
                pick = i;
            }
        }
        if (pick == NONE) {
            break;
        }
        // Lowest offset that clears every placed buffer alive at the same time.
        uint32_t offset = 0, prev = NONE;
        for (uint32_t j = head; j != NONE; j = e[j].next) {
            if (e[j].last < e[pick].first || e[j].first > e[pick].last) {
                continue;
            }
            if (offset + e[pick].size <= e[j].offset) {
                break;
            }
            if (e[j].offset + e[j].size > offset) {
                offset = e[j].offset + e[j].size;
            }
        }
        e[pick].offset = offset;
        e[pick].placed = 1;
        // Insert in offset order.
        for (uint32_t j = head; j != NONE && e[j].offset <= offset; j = e[j].next) {
            prev = j;
        }
        if (prev == NONE) {
            e[pick].next = (uint16_t)head;
            head = pick;
        } else {
            e[pick].next = e[prev].next;
            e[prev].next = (uint16_t)pick;
        }
        if (offset + e[pick].size > top) {
            top = offset + e[pick].size;
        }
    }
    plan->head_bytes = top;
}

void mml__plan_assign_variables(mml__plan_entry_t *e, const mml_model_t *m, uint32_t base) {
    for (uint32_t i = 0; i < m->n_tensors; i++) {
        if (e[i].kind == MML__BUF_VARIABLE) {
            e[i].offset = base;
            base += e[i].size;
        }
    }
}

uint32_t mml__plan_variable_bytes(const mml__plan_entry_t *e, const mml_model_t *m) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->n_tensors; i++) {
        if (e[i].kind == MML__BUF_VARIABLE) {
            n += e[i].size;
        }
    }
    return n;
}

uint32_t mml__plan_scratch_offset(const mml__plan_entry_t *e, const mml_model_t *m, uint32_t op) {
    return e[m->n_tensors + op].offset;
}

uint32_t mml__plan_tensor_offset(const mml__plan_entry_t *e, uint32_t tensor) {
    return e[root_of(e, tensor)].offset;
}
