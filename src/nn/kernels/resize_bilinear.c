// SPDX-License-Identifier: MIT
// RESIZE_BILINEAR: [N,H,W,C] -> [N,OH,OW,C] (constant int32 size [OH, OW]) with align_corners or
// half_pixel_centers, as TFLite's reference: float32 interpolates in float (its expression order),
// int8 in 10-bit fixed point (ResizeBilinearInteger, rounding half away from zero).
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(RESIZE_BILINEAR)

enum { OPT_ALIGN_CORNERS = 2, OPT_HALF_PIXEL_CENTERS = 3 };

typedef struct {
    uint32_t input, output;
    int32_t n, in_h, in_w, out_h, out_w, c;
    float scale_h, scale_w;       // float32
    int32_t scale_h10, scale_w10; // int8: scales in Q10
    uint8_t half_pixel;
} resize_bilinear_t;

static int32_t floor_i32(float v) {
    int32_t i = (int32_t)v;
    return (float)i > v ? i - 1 : i;
}

static int32_t ceil_i32(float v) {
    int32_t i = (int32_t)v;
    return (float)i < v ? i + 1 : i;
}

// TFLite's ComputeInterpolationValues: source coordinate and its two neighbours.
static float source_f(int32_t v, float scale, uint8_t half, int32_t in_size, int32_t *lo,
    int32_t *hi) {
    float at = half ? ((float)v + 0.5f) * scale - 0.5f : (float)v * scale;
    int32_t f = floor_i32(at), c = ceil_i32(at);
    *lo = f > 0 ? f : 0;
    *hi = c < in_size - 1 ? c : in_size - 1;
    return at;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const resize_bilinear_t *d = (const resize_bilinear_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->input);
    float *out = (float *)mml__ptr(ctx, d->output);
    const int32_t c = d->c;
    for (int32_t b = 0; b < d->n; b++) {
        const float *img = in + (size_t)b * d->in_h * d->in_w * c;
        for (int32_t y = 0; y < d->out_h; y++) {
            int32_t y0, y1;
            float iy = source_f(y, d->scale_h, d->half_pixel, d->in_h, &y0, &y1);
            float dy = iy - (float)y0;
            for (int32_t x = 0; x < d->out_w; x++) {
                int32_t x0, x1;
                float ix = source_f(x, d->scale_w, d->half_pixel, d->in_w, &x0, &x1);
                float dx = ix - (float)x0;
                const float *p00 = img + ((size_t)y0 * d->in_w + x0) * c;
                const float *p10 = img + ((size_t)y1 * d->in_w + x0) * c;
                const float *p01 = img + ((size_t)y0 * d->in_w + x1) * c;
                const float *p11 = img + ((size_t)y1 * d->in_w + x1) * c;
                for (int32_t k = 0; k < c; k++) {
                    float v = p00[k] * (1.0f - dy) * (1.0f - dx) + p10[k] * dy * (1.0f - dx) +
                        p01[k] * (1.0f - dy) * dx + p11[k] * dy * dx;
                    *out++ = v + 0.0f; // TFLite adds its rounding offset, 0 for float
                }
            }
        }
    }
    return MML_OK;
}

// TFLite's ComputeInterpolationValuesInteger: Q10 source coordinate and its two neighbours.
static int32_t source_q10(int32_t v, int32_t scale10, uint8_t half, int32_t in_size, int32_t *lo,
    int32_t *hi) {
    int32_t at = half ? v * scale10 + scale10 / 2 - (1 << 9) : v * scale10;
    int32_t f = at / (1 << 10), c = (at + (1 << 10) - 1) / (1 << 10);
    *lo = f > 0 ? f : 0;
    *hi = c < in_size - 1 ? c : in_size - 1;
    return at;
}

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const resize_bilinear_t *d = (const resize_bilinear_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->input);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->output);
    const int32_t c = d->c;
    for (int32_t b = 0; b < d->n; b++) {
        const int8_t *img = in + (size_t)b * d->in_h * d->in_w * c;
        for (int32_t y = 0; y < d->out_h; y++) {
            int32_t y0, y1;
            int32_t iy = source_q10(y, d->scale_h10, d->half_pixel, d->in_h, &y0, &y1);
            int64_t wy1 = iy - (1 << 10) * y0, wy0 = (1 << 10) - wy1;
            for (int32_t x = 0; x < d->out_w; x++) {
                int32_t x0, x1;
                int32_t ix = source_q10(x, d->scale_w10, d->half_pixel, d->in_w, &x0, &x1);
                int64_t wx1 = ix - (1 << 10) * x0, wx0 = (1 << 10) - wx1;
                const int8_t *p00 = img + ((size_t)y0 * d->in_w + x0) * c;
                const int8_t *p10 = img + ((size_t)y1 * d->in_w + x0) * c;
                const int8_t *p01 = img + ((size_t)y0 * d->in_w + x1) * c;
                const int8_t *p11 = img + ((size_t)y1 * d->in_w + x1) * c;
                for (int32_t k = 0; k < c; k++) {
                    int64_t v20 = p00[k] * wy0 * wx0 + p10[k] * wy1 * wx0 + p01[k] * wy0 * wx1 +
                        p11[k] * wy1 * wx1;
                    int64_t round = v20 > 0 ? (1 << 19) : -(1 << 19);
                    *out++ = (int8_t)((v20 + round) / (1 << 20));
                }
            }
        }
    }
    return MML_OK;
}

// Q10 scale, rounded: (1024 * in + out / 2) / out.
static int32_t scale_q10(int32_t in, int32_t out) {
    return ((1 << 10) * in + out / 2) / out;
}

mml_status_t mml__prepare_resize_bilinear(mml_prep_t *p) {
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
    if (out.dtype != in.dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if (in.dtype != MML_FLOAT32 && in.dtype != MML_INT8) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
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
    // The Q10 coordinates must stay in int32 (TFLite computes them in int32 too).
    if (in.dims[1] > 1 << 20 || in.dims[2] > 1 << 20 || oh > 1 << 20 || ow > 1 << 20) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "sizes above 2^20 unsupported");
    }
    uint8_t align = mml__opt_u8(p, OPT_ALIGN_CORNERS, 0) != 0;
    uint8_t half = mml__opt_u8(p, OPT_HALF_PIXEL_CENTERS, 0) != 0;
    if (align && half) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "align_corners and half_pixel_centers both set");
    }
    int32_t ih = in.dims[1], iw = in.dims[2];
    p->eval = in.dtype == MML_INT8 ? eval_s8 : eval_f32;
    p->macs = (uint64_t)out.elems * 4;
    resize_bilinear_t *d = (resize_bilinear_t *)mml__prep_persist(p, sizeof(resize_bilinear_t));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->output = mml__prep_loc(p, &out);
    d->n = in.dims[0];
    d->in_h = ih;
    d->in_w = iw;
    d->out_h = oh;
    d->out_w = ow;
    d->c = in.dims[3];
    d->scale_h = align && oh > 1 ? (float)(ih - 1) / (float)(oh - 1) : (float)ih / (float)oh;
    d->scale_w = align && ow > 1 ? (float)(iw - 1) / (float)(ow - 1) : (float)iw / (float)ow;
    d->scale_h10 = align && oh > 1 ? scale_q10(ih - 1, oh - 1) : scale_q10(ih, oh);
    d->scale_w10 = align && ow > 1 ? scale_q10(iw - 1, ow - 1) : scale_q10(iw, ow);
    d->half_pixel = half;
    return MML_OK;
}

#endif // MML_OP_ON(RESIZE_BILINEAR)
