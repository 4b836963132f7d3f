// SPDX-License-Identifier: MIT
// SPLIT_V: cuts input 0 along a constant axis (input 2) into outputs of the sizes in input 1
// (one of them may be -1: the rest). As TFLM's split_v.cc, the outputs' shapes decide the cut;
// a constant size_splits must agree with them. Any fixed-size dtype (bytes are copied).
#include <string.h>
#include "nn/kernels/split.h"
#include "nn/ops.h"

#if MML_OP_ON(SPLIT_V)

enum { OPT_NUM_SPLITS = 0 };

typedef struct {
    uint32_t input;
    uint32_t n_outputs;
    uint32_t outer; // product of the input dimensions before the axis
    // n_outputs {location, bytes per outer step} pairs follow.
} split_v_t;

static mml_status_t eval_split_v(const mml_eval_ctx_t *ctx, void *data) {
    const split_v_t *d = (const split_v_t *)data;
    const uint32_t *out = (const uint32_t *)(d + 1);
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->input);
    for (uint32_t k = 0; k < d->outer; k++) {
        for (uint32_t i = 0; i < d->n_outputs; i++) {
            uint32_t chunk = out[2 * i + 1];
            memcpy((uint8_t *)mml__ptr(ctx, out[2 * i]) + k * chunk, in, chunk);
            in += chunk;
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_split_v(mml_prep_t *p) {
    mml__tensor_t in, sizes, axis_t, out;
    mml_status_t st;
    uint32_t n = mml__prep_n_outputs(p);
    if ((st = mml__prep_check_io(p, 3, 3, n)) != MML_OK ||
        (st = mml__prep_check_version(p, 2)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_input(p, 1, &sizes)) != MML_OK ||
        (st = mml__prep_input(p, 2, &axis_t)) != MML_OK) {
        return st;
    }
    int32_t axis;
    if ((st = mml__split_axis(p, &axis_t, &in, &axis)) != MML_OK) {
        return st;
    }
    int32_t num = mml__opt_i32(p, OPT_NUM_SPLITS, (int32_t)n);
    if (n == 0 || (uint32_t)num != n) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "num_splits %d but %u outputs", num, n);
    }
    if (sizes.dtype != MML_INT32 || sizes.rank != 1 || sizes.elems != n) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "size_splits must be %u int32", n);
    }
    uint32_t inner = mml_dtype_size((mml_dtype_t)in.dtype), outer = 1, total = 0, rest = 0;
    for (int32_t d = 0; d < in.rank; d++) {
        if (d < axis) {
            outer *= (uint32_t)in.dims[d];
        } else if (d > axis) {
            inner *= (uint32_t)in.dims[d];
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        if ((st = mml__prep_output(p, i, &out)) != MML_OK) {
            return st;
        }
        int same = out.dtype == in.dtype && out.rank == in.rank;
        for (int32_t d = 0; same && d < out.rank; d++) {
            same = d == axis || out.dims[d] == in.dims[d];
        }
        if (!same) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output %u shape or dtype invalid", i);
        }
        total += (uint32_t)out.dims[axis];
        if (sizes.is_constant) {
            int32_t size = (int32_t)mml__rd_u32(sizes.data + 4 * i);
            if (size == -1 && rest++ == 0) {
                continue;
            }
            if (size != out.dims[axis]) {
                return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                    "size_splits[%u] is %d, output %u has %d", i, size, i, out.dims[axis]);
            }
        }
    }
    if (total != (uint32_t)in.dims[axis]) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "outputs take %u of %d along axis %d",
            total, in.dims[axis], axis);
    }
    p->eval = eval_split_v;
    split_v_t *d = (split_v_t *)mml__prep_persist(p, (uint32_t)sizeof(split_v_t) + 8 * n);
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->n_outputs = n;
    d->outer = outer;
    uint32_t *q = (uint32_t *)(d + 1);
    for (uint32_t i = 0; i < n; i++) {
        mml__prep_output(p, i, &out);
        q[2 * i] = mml__prep_loc(p, &out);
        q[2 * i + 1] = inner * (uint32_t)out.dims[axis];
    }
    return MML_OK;
}

#endif // MML_OP_ON(SPLIT_V)
