// SPDX-License-Identifier: MIT
// DEPTHWISE_CONV_2D int8, Cortex-M DSP variant (nn_s8.h), depth multiplier 1 or a multiple of
// 4: four output channels at a time, input plus offset by SXTAB16 (or one input value for all
// four), products by SMLABB/SMLATT; equal to mml__depthwise_conv2d_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_arm.h"
#include "nn/kernels/prim_s8.h"
#include "nn/ops.h"

#if MML_ARCH_ARM_DSP && MML_OP_ON(DEPTHWISE_CONV_2D)

// Depth multiplier a multiple of 4: the four output channels c..c+3 share input channel
// c / depth_multiplier, its value plus offset in both halves of one word.
static void dwconv_mult4(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out) {
    const mml__window_t *w = &p->w;
    const int32_t in_c = p->in_c, ch = p->out_c, dm = p->depth_multiplier;
    const int32_t in_h = w->in_h, in_w = w->in_w, filt_h = w->filt_h, filt_w = w->filt_w;
    const size_t row_step = (size_t)w->dil_h * in_w * in_c; // input, one filter row down
    const size_t x_step = (size_t)w->dil_w * in_c;          // input, one filter tap right
    const size_t frow_step = (size_t)filt_w * ch;           // filter, one row down
    const int32_t in_offset = p->q.input_offset;
    const int32_t *mult = p->q.mult;
    const int8_t *shift = p->q.shift;
    const int32_t off = p->q.output_offset, lo = p->q.act_min, hi = p->q.act_max;
    for (int32_t b = 0; b < w->batches; b++) {
        const int8_t *in_b = in + (size_t)b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < w->out_h; oy++) {
            const int32_t iy0 = oy * w->stride_h - w->pad_h;
            int32_t fy0, fy1;
            mml__window_taps(iy0, w->dil_h, filt_h, in_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < w->out_w; ox++) {
                const mml__window_view_t v =
                    mml__window_view(w, iy0, fy0, fy1, ox * w->stride_w - w->pad_w);
                const int8_t *in_0 = in_b + v.in_pixel * in_c;
                const int8_t *f_0 = filter + v.tap * ch;
                for (int32_t c = 0; c < ch; c += 4) {
                    uint32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    if (bias) {
                        a0 = (uint32_t)bias[c];
                        a1 = (uint32_t)bias[c + 1];
                        a2 = (uint32_t)bias[c + 2];
                        a3 = (uint32_t)bias[c + 3];
                    }
                    const int8_t *irow = in_0 + c / dm;
                    const int8_t *frow = f_0 + c;
                    for (int32_t fy = 0; fy < v.ny; fy++) {
                        const int8_t *ip = irow;
                        const int8_t *fp = frow;
                        for (int32_t fx = 0; fx < v.nx; fx++) {
                            const uint32_t x = (uint32_t)(*ip + in_offset) & 0xFFFFu;
                            const uint32_t xx = x | (x << 16), f = mml__ld32(fp);
                            const uint32_t f02 = mml__sxtb16(f), f13 = mml__sxtb16_ror8(f);
                            a0 = mml__smlabb(xx, f02, a0);
                            a2 = mml__smlatt(xx, f02, a2);
                            a1 = mml__smlabb(xx, f13, a1);
                            a3 = mml__smlatt(xx, f13, a3);
                            ip += x_step;
                            fp += ch;
                        }
                        irow += row_step;
                        frow += frow_step;
                    }
                    out[c] = mml__requant_s8(a0, mult[c], shift[c], off, lo, hi);
                    out[c + 1] = mml__requant_s8(a1, mult[c + 1], shift[c + 1], off, lo, hi);
                    out[c + 2] = mml__requant_s8(a2, mult[c + 2], shift[c + 2], off, lo, hi);
                    out[c + 3] = mml__requant_s8(a3, mult[c + 3], shift[c + 3], off, lo, hi);
                }
                out += ch;
            }
        }
    }
}

// One tap of four channels: input word x plus offset (off2 in both halves), filter word f.
#define DW_TAP4(XP, FP)                                                                            \
    do {                                                                                           \
        const uint32_t x_ = mml__ld32(XP), f_ = mml__ld32(FP);                                     \
        const uint32_t x02_ = mml__sxtab16(off2, x_), x13_ = mml__sxtab16_ror8(off2, x_);          \
        const uint32_t f02_ = mml__sxtb16(f_), f13_ = mml__sxtb16_ror8(f_);                        \
        a0 = mml__smlabb(x02_, f02_, a0);                                                          \
        a2 = mml__smlatt(x02_, f02_, a2);                                                          \
        a1 = mml__smlabb(x13_, f13_, a1);                                                          \
        a3 = mml__smlatt(x13_, f13_, a3);                                                          \
    } while (0)

// An output pixel whose 3x3 window (depth multiplier 1) lies inside the input: the channels in
// blocks of four, the nine taps unrolled (the filter taps are ch apart). Returns the channels
// done (a multiple of 4); the caller finishes the rest.
static int32_t dwconv3x3_block(const int8_t *in_0, const int8_t *f_0, int32_t ch, size_t x_step,
    size_t row_step, uint32_t off2, const int32_t *bias, const mml__quant_s8_t *q, int8_t *out) {
    const int32_t off = q->output_offset, lo = q->act_min, hi = q->act_max;
    int32_t c = 0;
    for (; c + 3 < ch; c += 4) {
        uint32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        if (bias) {
            a0 = (uint32_t)bias[c];
            a1 = (uint32_t)bias[c + 1];
            a2 = (uint32_t)bias[c + 2];
            a3 = (uint32_t)bias[c + 3];
        }
        const int8_t *ip = in_0 + c, *fp = f_0 + c;
        for (int32_t fy = 0; fy < 3; fy++) {
            DW_TAP4(ip, fp);
            DW_TAP4(ip + x_step, fp + ch);
            DW_TAP4(ip + 2 * x_step, fp + 2 * ch);
            ip += row_step;
            fp += 3 * ch;
        }
        out[c] = mml__requant_s8(a0, q->mult[c], q->shift[c], off, lo, hi);
        out[c + 1] = mml__requant_s8(a1, q->mult[c + 1], q->shift[c + 1], off, lo, hi);
        out[c + 2] = mml__requant_s8(a2, q->mult[c + 2], q->shift[c + 2], off, lo, hi);
        out[c + 3] = mml__requant_s8(a3, q->mult[c + 3], q->shift[c + 3], off, lo, hi);
    }
    return c;
}

void mml__depthwise_conv2d_s8_arm(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out) {
    if (p->depth_multiplier != 1) {
        dwconv_mult4(p, in, filter, bias, out);
        return;
    }
    const mml__window_t *w = &p->w;
    const int32_t ch = p->out_c; // == in_c
    const int32_t in_h = w->in_h, in_w = w->in_w, filt_h = w->filt_h, filt_w = w->filt_w;
    const size_t row_step = (size_t)w->dil_h * in_w * ch; // input, one filter row down
    const size_t x_step = (size_t)w->dil_w * ch;          // input, one filter tap right
    const size_t frow_step = (size_t)filt_w * ch;         // filter, one row down
    const int32_t in_offset = p->q.input_offset;
    const uint32_t off2 = ((uint32_t)in_offset & 0xFFFFu) * 0x00010001u;
    const int32_t *mult = p->q.mult;
    const int8_t *shift = p->q.shift;
    const int32_t off = p->q.output_offset, lo = p->q.act_min, hi = p->q.act_max;
    for (int32_t b = 0; b < w->batches; b++) {
        const int8_t *in_b = in + (size_t)b * in_h * in_w * ch;
        for (int32_t oy = 0; oy < w->out_h; oy++) {
            const int32_t iy0 = oy * w->stride_h - w->pad_h;
            int32_t fy0, fy1;
            mml__window_taps(iy0, w->dil_h, filt_h, in_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < w->out_w; ox++) {
                const mml__window_view_t v =
                    mml__window_view(w, iy0, fy0, fy1, ox * w->stride_w - w->pad_w);
                const int8_t *in_0 = in_b + v.in_pixel * ch;
                const int8_t *f_0 = filter + v.tap * ch;
                int32_t c = 0;
                if (v.ny == 3 && v.nx == 3 && filt_w == 3) { // a whole 3x3 window: unrolled
                    c = dwconv3x3_block(in_0, f_0, ch, x_step, row_step, off2, bias, &p->q, out);
                }
                for (; c + 3 < ch; c += 4) {
                    uint32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    if (bias) {
                        a0 = (uint32_t)bias[c];
                        a1 = (uint32_t)bias[c + 1];
                        a2 = (uint32_t)bias[c + 2];
                        a3 = (uint32_t)bias[c + 3];
                    }
                    const int8_t *irow = in_0 + c;
                    const int8_t *frow = f_0 + c;
                    for (int32_t fy = 0; fy < v.ny; fy++) {
                        const int8_t *ip = irow;
                        const int8_t *fp = frow;
                        for (int32_t fx = 0; fx < v.nx; fx++) {
                            const uint32_t x = mml__ld32(ip), f = mml__ld32(fp);
                            const uint32_t x02 = mml__sxtab16(off2, x);
                            const uint32_t x13 = mml__sxtab16_ror8(off2, x);
                            const uint32_t f02 = mml__sxtb16(f), f13 = mml__sxtb16_ror8(f);
                            a0 = mml__smlabb(x02, f02, a0);
                            a2 = mml__smlatt(x02, f02, a2);
                            a1 = mml__smlabb(x13, f13, a1);
                            a3 = mml__smlatt(x13, f13, a3);
                            ip += x_step;
                            fp += ch;
                        }
                        irow += row_step;
                        frow += frow_step;
                    }
                    out[c] = mml__requant_s8(a0, mult[c], shift[c], off, lo, hi);
                    out[c + 1] = mml__requant_s8(a1, mult[c + 1], shift[c + 1], off, lo, hi);
                    out[c + 2] = mml__requant_s8(a2, mult[c + 2], shift[c + 2], off, lo, hi);
                    out[c + 3] = mml__requant_s8(a3, mult[c + 3], shift[c + 3], off, lo, hi);
                }
                for (; c < ch; c++) {
                    uint32_t acc = bias ? (uint32_t)bias[c] : 0u;
                    const int8_t *irow = in_0 + c;
                    const int8_t *frow = f_0 + c;
                    for (int32_t fy = 0; fy < v.ny; fy++) {
                        for (int32_t fx = 0; fx < v.nx; fx++) {
                            acc += (uint32_t)((int32_t)frow[(size_t)fx * ch] *
                                ((int32_t)irow[(size_t)fx * x_step] + in_offset));
                        }
                        irow += row_step;
                        frow += frow_step;
                    }
                    out[c] = mml__requant_s8(acc, mult[c], shift[c], off, lo, hi);
                }
                out += ch;
            }
        }
    }
}
#endif // MML_ARCH_ARM_DSP && MML_OP_ON(DEPTHWISE_CONV_2D)
