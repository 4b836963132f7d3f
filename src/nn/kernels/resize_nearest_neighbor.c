// SPDX-License-Identifier: MIT
// RESIZE_NEAREST_NEIGHBOR: [N,H,W,C] -> [N,OH,OW,C] (constant int32 size [OH, OW]), each output
// pixel a copy of one input pixel picked as TFLite's reference does in float (align_corners:
// rounded, else floored; half_pixel_centers: +0.5 before scaling); any fixed-size dtype.
#include <string.h>
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(RESIZE_NEAREST_NEIGHBOR)

enum { OPT_ALIGN_CORNERS = 0, OPT_HALF_PIXEL_CENTERS = 1 };

typedef struct {
    uint32_t input, output, size; // size: bytes per pixel
    int32_t n, in_h, in_w, out_h, out_w;
    float scale_h, scale_w;
    uint8_t align_corners, half_pixel;
} resize_nn_t;

// TFLite's GetNearestNeighbor: the input index of output index v.
static int32_t nearest(int32_t v, int32_t in_size, float scale, uint8_t align, uint8_t half) {
    float at = ((float)v + (half ? 0.5f : 0.0f)) * scale; // >= 0
    int32_t i = align ? (int32_t)mml__roundf(at) : (int32_t)at;
    i = i < in_size - 1 ? i : in_size - 1;
    return half && i < 0 ? 0 : i;
}

static mml_status_t eval_resize_nn(const mml_eval_ctx_t *ctx, void *data) {
    const resize_nn_t *d = (const resize_nn_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->input);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    const size_t row = (size_t)d->in_w * d->size;
    for (int32_t b = 0; b < d->n; b++, in += (size_t)d->in_h * row) {
        for (int32_t y = 0; y < d->out_h; y++) {
            const uint8_t *in_row =
                in + (size_t)nearest(y, d->in_h, d->scale_h, d->align_corners, d->half_pixel) * row;
            for (int32_t x = 0; x < d->out_w; x++, out += d->size) {
                int32_t ix = nearest(x, d->in_w, d->scale_w, d->align_corners, d->half_pixel);
                memcpy(out, in_row + (size_t)ix * d->size, d->size);
            }
        }
    }
    return MML_OK;
}

// TFLite's scale: (in - 1) / (out - 1) with align_corners (out > 1), else in / out, in float.
static float scale_of(int32_t in, int32_t out, uint8_t align) {
    return align && out > 1 ? (float)(in - 1) / (float)(out - 1) : (float)in / (float)out;
}

mml_status_t mml__prepare_resize_nearest_neighbor(mml_prep_t *p) {
    mml__tensor_t in, size_t_, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_input(p, 1, &size_t_)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK ||
        (st = mml__prep_check_elems(p, &in)) != MML_OK ||
        (st = mml__prep_check_elems(p, &out)) != MML_OK) {
        return st;
    }
    if (out.dtype != in.dtype || mml_dtype_size((mml_dtype_t)in.dtype) == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if (size_t_.dtype != MML_INT32 || size_t_.rank != 1 || size_t_.elems != 2) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "size must be an int32 vector of 2");
    }
    if (!size_t_.is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant size unsupported");
    }
    int32_t oh = (int32_t)mml__rd_u32(size_t_.data), ow = (int32_t)mml__rd_u32(size_t_.data + 4);
    if (in.rank != 4 || out.rank != 4 || out.dims[0] != in.dims[0] || out.dims[3] != in.dims[3] ||
        out.dims[1] != oh || out.dims[2] != ow) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "input and output must be 4-D, output [N,%d,%d,C]", oh, ow);
    }
    uint8_t align = mml__opt_u8(p, OPT_ALIGN_CORNERS, 0) != 0;
    uint8_t half = mml__opt_u8(p, OPT_HALF_PIXEL_CENTERS, 0) != 0;
    p->eval = eval_resize_nn;
    resize_nn_t *d = (resize_nn_t *)mml__prep_persist(p, sizeof(resize_nn_t));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->output = mml__prep_loc(p, &out);
    d->size = (uint32_t)in.dims[3] * mml_dtype_size((mml_dtype_t)in.dtype);
    d->n = in.dims[0];
    d->in_h = in.dims[1];
    d->in_w = in.dims[2];
    d->out_h = oh;
    d->out_w = ow;
    d->scale_h = scale_of(in.dims[1], oh, align);
    d->scale_w = scale_of(in.dims[2], ow, align);
    d->align_corners = align;
    d->half_pixel = half;
    return MML_OK;
}

#endif // MML_OP_ON(RESIZE_NEAREST_NEIGHBOR)
