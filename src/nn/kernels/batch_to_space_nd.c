// SPDX-License-Identifier: MIT
// BATCH_TO_SPACE_ND: [B*bh*bw, H, W, C] -> [B, H*bh - crops, W*bw - crops, C] (3-D [N,H,C] input:
// one spatial dimension) with constant block shape and crops, any fixed-size dtype; pixels that
// land in the crops are dropped, as TFLite's reference does.
#include <string.h>
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(BATCH_TO_SPACE_ND)

static mml_status_t eval_batch_to_space(const mml_eval_ctx_t *ctx, void *data) {
    const mml__batch_space_t *d = (const mml__batch_space_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->input);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    for (int32_t b = 0; b < d->in_b; b++) {
        int32_t ob = b % d->out_b, spatial = b / d->out_b;
        int32_t dy = spatial / d->bw - d->top, dx = spatial % d->bw - d->left;
        for (int32_t y = 0; y < d->in_h; y++) {
            int32_t oy = y * d->bh + dy;
            if (oy < 0 || oy >= d->out_h) {
                continue;
            }
            for (int32_t x = 0; x < d->in_w; x++) {
                int32_t ox = x * d->bw + dx;
                if (ox < 0 || ox >= d->out_w) {
                    continue;
                }
                memcpy(out + (((size_t)ob * d->out_h + oy) * d->out_w + ox) * d->size,
                    in + (((size_t)b * d->in_h + y) * d->in_w + x) * d->size, d->size);
            }
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_batch_to_space_nd(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__batch_space_t g;
    int32_t bottom, right;
    mml_status_t st = mml__prep_batch_space(p, "crops", &in, &out, &g, &bottom, &right);
    if (st != MML_OK) {
        return st;
    }
    if (g.bh < 1 || g.bw < 1 || g.in_b % ((int64_t)g.bh * g.bw) != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "block shape must divide the batch %d",
            g.in_b);
    }
    if (g.top < 0 || bottom < 0 || g.left < 0 || right < 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "crops must not be negative");
    }
    if ((int64_t)g.in_h * g.bh > INT32_MAX || (int64_t)g.in_w * g.bw > INT32_MAX) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "block shape too large");
    }
    if (g.out_b != g.in_b / ((int64_t)g.bh * g.bw) ||
        g.out_h != (int64_t)g.in_h * g.bh - g.top - bottom ||
        g.out_w != (int64_t)g.in_w * g.bw - g.left - right ||
        out.dims[in.rank - 1] != in.dims[in.rank - 1]) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "output shape does not match block and crops");
    }
    p->eval = eval_batch_to_space;
    mml__batch_space_t *d = (mml__batch_space_t *)mml__prep_persist(p, sizeof(mml__batch_space_t));
    if (!d) {
        return MML_OK;
    }
    *d = g;
    d->input = mml__prep_loc(p, &in);
    d->output = mml__prep_loc(p, &out);
    return MML_OK;
}

#endif // MML_OP_ON(BATCH_TO_SPACE_ND)
