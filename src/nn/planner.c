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
    plan->n = m->n_tensors_all + m->n_ops_all;
    plan->head_bytes = 0;
    plan->n_resource_variables = 0;
    memset(plan->e, 0, plan->n * sizeof(mml__plan_entry_t));
    for (uint32_t i = 0; i < plan->n; i++) {
        plan->e[i].first = NONE;
        plan->e[i].root = (uint16_t)i;
        plan->e[i].partner = NONE;
    }
    mml_status_t st = mml__plan_timeline(plan, err);
    if (st != MML_OK) {
        return st;
    }
    for (uint32_t i = 0; i < m->n_tensors_all; i++) {
        mml__tensor_t t;
        mml_status_t st = mml__tfl_tensor(m, i, &t, err);
        if (st != MML_OK) {
            return st;
        }
        mml__plan_entry_t *e = &plan->e[i];
        e->size = align_up(t.bytes, MML_ARENA_ALIGN);
        e->kind = t.is_constant ? MML__BUF_CONST
            : t.is_variable     ? MML__BUF_VARIABLE
                                : MML__BUF_ARENA;
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
        e->last = (uint16_t)(plan->steps > 0 ? plan->steps - 1 : 0);
    }
    return MML_OK;
}

static uint32_t time_of(const mml__plan_t *plan, uint32_t op) {
    return plan->e[plan->m->n_tensors_all + op].time;
}

void mml__plan_op(mml__plan_t *plan, const mml__op_t *op, const mml_prep_t *p) {
    const mml_model_t *m = plan->m;
    uint32_t time = time_of(plan, op->index);
    for (const mml__fb_vec_t *v = &op->inputs;; v = &op->outputs) { // inputs, then outputs
        for (uint32_t i = 0; i < v->n; i++) {
            int32_t t = mml__op_tensor(m, op, v, i);
            if (t >= 0) {
                use(&plan->e[t], time);
            }
        }
        if (v == &op->outputs) {
            break;
        }
    }
    mml__plan_entry_t *s = &plan->e[m->n_tensors_all + op->index];
    if (p->state_bytes) { // an op's own state (mml__prep_state), kept across invocations
        s->kind = MML__BUF_STATE;
        s->size = p->state_bytes;
        s->fill = 0;
    } else if (s->kind != MML__BUF_STATE) { // resource variables and flags keep their entry
        s->size = align_up(p->scratch_bytes, MML_ARENA_ALIGN);
        s->kind = p->scratch_bytes ? MML__BUF_SCRATCH : MML__BUF_NONE;
    }
    s->first = s->last = (uint16_t)time;
    s->inplace = p->inplace;
    s->overlap = p->overlap;
    s->overlap_max = p->overlap_max;
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

// Output 0 of an in-place op takes input 0's memory, and output 0 of an overlapping op may
// overlap it, when input 0 dies at that op (and output 0 is born there).
static void share_in_place(mml__plan_t *plan) {
    const mml_model_t *m = plan->m;
    mml__plan_entry_t *e = plan->e;
    for (uint32_t i = 0; i < m->n_ops_all; i++) {
        const mml__plan_entry_t *opinfo = &e[m->n_tensors_all + i];
        if (!opinfo->inplace && !opinfo->overlap) {
            continue;
        }
        mml__op_t op;
        if (mml__tfl_op(m, i, &op, NULL) != MML_OK || op.inputs.n < 1 || op.outputs.n < 1) {
            continue;
        }
        int32_t in = mml__op_tensor(m, &op, &op.inputs, 0);
        int32_t out = mml__op_tensor(m, &op, &op.outputs, 0);
        if (in < 0 || out < 0 || in == out) {
            continue;
        }
        uint32_t r = root_of(e, (uint32_t)in), time = opinfo->time;
        // A model input or output is never overwritten, even by the last op.
        if (e[in].is_output || e[r].is_output) {
            continue;
        }
        if (e[r].kind != MML__BUF_ARENA || e[out].kind != MML__BUF_ARENA || e[r].last != time ||
            e[out].is_input || e[out].first != time || e[out].root != (uint32_t)out) {
            continue;
        }
        if (opinfo->inplace && e[out].size <= e[r].size) {
            e[out].root = (uint16_t)r;
            if (e[out].last > e[r].last) {
                e[r].last = e[out].last;
            }
        } else if (opinfo->overlap) {
            e[out].partner = (uint16_t)r;
            e[out].overlap_max = opinfo->overlap_max;
        }
    }
}

// While placing, offsets are signed positions (int32 in the offset field) around an extent
// [lo, hi) that grows as needed; at the end everything is shifted so that lo becomes 0.
static int32_t pos(const mml__plan_entry_t *e) {
    return (int32_t)e->offset;
}

// May buffer x sit at position o, given buffer y placed and alive at the same time? (Positions
// and sizes as place() keeps them: every sum and difference below fits int32.)
static int fits(const mml__plan_entry_t *e, uint32_t x, int32_t o, uint32_t y) {
    int32_t xe = o + (int32_t)e[x].size, ye = pos(&e[y]) + (int32_t)e[y].size;
    if (xe <= pos(&e[y]) || ye <= o) {
        return 1; // disjoint
    }
    // x writes over its input y: its start may be at most overlap_max past y's.
    if (e[x].partner == y) {
        return o - pos(&e[y]) <= e[x].overlap_max;
    }
    if (e[y].partner == x) {
        return pos(&e[y]) - o <= e[y].overlap_max;
    }
    return 0;
}

static int alive_together(const mml__plan_entry_t *a, const mml__plan_entry_t *b) {
    return a->last >= b->first && a->first <= b->last;
}

// The orders the placement tries: largest first, op order, reverse op order.
enum { ORDER_SIZE, ORDER_USE, ORDER_REVERSE_USE, ORDER_COUNT };

// Is a placed before b in this order? Ties go to the larger, then the earlier buffer.
static int goes_first(const mml__plan_entry_t *a, const mml__plan_entry_t *b, int order) {
    if (order == ORDER_USE && a->first != b->first) {
        return a->first < b->first;
    }
    if (order == ORDER_REVERSE_USE && a->last != b->last) {
        return a->last > b->last;
    }
    if (a->size != b->size) {
        return a->size > b->size;
    }
    return a->first < b->first;
}

// Places every buffer, in the given order; returns the head bytes, or UINT32_MAX when the extent
// would pass 2 GiB or a buffer is over 1 GiB. Positions stay in [-2^30, 2^30) and sizes at most
// 2^30, so that the extent [lo, hi) has lo in [-2^30, 0] and hi in [0, 2^31): positions, their
// sums with a size and differences of two fit int32; extents (up to 3 * 2^30) are uint32.
static uint32_t place(mml__plan_t *plan, int order) {
    mml__plan_entry_t *e = plan->e;
    const int64_t a = MML_ARENA_ALIGN;
    for (uint32_t i = 0; i < plan->n; i++) {
        e[i].placed = 0;
        e[i].offset = 0;
    }
    int32_t lo = 0, hi = 0;
    for (;;) {
        uint32_t x = NONE;
        for (uint32_t i = 0; i < plan->n; i++) {
            if (e[i].placed || e[i].root != i || !in_arena(&e[i])) {
                continue;
            }
            if (x == NONE || goes_first(&e[i], &e[x], order)) {
                x = i;
            }
        }
        if (x == NONE) {
            break;
        }
        if (e[x].size > (1u << 30)) {
            return UINT32_MAX; // positions and sums below stay in int32 range
        }
        const int32_t size = (int32_t)e[x].size;
        // Candidate positions: the extent's ends, next to each buffer alive at the same time,
        // and the edges of overlap allowances. Keep the one that grows the extent least, then
        // the lowest. Positions stay MML_ARENA_ALIGN-aligned (sizes are aligned).
        int32_t best = 0;
        uint32_t best_growth = UINT32_MAX; // none yet (a growth is below 3 * 2^30)
        for (uint32_t c = 0; c <= plan->n; c++) {
            int64_t cand[3] = {lo, hi - size, INT64_MIN};
            int n_cand = 2;
            if (c < plan->n) {
                const mml__plan_entry_t *y = &e[c];
                if (c == x || !y->placed || !alive_together(y, &e[x])) {
                    continue;
                }
                cand[0] = pos(y) + (int32_t)y->size;
                cand[1] = pos(y) - size;
                // x may start up to overlap_max past its input y (rounded down to the
                // alignment); x is y's input: from overlap_max before y on (rounded up).
                if (e[x].partner == c) {
                    cand[2] = (int64_t)((uint64_t)((int64_t)pos(y) + e[x].overlap_max) &
                        ~(uint64_t)(a - 1));
                    n_cand = 3;
                } else if (y->partner == x) {
                    cand[2] = (int64_t)((uint64_t)((int64_t)pos(y) - y->overlap_max + a - 1) &
                        ~(uint64_t)(a - 1));
                    n_cand = 3;
                }
            } else if (hi == lo) {
                n_cand = 1; // nothing placed yet: start at 0
            }
            for (int k = 0; k < n_cand; k++) {
                if (cand[k] < INT32_MIN / 2 || cand[k] > INT32_MAX / 2) {
                    continue;
                }
                const int32_t o = (int32_t)cand[k];
                const int32_t top = o + size > hi ? o + size : hi, bottom = o < lo ? o : lo;
                const uint32_t growth =
                    ((uint32_t)top - (uint32_t)bottom) - ((uint32_t)hi - (uint32_t)lo);
                if (growth > best_growth || (growth == best_growth && o >= best)) {
                    continue;
                }
                int ok = 1;
                for (uint32_t j = 0; j < plan->n && ok; j++) {
                    if (j != x && e[j].placed && alive_together(&e[j], &e[x])) {
                        ok = fits(e, x, o, j);
                    }
                }
                if (ok) {
                    best = o;
                    best_growth = growth;
                }
            }
        }
        e[x].offset = (uint32_t)best;
        e[x].placed = 1;
        lo = best < lo ? best : lo;
        hi = best + size > hi ? best + size : hi;
    }
    for (uint32_t i = 0; i < plan->n; i++) {
        if (e[i].placed) {
            e[i].offset = (uint32_t)pos(&e[i]) - (uint32_t)lo;
        }
    }
    const uint32_t bytes = (uint32_t)hi - (uint32_t)lo;
    return bytes > INT32_MAX ? UINT32_MAX : bytes;
}

void mml__plan_place(mml__plan_t *plan) {
    mml__plan_entry_t *e = plan->e;
    // An output no op writes is still returned: it lives for the whole inference.
    for (uint32_t i = 0; i < plan->m->n_tensors_all; i++) {
        if (e[i].first == NONE && e[i].is_output) {
            e[i].first = 0;
        }
    }
    share_in_place(plan);
    // Largest first suits branching graphs, op order chains of overlapping layers: keep the
    // smallest of the placements (the last one tried stays in the entries unless redone).
    uint32_t best = UINT32_MAX, best_order = 0, bytes = 0;
    for (uint32_t order = 0; order < ORDER_COUNT; order++) {
        bytes = place(plan, (int)order);
        if (bytes < best) {
            best = bytes;
            best_order = order;
        }
    }
    plan->head_bytes = best_order == ORDER_COUNT - 1 ? bytes : place(plan, (int)best_order);
}

void mml__plan_assign_variables(mml__plan_entry_t *e, const mml_model_t *m, uint32_t base) {
    for (uint32_t i = 0; i < m->n_tensors_all + m->n_ops_all; i++) {
        if (e[i].kind == MML__BUF_VARIABLE || e[i].kind == MML__BUF_STATE) {
            e[i].offset = base;
            base += align_up(e[i].size, MML_ARENA_ALIGN);
        }
    }
}

uint32_t mml__plan_variable_bytes(const mml__plan_entry_t *e, const mml_model_t *m) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->n_tensors_all + m->n_ops_all; i++) {
        if (e[i].kind == MML__BUF_VARIABLE || e[i].kind == MML__BUF_STATE) {
            n += align_up(e[i].size, MML_ARENA_ALIGN);
        }
    }
    return n;
}

uint32_t mml__plan_state_items(const mml__plan_entry_t *e, const mml_model_t *m) {
    uint32_t n = 0;
    for (uint32_t i = m->n_tensors_all; i < m->n_tensors_all + m->n_ops_all; i++) {
        n += e[i].kind == MML__BUF_STATE;
    }
    return n;
}

uint32_t mml__plan_scratch_offset(const mml__plan_entry_t *e, const mml_model_t *m, uint32_t op) {
    return e[m->n_tensors_all + op].offset;
}

uint32_t mml__plan_tensor_offset(const mml__plan_entry_t *e, uint32_t tensor) {
    return e[root_of(e, tensor)].offset;
}
