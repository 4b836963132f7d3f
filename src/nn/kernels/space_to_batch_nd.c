// SPDX-License-Identifier: MIT
// SPACE_TO_BATCH_ND: [B, H, W, C] padded by constant paddings, then each bh x bw block offset
// into its own batch: [B*bh*bw, (H+pads)/bh, (W+pads)/bw, C] (3-D [N,H,C] input: one spatial
// dimension); any fixed-size dtype. Padding holds real zero: 0, or the int8 zero point (input and
// output quantization must then be equal).
#include <string.h>
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(SPACE_TO_BATCH_ND)

typedef struct {
    uint32_t input, output, size; // size: bytes per pixel (depth x element size)
    int32_t in_b, in_h, in_w;
    int32_t out_b, out_h, out_w;
    int32_t bh, bw, top, left;
    int32_t pad; // byte value of the padding
} space_to_batch_t;

static mml_status_t eval_space_to_batch(const mml_eval_ctx_t *ctx, void *data) {
    const space_to_batch_t *d = (const space_to_batch_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->input);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    for (int32_t ob = 0; ob < d->out_b; ob++) {
        int32_t b = ob % d->in_b, shift = ob / d->in_b;
        int32_t sy = shift / d->bw - d->top, sx = shift % d->bw - d->left;
        for (int32_t oy = 0; oy < d->out_h; oy++) {
            int32_t y = oy * d->bh + sy;
            for (int32_t ox = 0; ox < d->out_w; ox++, out += d->size) {
                int32_t x = ox * d->bw + sx;
                if (y < 0 || y >= d->in_h || x < 0 || x >= d->in_w) {
                    memset(out, d->pad, d->size);
                } else {
                    memcpy(out, in + (((size_t)b * d->in_h + y) * d->in_w + x) * d->size, d->size);
                }
            }
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_space_to_batch_nd(mml_prep_t *p) {
    mml__tensor_t in, out;
    int32_t block[2], pads[4];
    uint32_t nb = 0, np = 0;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 3, 3, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK ||
        (st = mml__prep_check_elems(p, &in)) != MML_OK ||
        (st = mml__prep_check_elems(p, &out)) != MML_OK ||
        (st = mml__prep_const_ints(p, 1, "block_shape", block, 2, &nb)) != MML_OK ||
        (st = mml__prep_const_pairs(p, 2, "paddings", pads, 4, &np)) != MML_OK) {
        return st;
    }
    if (out.dtype != in.dtype || mml_dtype_size((mml_dtype_t)in.dtype) == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if ((in.rank != 3 && in.rank != 4) || out.rank != in.rank) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input and output must be 3-D or 4-D");
    }
    uint32_t spatial = in.rank - 2u;
    if (nb != spatial || np != 2 * spatial) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "block_shape needs %u values and paddings %u", spatial, 2 * spatial);
    }
    int32_t bh = block[0], bw = spatial == 2 ? block[1] : 1;
    int32_t left = spatial == 2 ? pads[2] : 0, right = spatial == 2 ? pads[3] : 0;
    int32_t in_w = spatial == 2 ? in.dims[2] : 1, out_w = spatial == 2 ? out.dims[2] : 1;
    int32_t c = in.dims[in.rank - 1];
    if (bh < 1 || bw < 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "block shape must be positive");
    }
    if (pads[0] < 0 || pads[1] < 0 || left < 0 || right < 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "paddings must not be negative");
    }
    int64_t ph = (int64_t)in.dims[1] + pads[0] + pads[1], pw = (int64_t)in_w + left + right;
    if (ph > INT32_MAX || pw > INT32_MAX) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "paddings too large");
    }
    if (ph % bh != 0 || pw % bw != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "block shape must divide the padded height %d and width %d", (int32_t)ph, (int32_t)pw);
    }
    if (out.dims[0] != (int64_t)in.dims[0] * bh * bw || out.dims[1] != ph / bh ||
        out_w != pw / bw || out.dims[in.rank - 1] != c) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "output shape does not match block and paddings");
    }
    int32_t pad = 0;
    if (in.dtype == MML_INT8 || in.dtype == MML_UINT8 || in.dtype == MML_INT16) {
        if (in.scales.n != 1 || out.scales.n != 1) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "missing quantization parameters");
        }
        int32_t zp = mml__tensor_zero_point(p->m, &out, 0);
        if (mml__tensor_scale(p->m, &in, 0) != mml__tensor_scale(p->m, &out, 0) ||
            mml__tensor_zero_point(p->m, &in, 0) != zp) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "input and output quantization must be equal");
        }
        if (in.dtype == MML_INT16 && zp != 0) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 zero point must be 0");
        }
        pad = zp & 0xFF;
    }
    p->eval = eval_space_to_batch;
    space_to_batch_t *d = (space_to_batch_t *)mml__prep_persist(p, sizeof(space_to_batch_t));
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
    d->top = pads[0];
    d->left = left;
    d->pad = pad;
    return MML_OK;
}

#endif // MML_OP_ON(SPACE_TO_BATCH_ND)
