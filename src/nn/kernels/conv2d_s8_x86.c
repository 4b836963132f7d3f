// SPDX-License-Identifier: MIT
// CONV_2D int8, x86-64 SIMD variant (nn_s8.h; AVX2 or SSE4.1, prim_x86.h): each output pixel's
// window plus the input offset gathered into an int16 column, then eight filter rows at a time
// against it (PMADDWD), eight channels requantized together; equal to mml__conv2d_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_x86.h"
#include "nn/ops.h"

#if MML_ARCH_X86 && MML_OP_ON(CONV_2D)

// Scratch: the int16 column (k values rounded up to MML_X86_K, zeros after k) and the int8 window
// (k bytes, rounded up to 4). A filter row's last partial block is read MML_X86_K bytes wide,
// its bytes past the row (the next row's) meeting the column's zeros; only for the last rows,
// where that would read past the end of the filter, is it copied zero-padded into the scratch's
// tails (MML_X86_K bytes per row).
static uint32_t col_len(const mml__conv_s8_t *p) {
    return (uint32_t)p->w.filt_h * (uint32_t)p->w.filt_w * (uint32_t)p->in_c;
}

static uint32_t col_padded(uint32_t k) {
    return (k + MML_X86_K - 1u) & ~(uint32_t)(MML_X86_K - 1);
}

// The first filter row whose padded block would read past the filter (out_c: none).
static int32_t tail_row0(const mml__conv_s8_t *p) {
    const uint32_t k = col_len(p), kp = col_padded(k), total = (uint32_t)p->out_c * k;
    if (k == kp) {
        return p->out_c;
    }
    return total >= kp ? (int32_t)((total - kp) / k) + 1 : 0;
}

uint32_t mml__conv2d_s8_x86_scratch(const mml__conv_s8_t *p) {
    const uint32_t k = col_len(p);
    const uint32_t tails = (uint32_t)(p->out_c - tail_row0(p)) * MML_X86_K;
    return 2u * col_padded(k) + ((k + 3u) & ~3u) + tails;
}

// Output pixel (oy, ox)'s window plus the input offset into col[0..k): taps outside the input
// hold the input zero point, whose term f * (zp + offset) is 0, as the reference skips them.
static void gather(const mml__conv_s8_t *p, const int8_t *in_b, int32_t oy, int32_t ox, int8_t *buf,
    int16_t *col) {
    const mml__window_t *w = &p->w;
    const int32_t in_c = p->in_c;
    const int32_t iy0 = oy * w->stride_h - w->pad_h, ix0 = ox * w->stride_w - w->pad_w;
    if (w->filt_h == 1 && w->filt_w == 1) { // always inside (window_prepare)
        mml__x86_expand(in_b + ((size_t)iy0 * w->in_w + (size_t)ix0) * in_c, col, in_c,
            p->q.input_offset);
        return;
    }
    const int8_t zp = (int8_t)(-p->q.input_offset);
    const size_t row_bytes = (size_t)w->filt_w * in_c;
    int8_t *dst = buf;
    for (int32_t fy = 0; fy < w->filt_h; fy++, dst += row_bytes) {
        const int32_t iy = iy0 + fy * w->dil_h;
        if (iy < 0 || iy >= w->in_h) {
            memset(dst, zp, row_bytes);
            continue;
        }
        const int8_t *src = in_b + (size_t)iy * w->in_w * in_c;
        if (w->dil_w == 1 && ix0 >= 0 && ix0 + w->filt_w <= w->in_w) {
            memcpy(dst, src + (size_t)ix0 * in_c, row_bytes);
            continue;
        }
        for (int32_t fx = 0; fx < w->filt_w; fx++) {
            const int32_t ix = ix0 + fx * w->dil_w;
            if (ix < 0 || ix >= w->in_w) {
                memset(dst + (size_t)fx * in_c, zp, (size_t)in_c);
            } else {
                memcpy(dst + (size_t)fx * in_c, src + (size_t)ix * in_c, (size_t)in_c);
            }
        }
    }
    mml__x86_expand(buf, col, (int32_t)col_len(p), p->q.input_offset);
}

void mml__conv2d_s8_x86(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, void *scratch) {
    const mml__window_t *w = &p->w;
    const int32_t k = (int32_t)col_len(p), kp = (int32_t)col_padded((uint32_t)k);
    const int32_t kfull = k - k % MML_X86_K, out_c = p->out_c;
    const int32_t npix = w->out_h * w->out_w;
    int16_t *col = (int16_t *)scratch;
    int8_t *buf = (int8_t *)(col + kp);
    int8_t *tails = buf + ((k + 3) & ~3);
    const int32_t row0 = tail_row0(p);
    for (int32_t oc = row0; oc < out_c; oc++) {
        int8_t *t = tails + (size_t)(oc - row0) * MML_X86_K;
        memset(t, 0, MML_X86_K);
        memcpy(t, filter + (size_t)oc * k + kfull, (size_t)(k - kfull));
    }
    for (int32_t i = k; i < kp; i++) {
        col[i] = 0;
    }
    static const int32_t zeros8[8] = {0};
    const int32_t off = p->q.output_offset, lo = p->q.act_min, hi = p->q.act_max;
    for (int32_t b = 0; b < w->batches; b++) {
        const int8_t *in_b = in + (size_t)b * w->in_h * w->in_w * p->in_c;
        for (int32_t pix = 0; pix < npix; pix++) {
            gather(p, in_b, pix / w->out_w, pix % w->out_w, buf, col);
            int8_t *o = out + ((size_t)b * npix + pix) * out_c;
            for (int32_t oc0 = 0; oc0 < out_c; oc0 += 8) {
                const int32_t n = out_c - oc0 < 8 ? out_c - oc0 : 8;
                const int8_t *r[8];
                const int8_t *t[8];
                for (int32_t j = 0; j < 8; j++) { // past out_c: the last row again (not stored)
                    const int32_t oc = oc0 + (j < n ? j : n - 1);
                    r[j] = filter + (size_t)oc * k;
                    t[j] = oc < row0 ? r[j] + kfull : tails + (size_t)(oc - row0) * MML_X86_K;
                }
                mml__x86_v acc[8];
                for (int32_t j = 0; j < 8; j++) {
                    acc[j] = mml__x86_zero();
                }
                for (int32_t kb = 0; kb < kfull; kb += MML_X86_K) {
                    const int16_t *x = col + kb;
                    for (int32_t j = 0; j < 8; j++) {
                        acc[j] = mml__x86_madd(acc[j], x, r[j] + kb);
                    }
                }
                if (kfull < k) {
                    for (int32_t j = 0; j < 8; j++) {
                        acc[j] = mml__x86_madd(acc[j], col + kfull, t[j]);
                    }
                }
                int32_t s[8];
                if (n == 8) {
                    mml__x86_hsum8(acc, bias ? bias + oc0 : zeros8, s);
                    mml__x86_requant8(s, p->q.mult + oc0, p->q.shift + oc0, off, lo, hi, 1, o + oc0,
                        8);
                } else { // the last channels: padded copies of their parameters
                    int32_t b8[8] = {0}, m8[8] = {0};
                    int8_t s8[8] = {0};
                    for (int32_t j = 0; j < n; j++) {
                        b8[j] = bias ? bias[oc0 + j] : 0;
                        m8[j] = p->q.mult[oc0 + j];
                        s8[j] = p->q.shift[oc0 + j];
                    }
                    mml__x86_hsum8(acc, b8, s);
                    mml__x86_requant8(s, m8, s8, off, lo, hi, 1, o + oc0, n);
                }
            }
        }
    }
}
#endif // MML_ARCH_X86 && MML_OP_ON(CONV_2D)
