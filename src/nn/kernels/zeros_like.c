// SPDX-License-Identifier: MIT
// ZEROS_LIKE: an output of the input's shape and dtype (int32, int64 or float32) filled with 0.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(ZEROS_LIKE)

typedef struct {
    uint32_t out, bytes; // location and size of the output
} zeros_like_t;

static mml_status_t eval(const mml_eval_ctx_t *ctx, void *data) {
    const zeros_like_t *d = (const zeros_like_t *)data;
    memset(mml__ptr(ctx, d->out), 0, d->bytes);
    return MML_OK;
}

mml_status_t mml__prepare_zeros_like(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__ew_unary_t io;
    mml_status_t st = mml__ew_unary_same(p, 1, &in, &out, &io);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype != MML_INT32 && in.dtype != MML_INT64 && in.dtype != MML_FLOAT32) {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    p->eval = eval;
    zeros_like_t *d = (zeros_like_t *)mml__prep_persist(p, sizeof(zeros_like_t));
    if (!d) {
        return MML_OK;
    }
    d->out = mml__prep_loc(p, &out);
    d->bytes = out.bytes;
    return MML_OK;
}

#endif // MML_OP_ON(ZEROS_LIKE)
