// SPDX-License-Identifier: MIT
// The services the interpreter offers kernels at prepare time (see kernel.h).
#include <stdarg.h>
#include <string.h>
#include "nn/kernel.h"
#include "nn/planner.h"

#if MML_ERROR_TEXT
mml_status_t mml__prep_fail(mml_prep_t *p, mml_status_t status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    mml__vfail(p->err, status, (int32_t)p->op->index, mml__op_name(p->op), fmt, ap);
    va_end(ap);
    return status;
}
#else
mml_status_t mml__prep_fail_terse(mml_prep_t *p, mml_status_t status) {
    return mml__fail_terse(p->err, status, (int32_t)p->op->index);
}
#endif

uint32_t mml__prep_n_inputs(const mml_prep_t *p) {
    return p->op->inputs.n;
}

uint32_t mml__prep_n_outputs(const mml_prep_t *p) {
    return p->op->outputs.n;
}

bool mml__prep_has_input(const mml_prep_t *p, uint32_t i) {
    return mml__op_tensor(p->m, p->op, &p->op->inputs, i) >= 0;
}

static mml_status_t get(mml_prep_t *p, const mml__fb_vec_t *v, const char *what, uint32_t i,
    mml__tensor_t *t) {
    int32_t index = mml__op_tensor(p->m, p->op, v, i);
    if (index < 0) {
        memset(t, 0, sizeof(*t));
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%s %u missing", what, i);
    }
    mml_status_t st = mml__tfl_tensor(p->m, (uint32_t)index, t, p->err);
    if (st != MML_OK) {
        return st;
    }
    if (t->bytes == 0 && t->elems != 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "%s %u has dtype %s", what, i,
            mml_dtype_name((mml_dtype_t)t->dtype));
    }
    // Kernels read constant data in place as int16/int32/float: it must be aligned for that.
    uint32_t size = mml_dtype_size((mml_dtype_t)t->dtype);
    uint32_t align = size > 4 ? 4 : size;
    if (t->is_constant && align > 1 && (uint32_t)(t->data - p->m->buf) % align != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "data of tensor %u is misaligned",
            t->index);
    }
    return MML_OK;
}

mml_status_t mml__prep_input(mml_prep_t *p, uint32_t i, mml__tensor_t *t) {
    return get(p, &p->op->inputs, "input", i, t);
}

mml_status_t mml__prep_output(mml_prep_t *p, uint32_t i, mml__tensor_t *t) {
    mml_status_t st = get(p, &p->op->outputs, "output", i, t);
    if (st == MML_OK && t->is_constant) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output %u is a constant", i);
    }
    return st;
}

void *mml__prep_persist(mml_prep_t *p, uint32_t bytes) {
    bytes = (bytes + MML_ARENA_ALIGN - 1) & ~(uint32_t)(MML_ARENA_ALIGN - 1);
    p->persist_bytes += bytes;
    if (p->mode != MML_PREP_FILL) {
        return NULL;
    }
    uint8_t *block = p->persist_base + p->persist_cursor;
    p->persist_cursor += bytes;
    memset(block, 0, bytes);
    return block;
}

uint32_t mml__prep_persist_loc(const mml_prep_t *p, const void *block) {
    return (uint32_t)((const uint8_t *)block - p->persist_base);
}

void mml__prep_scratch(mml_prep_t *p, uint32_t bytes) {
    p->scratch_bytes = bytes;
}

uint32_t mml__prep_scratch_loc(const mml_prep_t *p) {
    return p->scratch_loc;
}

void mml__prep_allow_elementwise_overlap(mml_prep_t *p, uint32_t n, uint32_t in_size,
    uint32_t out_size) {
    // Writing element i must not reach element i + 1 of the input: out_start + (i + 1) * out_size
    // <= in_start + (i + 1) * in_size for every i < n.
    int64_t max =
        in_size >= out_size ? (int64_t)(in_size - out_size) : -(int64_t)(out_size - in_size) * n;
    if (max >= INT32_MIN) {
        p->overlap = 1;
        p->overlap_max = (int32_t)max;
    }
}

uint32_t mml__prep_loc(const mml_prep_t *p, const mml__tensor_t *t) {
    if (t->is_constant) {
        return MML_LOC_MODEL | (uint32_t)(t->data - p->m->buf);
    }
    return mml__plan_tensor_offset(p->plan, t->index);
}

mml_status_t mml__prep_check_io(mml_prep_t *p, uint32_t min_in, uint32_t max_in, uint32_t n_out) {
    uint32_t n_in = p->op->inputs.n;
    if (n_in < min_in || n_in > max_in) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "has %u inputs, expected %u to %u", n_in,
            min_in, max_in);
    }
    if (p->op->outputs.n != n_out) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "has %u outputs, expected %u",
            p->op->outputs.n, n_out);
    }
    return MML_OK;
}

mml_status_t mml__prep_check_dtype(mml_prep_t *p, const mml__tensor_t *t, mml_dtype_t dtype) {
    if (t->dtype != dtype) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "tensor %u is %s, expected %s", t->index,
            mml_dtype_name((mml_dtype_t)t->dtype), mml_dtype_name(dtype));
    }
    return MML_OK;
}

mml_status_t mml__prep_check_version(mml_prep_t *p, int32_t max_version) {
    if (p->op->version > max_version) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "version %d unsupported (at most %d)",
            p->op->version, max_version);
    }
    return MML_OK;
}

mml_status_t mml__prep_dtype_eval(mml_prep_t *p, uint8_t path) {
    p->dtype_path = path == MML_DTYPE_PATH_S8REF ? MML_DTYPE_PATH_NONE : path; // int8: NONE
    p->eval = mml__kernel_dtype_eval(p->op->builtin_code, path);
    if (!p->eval) {
        const char *name = path == MML_DTYPE_PATH_S16 ? "int16"
            : path == MML_DTYPE_PATH_F32              ? "float32"
            : path == MML_DTYPE_PATH_S8REF            ? "int8 reference (parameters the optimized kernel lacks)"
                                                      : "hybrid (float32 with int8 weights)";
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "%s path not in this build", name);
    }
    return MML_OK;
}

int32_t mml__opt_i32(const mml_prep_t *p, uint32_t field, int32_t def) {
    mml__fb_t fb = mml__model_fb(p->m);
    return mml__fb_i32(&fb, &p->op->options, field, def);
}

uint8_t mml__opt_u8(const mml_prep_t *p, uint32_t field, uint8_t def) {
    mml__fb_t fb = mml__model_fb(p->m);
    return mml__fb_u8(&fb, &p->op->options, field, def);
}

float mml__opt_f32(const mml_prep_t *p, uint32_t field, float def) {
    mml__fb_t fb = mml__model_fb(p->m);
    return mml__fb_f32(&fb, &p->op->options, field, def);
}

uint32_t mml__opt_i32_vec(const mml_prep_t *p, uint32_t field, int32_t *out, uint32_t max) {
    mml__fb_t fb = mml__model_fb(p->m);
    mml__fb_vec_t v;
    if (mml__fb_vector(&fb, &p->op->options, field, 4, &v) != MML__FB_OK || v.n > max) {
        return 0;
    }
    for (uint32_t i = 0; i < v.n; i++) {
        out[i] = (int32_t)mml__fb_vec_u32(&fb, &v, i);
    }
    return v.n;
}

mml_status_t mml__prep_variable(mml_prep_t *p, uint32_t i, uint32_t *bytes, uint32_t *loc) {
    *bytes = 0;
    *loc = 0;
    int32_t index = mml__op_tensor(p->m, p->op, &p->op->inputs, i);
    if (index < 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input %u missing", i);
    }
    mml__tensor_t t;
    mml_status_t st = mml__tfl_tensor(p->m, (uint32_t)index, &t, p->err);
    if (st != MML_OK) {
        return st;
    }
    if (t.dtype != MML_RESOURCE || t.elems != 1) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input %u is %s, expected one resource", i,
            mml_dtype_name((mml_dtype_t)t.dtype));
    }
    if (!p->plan) {
        return MML_OK;
    }
    uint32_t v = mml__plan_variable_of(p->plan, p->m, (uint32_t)index);
    if (!v) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
            "input %u does not come from a VAR_HANDLE of this subgraph", i);
    }
    if (p->plan[v].size == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "its variable (VAR_HANDLE op %u) is never assigned", v - p->m->n_tensors_all);
    }
    *bytes = p->plan[v].size;
    *loc = p->mode == MML_PREP_FILL ? p->plan[v].offset : 0;
    return MML_OK;
}

void mml__prep_state(mml_prep_t *p, uint32_t bytes) {
    p->state_bytes = bytes;
}

uint32_t mml__prep_state_loc(const mml_prep_t *p) {
    return p->plan ? p->plan[p->m->n_tensors_all + p->op->index].offset : 0;
}
