// SPDX-License-Identifier: MIT
// CONV_2D int8, Cortex-M DSP variant (nn_s8.h): im2col of two output pixels into int16 columns,
// then a 2x2 SMLAD matrix product against the filter rows; equal to mml__conv2d_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_arm.h"
#include "nn/kernels/prim_rq_arm.h"
#include "nn/kernels/prim_s8.h"
#include "nn/ops.h"

#if MML_ARCH_ARM_DSP && MML_OP_ON(CONV_2D)

// Scratch: two int16 columns of k values interleaved (mml__expand_q15r_step, step 8: 8 int16 per
// 4 values and 8 for the tail), k int8 bytes (rounded up to 4) for gathering one window, then
// the requantization table of the output channels (prim_rq_arm.h).
static uint32_t col_len(const mml__conv_s8_t *p) {
    return (uint32_t)p->w.filt_h * (uint32_t)p->w.filt_w * (uint32_t)p->in_c;
}

uint32_t mml__conv2d_s8_arm_scratch(const mml__conv_s8_t *p) {
    const uint32_t k = col_len(p);
    return 2u * (2u * (k & ~3u) + 8u) + ((k + 3u) & ~3u) + mml__rq_bytes((uint32_t)p->out_c);
}

// Output pixel (oy, ox)'s window plus the input offset as int16 column col
// (mml__expand_q15r_step's layout with step), taps outside the input holding the input zero
// point (-input_offset): their terms f * (zp + offset) are 0, as the reference skips them.
// memcpy and memset for the few bytes of a window row with few channels (first layers: 1 or 3),
// where the library call costs more than the copy.
static inline void copy_bytes(int8_t *dst, const int8_t *src, size_t n) {
    if (n >= 16) {
        memcpy(dst, src, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[i];
    }
}

static inline void fill_bytes(int8_t *dst, int8_t v, size_t n) {
    if (n >= 16) {
        memset(dst, v, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dst[i] = v;
    }
}

static void gather(const mml__conv_s8_t *p, const int8_t *in_b, int32_t oy, int32_t ox, int8_t *buf,
    int16_t *col, int32_t step) {
    const mml__window_t *w = &p->w;
    const int32_t in_c = p->in_c, k = (int32_t)col_len(p);
    if (w->filt_h == 1 && w->filt_w == 1) { // always inside (window_prepare)
        const size_t pix =
            (size_t)(oy * w->stride_h - w->pad_h) * w->in_w + (size_t)(ox * w->stride_w - w->pad_w);
        mml__expand_q15r_step(in_b + pix * in_c, col, in_c, p->q.input_offset, step);
        return;
    }
    const int8_t zp = (int8_t)(-p->q.input_offset);
    const int32_t iy0 = oy * w->stride_h - w->pad_h, ix0 = ox * w->stride_w - w->pad_w;
    const size_t row_bytes = (size_t)w->filt_w * in_c;
    int8_t *dst = buf;
    for (int32_t fy = 0; fy < w->filt_h; fy++, dst += row_bytes) {
        const int32_t iy = iy0 + fy * w->dil_h;
        if (iy < 0 || iy >= w->in_h) {
            fill_bytes(dst, zp, row_bytes);
            continue;
        }
        const int8_t *src = in_b + (size_t)iy * w->in_w * in_c;
        if (w->dil_w == 1 && ix0 >= 0 && ix0 + w->filt_w <= w->in_w) {
            copy_bytes(dst, src + (size_t)ix0 * in_c, row_bytes);
            continue;
        }
        for (int32_t fx = 0; fx < w->filt_w; fx++) {
            const int32_t ix = ix0 + fx * w->dil_w;
            if (ix < 0 || ix >= w->in_w) {
                fill_bytes(dst + (size_t)fx * in_c, zp, (size_t)in_c);
            } else {
                copy_bytes(dst + (size_t)fx * in_c, src + (size_t)ix * in_c, (size_t)in_c);
            }
        }
    }
    mml__expand_q15r_step(buf, col, k, p->q.input_offset, step);
}

// Output channel c by mml__requant_s8: for layers the requantization table refuses and the
// last odd channel (out of line: rare, and its code once).
__attribute__((noinline)) static void conv_out_ref(int8_t *o, uint32_t acc, int32_t c,
    const mml__quant_s8_t *q) {
    o[c] = mml__requant_s8(acc, q->mult[c], q->shift[c], q->output_offset, q->act_min, q->act_max);
}

void mml__conv2d_s8_arm(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, void *scratch) {
    const mml__window_t *w = &p->w;
    const int32_t k = (int32_t)col_len(p), out_c = p->out_c;
    const int32_t npix = w->out_h * w->out_w;
    int16_t *cols = (int16_t *)scratch;
    int8_t *buf = (int8_t *)(cols + 2 * (k & ~3) + 8);
    const int32_t lo = p->q.act_min, hi = p->q.act_max;
    const int full = lo == -128 && hi == 127;
    mml__rq_t *rq;
    uint8_t *sh;
    const int fast = mml__rq_build(&p->q, (uint32_t)out_c, buf + ((k + 3) & ~3), &rq, &sh);
    for (int32_t b = 0; b < w->batches; b++) {
        const int8_t *in_b = in + (size_t)b * w->in_h * w->in_w * p->in_c;
        for (int32_t pix = 0; pix < npix; pix += 2) {
            const int two = pix + 1 < npix;
            // Two pixels: interleaved columns; the last odd one: one plain column.
            gather(p, in_b, pix / w->out_w, pix % w->out_w, buf, cols, two ? 8 : 4);
            if (two) {
                gather(p, in_b, (pix + 1) / w->out_w, (pix + 1) % w->out_w, buf, cols + 4, 8);
            }
            int8_t *out0 = out + ((size_t)b * npix + pix) * out_c;
            int8_t *out1 = out0 + out_c;
            const int8_t *f = filter;
            int32_t oc = 0;
            for (; oc + 1 < out_c; oc += 2, f += 2 * (size_t)k) {
                const uint32_t b0 = bias ? (uint32_t)bias[oc] : 0u;
                const uint32_t b1 = bias ? (uint32_t)bias[oc + 1] : 0u;
                uint32_t acc[4] = {b0, b0, b1, b1};
                if (two) {
                    mml__dot_2x2_s8_q15r(f, k, cols, acc);
                } else {
                    mml__dot_2x1_s8_q15r(f, f + k, cols, k, acc + 1);
                    acc[0] = acc[1];
                    acc[1] = b0;
                }
                if (fast) {
                    const mml__rq_t *r = rq + oc;
                    const uint32_t s0 = sh[oc], s1 = sh[oc + 1];
                    out0[oc] = mml__rq_s8(acc[0], r, s0, full, lo, hi);
                    out0[oc + 1] = mml__rq_s8(acc[2], r + 1, s1, full, lo, hi);
                    if (two) {
                        out1[oc] = mml__rq_s8(acc[1], r, s0, full, lo, hi);
                        out1[oc + 1] = mml__rq_s8(acc[3], r + 1, s1, full, lo, hi);
                    }
                    continue;
                }
                conv_out_ref(out0, acc[0], oc, &p->q);
                conv_out_ref(out0, acc[2], oc + 1, &p->q);
                if (two) {
                    conv_out_ref(out1, acc[1], oc, &p->q);
                    conv_out_ref(out1, acc[3], oc + 1, &p->q);
                }
            }
            if (oc < out_c) { // the last odd channel: its row against each column
                for (int32_t c = 0; c <= two; c++) {
                    uint32_t a = bias ? (uint32_t)bias[oc] : 0u;
                    const int16_t *col = cols + 4 * c;
                    int32_t n = 0;
                    for (; n + 3 < k; n += 4) {
                        const uint32_t wa = mml__ld32(f + n);
                        const int16_t *x = col + (two ? 2 : 1) * n;
                        a = mml__smlad(mml__sxtb16(wa), mml__ld32(x), a);
                        a = mml__smlad(mml__sxtb16_ror8(wa), mml__ld32(x + 2), a);
                    }
                    for (const int16_t *x = col + (two ? 2 : 1) * n; n < k; n++, x++) {
                        a += (uint32_t)(f[n] * *x);
                    }
                    conv_out_ref(c ? out1 : out0, a, oc, &p->q);
                }
            }
        }
    }
}
#endif // MML_ARCH_ARM_DSP && MML_OP_ON(CONV_2D)
