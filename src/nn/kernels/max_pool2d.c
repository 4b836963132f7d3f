// SPDX-License-Identifier: MIT
// MAX_POOL_2D: maximum over each window of [N,H,W,C] (padding ignored), with fused activation.
// int8 and float32, as TFLite's reference kernels.
#include <float.h>
#include "nn/kernel.h"
#include "nn/kernels/window.h"
#include "nn/ops.h"

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const mml__pool2d_t *d = (const mml__pool2d_t *)data;
    const mml__window_t *w = &d->w;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->input);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->output);
    const int32_t depth = d->depth;
    for (int32_t b = 0; b < w->batches; b++) {
        const int8_t *in_b = in + (size_t)b * w->in_h * w->in_w * depth;
        for (int32_t oy = 0; oy < w->out_h; oy++) {
            const int32_t iy0 = oy * w->stride_h - w->pad_h;
            const int32_t fy0 = iy0 < 0 ? -iy0 : 0;
            const int32_t fy1 = w->filt_h < w->in_h - iy0 ? w->filt_h : w->in_h - iy0;
            for (int32_t ox = 0; ox < w->out_w; ox++) {
                const int32_t ix0 = ox * w->stride_w - w->pad_w;
                const int32_t fx0 = ix0 < 0 ? -ix0 : 0;
                const int32_t fx1 = w->filt_w < w->in_w - ix0 ? w->filt_w : w->in_w - ix0;
                const int32_t x0 = ix0 + fx0, nx = fx1 - fx0; // the clipped columns
                for (int32_t c = 0; c < depth; c++) {
                    int32_t m = -128;
                    for (int32_t fy = fy0; fy < fy1; fy++) {
                        const int8_t *row = in_b + ((size_t)(iy0 + fy) * w->in_w + x0) * depth + c;
                        for (int32_t fx = 0; fx < nx; fx++) {
                            int32_t v = row[(size_t)fx * depth];
                            m = v > m ? v : m;
                        }
                    }
                    m = m < d->act_min ? d->act_min : m > d->act_max ? d->act_max : m;
                    *out++ = (int8_t)m;
                }
            }
        }
    }
    return MML_OK;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const mml__pool2d_t *d = (const mml__pool2d_t *)data;
    const mml__window_t *w = &d->w;
    const float *in = (const float *)mml__ptr(ctx, d->input);
    float *out = (float *)mml__ptr(ctx, d->output);
    const int32_t depth = d->depth;
    for (int32_t b = 0; b < w->batches; b++) {
        const float *in_b = in + (size_t)b * w->in_h * w->in_w * depth;
        for (int32_t oy = 0; oy < w->out_h; oy++) {
            const int32_t iy0 = oy * w->stride_h - w->pad_h;
            const int32_t fy0 = iy0 < 0 ? -iy0 : 0;
            const int32_t fy1 = w->filt_h < w->in_h - iy0 ? w->filt_h : w->in_h - iy0;
            for (int32_t ox = 0; ox < w->out_w; ox++) {
                const int32_t ix0 = ox * w->stride_w - w->pad_w;
                const int32_t fx0 = ix0 < 0 ? -ix0 : 0;
                const int32_t fx1 = w->filt_w < w->in_w - ix0 ? w->filt_w : w->in_w - ix0;
                const int32_t x0 = ix0 + fx0, nx = fx1 - fx0; // the clipped columns
                for (int32_t c = 0; c < depth; c++) {
                    float m = -FLT_MAX;
                    for (int32_t fy = fy0; fy < fy1; fy++) {
                        const float *row = in_b + ((size_t)(iy0 + fy) * w->in_w + x0) * depth + c;
                        for (int32_t fx = 0; fx < nx; fx++) {
                            float v = row[(size_t)fx * depth];
                            // std::max(m, v): keeps m unless m < v (NaN inputs skipped alike).
                            m = m < v ? v : m;
                        }
                    }
                    m = m < d->act_min_f ? d->act_min_f : m > d->act_max_f ? d->act_max_f : m;
                    *out++ = m;
                }
            }
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_max_pool2d(mml_prep_t *p) {
    mml__pool2d_t *d;
    uint8_t dtype = 0;
    mml_status_t st = mml__pool2d_prepare(p, &d, &dtype);
    if (st != MML_OK) {
        return st;
    }
    p->eval = dtype == MML_INT8 ? eval_s8 : eval_f32;
    return MML_OK;
}
