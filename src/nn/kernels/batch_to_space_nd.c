// SPDX-License-Identifier: MIT
// BATCH_TO_SPACE_ND: [B*bh*bw, H, W, C] -> [B, H*bh - crops, W*bw - crops, C] (3-D [N,H,C] input:
// one spatial dimension) with constant block shape and crops, any fixed-size dtype; pixels that
// land in the crops are dropped, as TFLite's reference does.
#include <string.h>
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(BATCH_TO_SPACE_ND)

typedef struct {
    uint32_t input, output, size; // size: bytes per pixel (depth x element size)
    int32_t in_b, in_h, in_w;
    int32_t out_b, out_h, out_w;
    int32_t bh, bw, top, left;
} batch_to_space_t;

static mml_status_t eval_batch_to_space(const mml_eval_ctx_t *ctx, void *data) {
    const batch_to_space_t *d = (const batch_to_space_t *)data;
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
    int32_t block[2], crops[4];
    uint32_t nb = 0, nc = 0;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 3, 3, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK ||
        (st = mml__prep_check_elems(p, &in)) != MML_OK ||
        (st = mml__prep_check_elems(p, &out)) != MML_OK ||
        (st = mml__prep_const_ints(p, 1, "block_shape", block, 2, &nb)) != MML_OK ||
        (st = mml__prep_const_pairs(p, 2, "crops", crops, 4, &nc)) != MML_OK) {
        return st;
    }
    if (out.dtype != in.dtype || mml_dtype_size((mml_dtype_t)in.dtype) == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if ((in.rank != 3 && in.rank != 4) || out.rank != in.rank) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input and output must be 3-D or 4-D");
    }
    uint32_t spatial = in.rank - 2u;
    if (nb != spatial || nc != 2 * spatial) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "block_shape needs %u values and crops %u",
            spatial, 2 * spatial);
    }
    int32_t bw = spatial == 2 ? block[1] : 1, left = spatial == 2 ? crops[2] : 0;
    int32_t right = spatial == 2 ? crops[3] : 0, in_w = spatial == 2 ? in.dims[2] : 1;
    int32_t out_w = spatial == 2 ? out.dims[2] : 1, c = in.dims[in.rank - 1];
    int32_t bh = block[0];
    if (bh < 1 || bw < 1 || in.dims[0] % ((int64_t)bh * bw) != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "block shape must divide the batch %d",
            in.dims[0]);
    }
    if (crops[0] < 0 || crops[1] < 0 || left < 0 || right < 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "crops must not be negative");
    }
    if ((int64_t)in.dims[1] * bh > INT32_MAX || (int64_t)in_w * bw > INT32_MAX) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "block shape too large");
    }
    if (out.dims[0] != in.dims[0] / ((int64_t)bh * bw) ||
        out.dims[1] != (int64_t)in.dims[1] * bh - crops[0] - crops[1] ||
        out_w != (int64_t)in_w * bw - left - right || out.dims[in.rank - 1] != c) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "output shape does not match block and crops");
    }
    p->eval = eval_batch_to_space;
    batch_to_space_t *d = (batch_to_space_t *)mml__prep_persist(p, sizeof(batch_to_space_t));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->output = mml__prep_loc(p, &out);
    d->size = (uint32_t)c * mml_dtype_size((mml_dtype_t)in.dtype);
    d->in_b = in.dims[0];
    d->in_h = in.dims[1];
    d->in_w = in_w;
    d->out_b = out.dims[0];
    d->out_h = out.dims[1];
    d->out_w = out_w;
    d->bh = bh;
    d->bw = bw;
    d->top = crops[0];
    d->left = left;
    return MML_OK;
}

#endif // MML_OP_ON(BATCH_TO_SPACE_ND)
