// SPDX-License-Identifier: MIT
// SHAPE: writes the input's dimensions as an int32 or int64 vector.
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(SHAPE)

typedef struct {
    uint32_t output;
    uint32_t rank;
    uint8_t is64;
    int32_t dims[MML_MAX_DIMS];
} shape_t;

static mml_status_t eval_shape(const mml_eval_ctx_t *ctx, void *data) {
    const shape_t *d = (const shape_t *)data;
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    for (uint32_t i = 0; i < d->rank; i++) {
        if (d->is64) {
            int64_t v = d->dims[i];
            memcpy(out + 8 * i, &v, 8);
        } else {
            memcpy(out + 4 * i, &d->dims[i], 4);
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_shape(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    if (out.dtype != MML_INT32 && out.dtype != MML_INT64) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "output dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)out.dtype));
    }
    if (out.rank != 1 || out.elems != in.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output must hold %u values",
            (uint32_t)in.rank);
    }
    p->eval = eval_shape;
    shape_t *d = (shape_t *)mml__prep_persist(p, sizeof(shape_t));
    if (!d) {
        return MML_OK;
    }
    d->output = mml__prep_loc(p, &out);
    d->rank = in.rank;
    d->is64 = out.dtype == MML_INT64;
    memcpy(d->dims, in.dims, sizeof(d->dims));
    return MML_OK;
}
#endif // MML_OP_ON(SHAPE)
