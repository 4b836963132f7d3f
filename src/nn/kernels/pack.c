// SPDX-License-Identifier: MIT
// PACK: stacks N tensors of one shape along a new axis, any fixed-size dtype (bytes are copied).
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(PACK)

enum { OPT_VALUES_COUNT = 0, OPT_AXIS = 1 };

typedef struct {
    uint32_t output;
    uint32_t n_inputs;
    uint32_t outer; // product of the input dimensions before the axis
    uint32_t chunk; // bytes of one input per outer step
    // n_inputs input locations follow.
} pack_t;

static mml_status_t eval_pack(const mml_eval_ctx_t *ctx, void *data) {
    const pack_t *d = (const pack_t *)data;
    const uint32_t *in = (const uint32_t *)(d + 1);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    for (uint32_t k = 0; k < d->outer; k++) {
        for (uint32_t i = 0; i < d->n_inputs; i++) {
            memcpy(out, (const uint8_t *)mml__ptr(ctx, in[i]) + k * d->chunk, d->chunk);
            out += d->chunk;
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_pack(mml_prep_t *p) {
    mml__tensor_t in0, in, out;
    mml_status_t st;
    uint32_t n = mml__prep_n_inputs(p);
    if ((st = mml__prep_check_io(p, 1, 0xffff, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in0)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    if ((uint32_t)mml__opt_i32(p, OPT_VALUES_COUNT, (int32_t)n) != n) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "values_count differs from %u inputs", n);
    }
    int32_t axis = mml__opt_i32(p, OPT_AXIS, 0);
    if (axis < 0) {
        axis += in0.rank + 1;
    }
    if (axis < 0 || axis > in0.rank || out.rank != in0.rank + 1 || out.dtype != in0.dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis, output rank or dtype invalid");
    }
    for (int32_t d = 0; d < out.rank; d++) {
        int32_t want = d < axis ? in0.dims[d] : d == axis ? (int32_t)n : in0.dims[d - 1];
        if (out.dims[d] != want) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output shape does not match");
        }
    }
    for (uint32_t i = 1; i < n; i++) {
        if ((st = mml__prep_input(p, i, &in)) != MML_OK) {
            return st;
        }
        int same = in.dtype == in0.dtype && in.rank == in0.rank;
        for (int32_t d = 0; same && d < in0.rank; d++) {
            same = in.dims[d] == in0.dims[d];
        }
        if (!same) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input %u differs from input 0", i);
        }
    }
    uint32_t outer = 1, chunk = mml_dtype_size((mml_dtype_t)in0.dtype);
    for (int32_t d = 0; d < in0.rank; d++) {
        if (d < axis) {
            outer *= (uint32_t)in0.dims[d];
        } else {
            chunk *= (uint32_t)in0.dims[d];
        }
    }
    p->eval = eval_pack;
    pack_t *d = (pack_t *)mml__prep_persist(p, (uint32_t)sizeof(pack_t) + 4 * n);
    if (!d) {
        return MML_OK;
    }
    d->output = mml__prep_loc(p, &out);
    d->n_inputs = n;
    d->outer = outer;
    d->chunk = chunk;
    uint32_t *q = (uint32_t *)(d + 1);
    for (uint32_t i = 0; i < n; i++) {
        mml__prep_input(p, i, &in);
        q[i] = mml__prep_loc(p, &in);
    }
    return MML_OK;
}
#endif // MML_OP_ON(PACK)
