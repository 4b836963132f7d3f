// SPDX-License-Identifier: MIT
// CONCATENATION: joins tensors along one axis, any fixed-size dtype. int8 bytes are copied as
// they are, as TFLite Micro's reference kernel does (its converter gives every input the output's
// scale and zero point).
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(CONCATENATION)

enum { OPT_AXIS = 0, OPT_ACTIVATION = 1 };

typedef struct {
    uint32_t output;
    uint32_t n_inputs;
    uint32_t outer; // product of the dimensions before the axis
    // n_inputs pairs of (input location, bytes per outer step) follow.
} concat_t;

static uint32_t *concat_inputs(concat_t *d) {
    return (uint32_t *)(d + 1);
}

static mml_status_t eval_concat(const mml_eval_ctx_t *ctx, void *data) {
    concat_t *d = (concat_t *)data;
    const uint32_t *in = concat_inputs(d);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    for (uint32_t k = 0; k < d->outer; k++) {
        for (uint32_t i = 0; i < d->n_inputs; i++) {
            uint32_t chunk = in[2 * i + 1];
            const uint8_t *src = (const uint8_t *)mml__ptr(ctx, in[2 * i]) + k * chunk;
            memcpy(out, src, chunk);
            out += chunk;
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_concatenation(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml_status_t st;
    uint32_t n = mml__prep_n_inputs(p);
    if ((st = mml__prep_check_io(p, 1, 0xffff, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    if (mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE) != MML_ACT_NONE) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation unsupported");
    }
    int32_t axis = mml__opt_i32(p, OPT_AXIS, 0);
    if (axis < 0) {
        axis += out.rank;
    }
    if (axis < 0 || axis >= out.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis %d out of range",
            mml__opt_i32(p, OPT_AXIS, 0));
    }
    uint32_t size = mml_dtype_size((mml_dtype_t)out.dtype);
    uint32_t outer = 1, inner = size;
    for (int32_t d = 0; d < out.rank; d++) {
        if (d < axis) {
            outer *= (uint32_t)out.dims[d];
        } else if (d > axis) {
            inner *= (uint32_t)out.dims[d];
        }
    }
    // Every input: the output's dtype and rank, the same dimensions off the axis.
    uint64_t axis_total = 0;
    for (uint32_t i = 0; i < n; i++) {
        if ((st = mml__prep_input(p, i, &in)) != MML_OK) {
            return st;
        }
        if (in.dtype != out.dtype || in.rank != out.rank) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input %u dtype or rank differs", i);
        }
        for (int32_t d = 0; d < out.rank; d++) {
            if (d != axis && in.dims[d] != out.dims[d]) {
                return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input %u shape differs", i);
            }
        }
        axis_total += (uint32_t)in.dims[axis];
    }
    if (axis_total != (uint32_t)out.dims[axis]) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "inputs hold %u along axis %d, output %d",
            (uint32_t)axis_total, axis, out.dims[axis]);
    }
    p->eval = eval_concat;
    concat_t *d = (concat_t *)mml__prep_persist(p, (uint32_t)sizeof(concat_t) + 8 * n);
    if (!d) {
        return MML_OK;
    }
    d->output = mml__prep_loc(p, &out);
    d->n_inputs = n;
    d->outer = outer;
    uint32_t *q = concat_inputs(d);
    for (uint32_t i = 0; i < n; i++) {
        mml__prep_input(p, i, &in);
        q[2 * i] = mml__prep_loc(p, &in);
        q[2 * i + 1] = (uint32_t)in.dims[axis] * inner;
    }
    return MML_OK;
}
#endif // MML_OP_ON(CONCATENATION)
