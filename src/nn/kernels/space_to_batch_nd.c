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
    mml__batch_space_t g;
    int32_t pad; // byte value of the padding
} space_to_batch_t;

static mml_status_t eval_space_to_batch(const mml_eval_ctx_t *ctx, void *data) {
    const space_to_batch_t *r = (const space_to_batch_t *)data;
    const mml__batch_space_t *d = &r->g;
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
                    memset(out, r->pad, d->size);
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
    mml__batch_space_t g;
    int32_t bottom, right;
    mml_status_t st = mml__prep_batch_space(p, "paddings", &in, &out, &g, &bottom, &right);
    if (st != MML_OK) {
        return st;
    }
    if (g.bh < 1 || g.bw < 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "block shape must be positive");
    }
    if (g.top < 0 || bottom < 0 || g.left < 0 || right < 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "paddings must not be negative");
    }
    int64_t ph = (int64_t)g.in_h + g.top + bottom, pw = (int64_t)g.in_w + g.left + right;
    if (ph > INT32_MAX || pw > INT32_MAX) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "paddings too large");
    }
    if (ph % g.bh != 0 || pw % g.bw != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "block shape must divide the padded height %d and width %d", (int32_t)ph, (int32_t)pw);
    }
    if (g.out_b != (int64_t)g.in_b * g.bh * g.bw || g.out_h != ph / g.bh || g.out_w != pw / g.bw ||
        out.dims[in.rank - 1] != in.dims[in.rank - 1]) {
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
    d->g = g;
    d->g.input = mml__prep_loc(p, &in);
    d->g.output = mml__prep_loc(p, &out);
    d->pad = pad;
    return MML_OK;
}

#endif // MML_OP_ON(SPACE_TO_BATCH_ND)
