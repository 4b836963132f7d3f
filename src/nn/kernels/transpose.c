// SPDX-License-Identifier: MIT
// TRANSPOSE: permutes up to 6 dimensions by a constant perm, any fixed-size dtype.
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(TRANSPOSE)

typedef struct {
    uint32_t input, output;
    uint32_t rank, size;            // size: bytes per element
    uint32_t dims[MML_MAX_DIMS];    // output dimensions
    uint32_t strides[MML_MAX_DIMS]; // input element stride of each output dimension
} transpose_t;

static mml_status_t eval_transpose(const mml_eval_ctx_t *ctx, void *data) {
    const transpose_t *d = (const transpose_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->input);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    uint32_t idx[MML_MAX_DIMS] = {0};
    uint32_t n = 1;
    for (uint32_t i = 0; i < d->rank; i++) {
        n *= d->dims[i];
    }
    uint32_t src = 0; // input element offset of output element k
    for (uint32_t k = 0; k < n; k++) {
        switch (d->size) {
            case 1:
                out[k] = in[src];
                break;
            case 2:
                memcpy(out + 2 * k, in + 2 * src, 2);
                break;
            case 4:
                memcpy(out + 4 * k, in + 4 * src, 4);
                break;
            default:
                memcpy(out + (size_t)d->size * k, in + (size_t)d->size * src, d->size);
                break;
        }
        // Next output index, row-major, carrying the input offset along.
        for (uint32_t i = d->rank; i-- > 0;) {
            src += d->strides[i];
            if (++idx[i] < d->dims[i]) {
                break;
            }
            src -= d->strides[i] * d->dims[i];
            idx[i] = 0;
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_transpose(mml_prep_t *p) {
    mml__tensor_t in, perm, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 7)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_input(p, 1, &perm)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    if (perm.dtype != MML_INT32 || perm.rank != 1 || perm.elems != in.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "perm must be %u int32 values",
            (uint32_t)in.rank);
    }
    if (!perm.is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant perm unsupported");
    }
    if (out.dtype != in.dtype || out.rank != in.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype or rank differs");
    }
    uint32_t in_stride[MML_MAX_DIMS];
    uint32_t s = 1;
    for (uint32_t i = in.rank; i-- > 0;) {
        in_stride[i] = s;
        s *= (uint32_t)in.dims[i];
    }
    uint8_t seen[MML_MAX_DIMS] = {0};
    uint32_t strides[MML_MAX_DIMS] = {0};
    for (uint32_t i = 0; i < in.rank; i++) {
        int32_t a = (int32_t)mml__rd_u32(perm.data + 4 * i);
        if (a < 0 || a >= in.rank || seen[a] || out.dims[i] != in.dims[a]) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "perm or output shape invalid");
        }
        seen[a] = 1;
        strides[i] = in_stride[a];
    }
    p->eval = eval_transpose;
    transpose_t *d = (transpose_t *)mml__prep_persist(p, sizeof(transpose_t));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->output = mml__prep_loc(p, &out);
    d->rank = in.rank;
    d->size = mml_dtype_size((mml_dtype_t)in.dtype);
    for (uint32_t i = 0; i < in.rank; i++) {
        d->dims[i] = (uint32_t)out.dims[i];
        d->strides[i] = strides[i];
    }
    return MML_OK;
}
#endif // MML_OP_ON(TRANSPOSE)
