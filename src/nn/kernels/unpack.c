// SPDX-License-Identifier: MIT
// UNPACK: splits a tensor into its N slices along one axis (dropping that axis), any fixed-size
// dtype (bytes are copied).
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"

enum { OPT_NUM = 0, OPT_AXIS = 1 };

typedef struct {
    uint32_t input;
    uint32_t n_outputs;
    uint32_t outer;  // product of the input dimensions before the axis
    uint32_t chunk;  // bytes of one output per outer step
    // n_outputs output locations follow.
} unpack_t;

static mml_status_t eval_unpack(const mml_eval_ctx_t *ctx, void *data) {
    const unpack_t *d = (const unpack_t *)data;
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

mml_status_t mml__prepare_unpack(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml_status_t st;
    uint32_t n = mml__prep_n_outputs(p);
    if ((st = mml__prep_check_io(p, 1, 1, n)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK) {
        return st;
    }
    int32_t axis = mml__opt_i32(p, OPT_AXIS, 0);
    if (axis < 0) {
        axis += in.rank;
    }
    if (axis < 0 || axis >= in.rank || n == 0 || (uint32_t)in.dims[axis] != n) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis %d or %u outputs invalid",
            mml__opt_i32(p, OPT_AXIS, 0), n);
    }
    int32_t num = mml__opt_i32(p, OPT_NUM, 0);
    if (num != 0 && (uint32_t)num != n) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "num %d differs from %u outputs", num, n);
    }
    for (uint32_t i = 0; i < n; i++) {
        if ((st = mml__prep_output(p, i, &out)) != MML_OK) {
            return st;
        }
        int same = out.dtype == in.dtype && out.rank + 1 == in.rank;
        for (int32_t d = 0; same && d < out.rank; d++) {
            same = out.dims[d] == in.dims[d < axis ? d : d + 1];
        }
        if (!same) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output %u shape or dtype invalid", i);
        }
    }
    uint32_t outer = 1, chunk = mml_dtype_size((mml_dtype_t)in.dtype);
    for (int32_t d = 0; d < in.rank; d++) {
        if (d < axis) {
            outer *= (uint32_t)in.dims[d];
        } else if (d > axis) {
            chunk *= (uint32_t)in.dims[d];
        }
    }
    p->eval = eval_unpack;
    unpack_t *d = (unpack_t *)mml__prep_persist(p, (uint32_t)sizeof(unpack_t) + 4 * n);
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->n_outputs = n;
    d->outer = outer;
    d->chunk = chunk;
    uint32_t *q = (uint32_t *)(d + 1);
    for (uint32_t i = 0; i < n; i++) {
        mml__prep_output(p, i, &out);
        q[i] = mml__prep_loc(p, &out);
    }
    return MML_OK;
}
