// SPDX-License-Identifier: MIT
// SPLIT: cuts a tensor into num_splits equal parts along a constant axis (input 0 is the axis,
// input 1 the data), any fixed-size dtype (bytes are copied).
#include <string.h>
#include "nn/kernels/split.h"
#include "nn/ops.h"
#if MML_OP_ON(SPLIT) || MML_OP_ON(SPLIT_V) || MML_OP_ON(UNPACK)

enum { OPT_NUM_SPLITS = 0 };

typedef struct {
    uint32_t input;
    uint32_t n_outputs;
    uint32_t outer; // product of the input dimensions before the axis
    uint32_t chunk; // bytes of one output per outer step
    // n_outputs output locations follow.
} split_t;

static mml_status_t eval_split(const mml_eval_ctx_t *ctx, void *data) {
    const split_t *d = (const split_t *)data;
    const uint32_t *out = (const uint32_t *)(d + 1);
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->input);
    for (uint32_t k = 0; k < d->outer; k++) {
        for (uint32_t i = 0; i < d->n_outputs; i++) {
            memcpy((uint8_t *)mml__ptr(ctx, out[i]) + k * d->chunk, in, d->chunk);
            in += d->chunk;
        }
    }
    return MML_OK;
}

mml_status_t mml__split_finish(mml_prep_t *p, const mml__tensor_t *in, int32_t axis, uint32_t part,
    uint32_t n) {
    uint32_t outer = 1, chunk = mml_dtype_size((mml_dtype_t)in->dtype) * part;
    for (int32_t d = 0; d < in->rank; d++) {
        if (d < axis) {
            outer *= (uint32_t)in->dims[d];
        } else if (d > axis) {
            chunk *= (uint32_t)in->dims[d];
        }
    }
    p->eval = eval_split;
    split_t *d = (split_t *)mml__prep_persist(p, (uint32_t)sizeof(split_t) + 4 * n);
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, in);
    d->n_outputs = n;
    d->outer = outer;
    d->chunk = chunk;
    uint32_t *q = (uint32_t *)(d + 1);
    for (uint32_t i = 0; i < n; i++) {
        mml__tensor_t out;
        mml__prep_output(p, i, &out);
        q[i] = mml__prep_loc(p, &out);
    }
    return MML_OK;
}

mml_status_t mml__split_axis(mml_prep_t *p, const mml__tensor_t *axis_t, const mml__tensor_t *in,
    int32_t *axis) {
    if (axis_t->dtype != MML_INT32 || axis_t->elems != 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis must be one int32");
    }
    if (!axis_t->is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant axis unsupported");
    }
    int32_t a = (int32_t)mml__rd_u32(axis_t->data);
    if (a < 0) {
        a += in->rank;
    }
    if (a < 0 || a >= in->rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis %d out of range",
            (int32_t)mml__rd_u32(axis_t->data));
    }
    *axis = a;
    return MML_OK;
}

mml_status_t mml__prepare_split(mml_prep_t *p) {
    mml__tensor_t axis_t, in, out;
    mml_status_t st;
    uint32_t n = mml__prep_n_outputs(p);
    if ((st = mml__prep_check_io(p, 2, 2, n)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &axis_t)) != MML_OK ||
        (st = mml__prep_input(p, 1, &in)) != MML_OK) {
        return st;
    }
    int32_t axis;
    if ((st = mml__split_axis(p, &axis_t, &in, &axis)) != MML_OK) {
        return st;
    }
    int32_t num = mml__opt_i32(p, OPT_NUM_SPLITS, (int32_t)n);
    if (n == 0 || (uint32_t)num != n || (uint32_t)in.dims[axis] % n != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "cannot split %d into %d (%u outputs)",
            in.dims[axis], num, n);
    }
    int32_t part = (int32_t)((uint32_t)in.dims[axis] / n);
    for (uint32_t i = 0; i < n; i++) {
        if ((st = mml__prep_output(p, i, &out)) != MML_OK) {
            return st;
        }
        int same = out.dtype == in.dtype && out.rank == in.rank;
        for (int32_t d = 0; same && d < out.rank; d++) {
            same = out.dims[d] == (d == axis ? part : in.dims[d]);
        }
        if (!same) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output %u shape or dtype invalid", i);
        }
    }
    return mml__split_finish(p, &in, axis, (uint32_t)part, n);
}
#endif // MML_OP_ON(SPLIT) || MML_OP_ON(SPLIT_V) || MML_OP_ON(UNPACK)
