// SPDX-License-Identifier: MIT
// CONV_2D int8, scalar variant for cores without DSP instructions (Cortex-M0/M0+/M3, RISC-V
// rv32imc; nn_s8.h): im2col of each output pixel into an int32 column holding the input offset
// already, then four filter rows at a time against it; equal to mml__conv2d_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_s8.h"
#include "nn/kernels/prim_scalar.h"
#include "nn/ops.h"

#if MML_ARCH_SCALAR && MML_OP_ON(CONV_2D)

static int32_t col_len(const mml__conv_s8_t *p) {
    return p->w.filt_h * p->w.filt_w * p->in_c;
}

// One int32 column of k values.
uint32_t mml__conv2d_s8_scalar_scratch(const mml__conv_s8_t *p) {
    return 4u * (uint32_t)col_len(p);
}

// Output pixel pix's window plus the input offset as int32 column col: taps outside the input
// hold 0, as the reference skips them.
static void gather(const mml__conv_s8_t *p, const int8_t *in_b, int32_t pix, int32_t *col) {
    const mml__window_t *w = &p->w;
    const int32_t in_c = p->in_c, off = p->q.input_offset;
    const int32_t iy0 = (pix / w->out_w) * w->stride_h - w->pad_h;
    const int32_t ix0 = (pix % w->out_w) * w->stride_w - w->pad_w;
    if (w->filt_h == 1 && w->filt_w == 1) { // always inside (window_prepare)
        mml__widen_s8(in_b + ((size_t)iy0 * w->in_w + (size_t)ix0) * in_c, col, in_c, off);
        return;
    }
    for (int32_t fy = 0; fy < w->filt_h; fy++) {
        const int32_t iy = iy0 + fy * w->dil_h;
        for (int32_t fx = 0; fx < w->filt_w; fx++, col += in_c) {
            const int32_t ix = ix0 + fx * w->dil_w;
            if (iy < 0 || iy >= w->in_h || ix < 0 || ix >= w->in_w) {
                for (int32_t c = 0; c < in_c; c++) {
                    col[c] = 0;
                }
            } else {
                mml__widen_s8(in_b + ((size_t)iy * w->in_w + (size_t)ix) * in_c, col, in_c, off);
            }
        }
    }
}

void mml__conv2d_s8_scalar(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, void *scratch) {
    const mml__window_t *w = &p->w;
    const int32_t k = col_len(p), out_c = p->out_c;
    const int32_t npix = w->out_h * w->out_w;
    int32_t *col = (int32_t *)scratch;
    const int32_t *mult = p->q.mult;
    const int8_t *shift = p->q.shift;
    const int32_t off = p->q.output_offset, lo = p->q.act_min, hi = p->q.act_max;
    for (int32_t b = 0; b < w->batches; b++) {
        const int8_t *in_b = in + (size_t)b * w->in_h * w->in_w * p->in_c;
        int8_t *o = out + (size_t)b * npix * out_c;
        for (int32_t pix = 0; pix < npix; pix++, o += out_c) {
            gather(p, in_b, pix, col);
            const int8_t *f = filter;
            int32_t oc = 0;
            for (; oc + 3 < out_c; oc += 4, f += 4 * (size_t)k) {
                uint32_t acc[4] = {0u, 0u, 0u, 0u};
                if (bias) {
                    acc[0] = (uint32_t)bias[oc];
                    acc[1] = (uint32_t)bias[oc + 1];
                    acc[2] = (uint32_t)bias[oc + 2];
                    acc[3] = (uint32_t)bias[oc + 3];
                }
                mml__dot_4r_s8_i32(f, k, col, k, acc);
                for (int32_t r = 0; r < 4; r++) {
                    o[oc + r] = mml__requant_s8(acc[r], mult[oc + r], shift[oc + r], off, lo, hi);
                }
            }
            for (; oc < out_c; oc++, f += k) {
                const uint32_t acc = mml__dot_1r_s8_i32(f, col, k, bias ? (uint32_t)bias[oc] : 0u);
                o[oc] = mml__requant_s8(acc, mult[oc], shift[oc], off, lo, hi);
            }
        }
    }
}
#endif // MML_ARCH_SCALAR && MML_OP_ON(CONV_2D)
