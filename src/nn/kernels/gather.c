// SPDX-License-Identifier: MIT
// GATHER: slices of params along axis picked by int32/int64 indices (batch_dims leading dims
// shared by both), any fixed-size params dtype. Indices may come at run time: one out of range
// fails the invocation (MML_ERR_INVALID_ARG), as TFLite Micro's eval does.
#include <string.h>
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(GATHER)

enum { OPT_AXIS = 0, OPT_BATCH_DIMS = 1 };

typedef struct {
    uint32_t params, indices, output;
    uint32_t batch, outer, axis_size, inner, coords; // inner: bytes per gathered slice
    uint8_t wide;                                    // int64 indices
} gather_t;

static mml_status_t eval_gather(const mml_eval_ctx_t *ctx, void *data) {
    const gather_t *d = (const gather_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->params);
    const uint8_t *idx = (const uint8_t *)mml__ptr(ctx, d->indices);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    for (uint32_t b = 0; b < d->batch; b++) {
        for (uint32_t o = 0; o < d->outer; o++) {
            const uint8_t *src = in + ((size_t)b * d->outer + o) * d->axis_size * d->inner;
            for (uint32_t i = 0; i < d->coords; i++) {
                size_t k = (size_t)b * d->coords + i;
                int64_t at;
                if (d->wide) {
                    int64_t v;
                    memcpy(&v, idx + 8 * k, 8);
                    at = v;
                } else {
                    int32_t v;
                    memcpy(&v, idx + 4 * k, 4);
                    at = v;
                }
                if (at < 0 || at >= (int64_t)d->axis_size) {
                    return MML_ERR_INVALID_ARG;
                }
                memcpy(out, src + (size_t)at * d->inner, d->inner);
                out += d->inner;
            }
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_gather(mml_prep_t *p) {
    mml__tensor_t in, idx, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 7)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_input(p, 1, &idx)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK ||
        (st = mml__prep_check_elems(p, &in)) != MML_OK ||
        (st = mml__prep_check_elems(p, &idx)) != MML_OK ||
        (st = mml__prep_check_elems(p, &out)) != MML_OK) {
        return st;
    }
    if (out.dtype != in.dtype || mml_dtype_size((mml_dtype_t)in.dtype) == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from params");
    }
    if (idx.dtype != MML_INT32 && idx.dtype != MML_INT64) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "indices must be int32 or int64");
    }
    int32_t axis = mml__opt_i32(p, OPT_AXIS, 0), batch_dims = mml__opt_i32(p, OPT_BATCH_DIMS, 0);
    int32_t a = axis < 0 ? axis + in.rank : axis;
    int32_t bd = batch_dims < 0 ? batch_dims + idx.rank : batch_dims;
    if (a < 0 || a >= in.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis %d out of range", axis);
    }
    if (bd < 0 || bd > idx.rank || bd > a) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "batch_dims %d out of range", batch_dims);
    }
    // Output shape: params[:axis] + indices[batch_dims:] + params[axis+1:].
    if (out.rank != in.rank - 1 + idx.rank - bd) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output rank %u, expected %d",
            (uint32_t)out.rank, in.rank - 1 + idx.rank - bd);
    }
    uint32_t batch = 1, outer = 1, inner = 1, coords = 1, k = 0;
    for (int32_t i = 0; i < bd; i++) {
        if (in.dims[i] != idx.dims[i]) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "batch dimension %d differs between params and indices", i);
        }
        batch *= (uint32_t)in.dims[i];
    }
    for (int32_t i = 0; i < a; i++) {
        if (out.dims[k++] != in.dims[i]) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dimension %u mismatch", k - 1);
        }
        outer *= i >= bd ? (uint32_t)in.dims[i] : 1;
    }
    for (int32_t i = bd; i < idx.rank; i++) {
        if (out.dims[k++] != idx.dims[i]) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dimension %u mismatch", k - 1);
        }
        coords *= (uint32_t)idx.dims[i];
    }
    for (int32_t i = a + 1; i < in.rank; i++) {
        if (out.dims[k++] != in.dims[i]) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dimension %u mismatch", k - 1);
        }
        inner *= (uint32_t)in.dims[i];
    }
    p->eval = eval_gather;
    gather_t *d = (gather_t *)mml__prep_persist(p, sizeof(gather_t));
    if (!d) {
        return MML_OK;
    }
    d->params = mml__prep_loc(p, &in);
    d->indices = mml__prep_loc(p, &idx);
    d->output = mml__prep_loc(p, &out);
    d->batch = batch;
    d->outer = outer;
    d->axis_size = (uint32_t)in.dims[a];
    d->inner = inner * mml_dtype_size((mml_dtype_t)in.dtype);
    d->coords = coords;
    d->wide = idx.dtype == MML_INT64;
    return MML_OK;
}

#endif // MML_OP_ON(GATHER)
