// SPDX-License-Identifier: MIT
// FILL: an output of shape `dims` (input 0, 1-D int32 or int64) with every element the scalar
// `value` (input 1, of the output's dtype; copied raw, quantized values included). A constant dims
// tensor must match the output's shape.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(FILL)

typedef struct {
    uint32_t value, out; // locations
    uint32_t n, elem;    // output elements, bytes per element
} fill_t;

static mml_status_t eval(const mml_eval_ctx_t *ctx, void *data) {
    const fill_t *d = (const fill_t *)data;
    const uint8_t *v = (const uint8_t *)mml__ptr(ctx, d->value);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        memcpy(out + (size_t)i * d->elem, v, d->elem);
    }
    return MML_OK;
}

// Element k of a constant int32 or int64 vector.
static int64_t dim_at(const mml__tensor_t *t, uint32_t k) {
    if (t->dtype == MML_INT32) {
        int32_t v;
        memcpy(&v, t->data + 4 * k, 4);
        return v;
    }
    int64_t v;
    memcpy(&v, t->data + 8 * k, 8);
    return v;
}

mml_status_t mml__prepare_fill(mml_prep_t *p) {
    mml__tensor_t dims, value, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &dims)) != MML_OK ||
        (st = mml__prep_input(p, 1, &value)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    if ((dims.dtype != MML_INT32 && dims.dtype != MML_INT64) || dims.rank != 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "dims must be a 1-D int32 or int64 tensor");
    }
    if (value.elems != 1 || value.dtype != out.dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "value must be one element of the output's dtype");
    }
    uint32_t elem = mml_dtype_size((mml_dtype_t)out.dtype);
    if (elem == 0) {
        return mml__ew_fail_dtype(p, out.dtype);
    }
    if (dims.is_constant) {
        int ok = dims.elems == out.rank && dims.data_len >= dims.bytes;
        for (uint32_t k = 0; ok && k < dims.elems; k++) {
            ok = dim_at(&dims, k) == out.dims[k];
        }
        if (!ok) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "dims differ from the output's shape");
        }
    }
    p->eval = eval;
    fill_t *d = (fill_t *)mml__prep_persist(p, sizeof(fill_t));
    if (!d) {
        return MML_OK;
    }
    d->value = mml__prep_loc(p, &value);
    d->out = mml__prep_loc(p, &out);
    d->n = out.elems;
    d->elem = elem;
    return MML_OK;
}

#endif // MML_OP_ON(FILL)
