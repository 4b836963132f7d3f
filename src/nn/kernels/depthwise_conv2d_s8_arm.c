// SPDX-License-Identifier: MIT
// DEPTHWISE_CONV_2D int8, Cortex-M DSP variant (nn_s8.h), depth multiplier 1 (3x3 filters
// apart) or a multiple of 4: four output channels at a time (eight for multiples of 8), input
// plus offset by SXTAB16 (or one input value for all of them), products by SMLABB/SMLATT,
// outputs through the requantization table (prim_rq_arm.h); equal to
// mml__depthwise_conv2d_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_arm.h"
#include "nn/kernels/prim_rq_arm.h"
#include "nn/kernels/prim_s8.h"
#include "nn/ops.h"

#if MML_ARCH_ARM_DSP && MML_OP_ON(DEPTHWISE_CONV_2D)

// Outputs c..c+n-1 from their sums by mml__requant_s8: for layers the requantization table
// refuses (out of line: rare, and its code once).
__attribute__((noinline)) static void dw_out_ref(int8_t *o, const uint32_t *a, int32_t c, int32_t n,
    const mml__quant_s8_t *q) {
    for (int32_t i = 0; i < n; i++) {
        o[c + i] = mml__requant_s8(a[i], q->mult[c + i], q->shift[c + i], q->output_offset,
            q->act_min, q->act_max);
    }
}

// Outputs c..c+3 from their sums: the requantization table's (fast: prim_rq_arm.h), else
// mml__requant_s8.
__attribute__((always_inline)) static inline void out4(int8_t *o, const uint32_t a[4], int32_t c,
    const mml__quant_s8_t *q, int fast, int full, const mml__rq_t *rq, const uint8_t *sh) {
    const int32_t lo = q->act_min, hi = q->act_max;
    if (fast) {
        rq += c;
        sh += c;
        o[c] = mml__rq_s8(a[0], rq, sh[0], full, lo, hi);
        o[c + 1] = mml__rq_s8(a[1], rq + 1, sh[1], full, lo, hi);
        o[c + 2] = mml__rq_s8(a[2], rq + 2, sh[2], full, lo, hi);
        o[c + 3] = mml__rq_s8(a[3], rq + 3, sh[3], full, lo, hi);
        return;
    }
    dw_out_ref(o, a, c, 4, q);
}

// Depth multiplier a multiple of 8: the window's taps of eight output channels that share one
// input channel, added to acc[0..7]: per tap the input value plus offset against two filter
// words (SMLABB, SMLABT), one input load for eight products (micro_speech's 10x8 x8 layer: 3.70
// instructions per MAC, 3.83 four channels at a time; GCC keeps two of the sums on the stack).
// Input rows start at irow (row_step apart, x_step between taps), filter rows at frow.
__attribute__((noinline)) static void taps8(const int8_t *irow, const int8_t *frow, int32_t nx,
    int32_t ny, int32_t x_step, int32_t row_step, int32_t ch, int32_t frow_step, int32_t in_offset,
    uint32_t acc[8]) {
    uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    uint32_t a4 = acc[4], a5 = acc[5], a6 = acc[6], a7 = acc[7];
    for (int32_t fy = 0; fy < ny; fy++, irow += row_step, frow += frow_step) {
        const int8_t *ip = irow, *fp = frow;
        for (int32_t fx = nx; fx > 0; fx--, ip += x_step, fp += ch) {
            const uint32_t x = (uint32_t)(*ip + in_offset);
            const uint32_t f = mml__ld32(fp), g = mml__ld32(fp + 4);
            const uint32_t f02 = mml__sxtb16(f), f13 = mml__sxtb16_ror8(f);
            a0 = mml__smlabb(x, f02, a0);
            a2 = mml__smlabt(x, f02, a2);
            a1 = mml__smlabb(x, f13, a1);
            a3 = mml__smlabt(x, f13, a3);
            const uint32_t g02 = mml__sxtb16(g), g13 = mml__sxtb16_ror8(g);
            a4 = mml__smlabb(x, g02, a4);
            a6 = mml__smlabt(x, g02, a6);
            a5 = mml__smlabb(x, g13, a5);
            a7 = mml__smlabt(x, g13, a7);
        }
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
    acc[4] = a4;
    acc[5] = a5;
    acc[6] = a6;
    acc[7] = a7;
}

// Depth multiplier a multiple of 4: the four output channels c..c+3 share input channel
// c / depth_multiplier, its value plus offset against both halves of the widened filter words
// (SMLABB, SMLABT); eight at a time (taps8) if the multiplier is a multiple of 8.
__attribute__((noinline)) static void dwconv_mult4(const mml__conv_s8_t *p, const int8_t *in,
    const int8_t *filter, const int32_t *bias, int8_t *out, void *scratch) {
    const mml__window_t *w = &p->w;
    const int32_t in_c = p->in_c, ch = p->out_c, dm = p->depth_multiplier;
    const int32_t in_h = w->in_h, in_w = w->in_w, filt_h = w->filt_h, filt_w = w->filt_w;
    const size_t row_step = (size_t)w->dil_h * in_w * in_c; // input, one filter row down
    const size_t x_step = (size_t)w->dil_w * in_c;          // input, one filter tap right
    const size_t frow_step = (size_t)filt_w * ch;           // filter, one row down
    const int32_t in_offset = p->q.input_offset;
    const int full = p->q.act_min == -128 && p->q.act_max == 127;
    mml__rq_t *rq;
    uint8_t *sh;
    const int fast = mml__rq_build(&p->q, (uint32_t)p->out_c, scratch, &rq, &sh);
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
                int32_t c = 0;
                for (; dm % 8 == 0 && c < ch; c += 8) {
                    uint32_t a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
                    if (bias) {
                        memcpy(a, bias + c, sizeof(a));
                    }
                    taps8(in_0 + c / dm, f_0 + c, v.nx, v.ny, (int32_t)x_step, (int32_t)row_step,
                        ch, (int32_t)frow_step, in_offset, a);
                    out4(out, a, c, &p->q, fast, full, rq, sh);
                    out4(out, a + 4, c + 4, &p->q, fast, full, rq, sh);
                }
                for (; c < ch; c += 4) {
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
                        // x + offset in the bottom half, against both halves of f; two taps
                        // a round.
                        const int8_t *const ip_end = ip + (size_t)(v.nx & ~1) * x_step;
                        while (ip != ip_end) {
                            const uint32_t x = (uint32_t)(ip[0] + in_offset), f = mml__ld32(fp);
                            const uint32_t y = (uint32_t)(ip[x_step] + in_offset);
                            const uint32_t g = mml__ld32(fp + ch);
                            const uint32_t f02 = mml__sxtb16(f), f13 = mml__sxtb16_ror8(f);
                            const uint32_t g02 = mml__sxtb16(g), g13 = mml__sxtb16_ror8(g);
                            a0 = mml__smlabb(x, f02, a0);
                            a2 = mml__smlabt(x, f02, a2);
                            a1 = mml__smlabb(x, f13, a1);
                            a3 = mml__smlabt(x, f13, a3);
                            a0 = mml__smlabb(y, g02, a0);
                            a2 = mml__smlabt(y, g02, a2);
                            a1 = mml__smlabb(y, g13, a1);
                            a3 = mml__smlabt(y, g13, a3);
                            ip += 2 * x_step;
                            fp += 2 * (size_t)ch;
                        }
                        if (v.nx & 1) {
                            const uint32_t x = (uint32_t)(*ip + in_offset), f = mml__ld32(fp);
                            const uint32_t f02 = mml__sxtb16(f), f13 = mml__sxtb16_ror8(f);
                            a0 = mml__smlabb(x, f02, a0);
                            a2 = mml__smlabt(x, f02, a2);
                            a1 = mml__smlabb(x, f13, a1);
                            a3 = mml__smlabt(x, f13, a3);
                        }
                        irow += row_step;
                        frow += frow_step;
                    }
                    const uint32_t a[4] = {a0, a1, a2, a3};
                    out4(out, a, c, &p->q, fast, full, rq, sh);
                }
                out += ch;
            }
        }
    }
}

// The nine taps of four channels added to acc[0..3] (raw int8 products: the input offset is in
// the caller's folded biases): tap t's input at x + tab[2t], its filter at f + tab[2t + 1] (x
// and f already advanced to the first of the four channels). Out of line, so that only its own
// values compete for registers: the assembly takes 12 (the .mpy's -fpic reserves one more),
// 11 instructions a tap.
__attribute__((noinline)) static void taps9(const int8_t *x, const int8_t *f, const intptr_t *tab,
    uint32_t acc[4]) {
    uint32_t r0 = acc[0], r1 = acc[1], r2 = acc[2], r3 = acc[3];
#if MML_ISA_ARM_DSP
    uint32_t xv, wv, x02, w02;
    intptr_t xo; // 32 bits: the LDRD loads a pair
    __asm__(".rept 9\n"
            "ldrd %[xo], %[wv], [%[tab]], #8\n"
            "ldr %[xv], [%[x], %[xo]]\n"
            "ldr %[wv], [%[f], %[wv]]\n"
            "sxtb16 %[x02], %[xv]\n"
            "sxtb16 %[xv], %[xv], ror #8\n"
            "sxtb16 %[w02], %[wv]\n"
            "sxtb16 %[wv], %[wv], ror #8\n"
            "smlabb %[r0], %[x02], %[w02], %[r0]\n"
            "smlatt %[r2], %[x02], %[w02], %[r2]\n"
            "smlabb %[r1], %[xv], %[wv], %[r1]\n"
            "smlatt %[r3], %[xv], %[wv], %[r3]\n"
            ".endr\n"
            : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [r3] "+r"(r3), [tab] "+r"(tab),
            [xo] "=&r"(xo), [xv] "=&r"(xv), [wv] "=&r"(wv), [x02] "=&r"(x02), [w02] "=&r"(w02)
            : [x] "r"(x), [f] "r"(f)
            : "memory");
#else
    for (int32_t t = 0; t < 9; t++) {
        const uint32_t xv = mml__ld32(x + tab[2 * t]), wv = mml__ld32(f + tab[2 * t + 1]);
        const uint32_t x02 = mml__sxtb16(xv), x13 = mml__sxtb16_ror8(xv);
        const uint32_t w02 = mml__sxtb16(wv), w13 = mml__sxtb16_ror8(wv);
        r0 = mml__smlabb(x02, w02, r0);
        r2 = mml__smlatt(x02, w02, r2);
        r1 = mml__smlabb(x13, w13, r1);
        r3 = mml__smlatt(x13, w13, r3);
    }
#endif
    acc[0] = r0;
    acc[1] = r1;
    acc[2] = r2;
    acc[3] = r3;
}

// Scratch of the 3x3 path: a row of the input zero point (ch bytes, rounded up to 4), the ch
// folded biases, then the requantization table (prim_rq_arm.h).
static uint32_t scratch3x3(uint32_t ch) {
    return ((ch + 3u) & ~3u) + 4u * ch + mml__rq_bytes(ch);
}

// A 3x3 filter, depth multiplier 1, every output pixel: its nine taps as (input, filter) byte
// offsets. Inside the input (most pixels) they are the same for every pixel, from the window's
// first input pixel; at the edges they are rebuilt from the batch's first pixel, taps outside
// the input pointing at the zero-point row (raw x = zp: with the folded offset its term is
// f * (zp + offset) = 0, as the reference skips it). The folded biases, bias + offset * (sum of
// the 9 filter taps), and the requantization table are computed here once per call. Channels in
// blocks of four, the last ch % 4 one by one.
__attribute__((noinline)) static void dwconv3x3(const mml__conv_s8_t *p, const int8_t *in,
    const int8_t *filter, const int32_t *bias, int8_t *out, void *scratch) {
    const mml__window_t *w = &p->w;
    const int32_t ch = p->out_c, in_offset = p->q.input_offset;
    const mml__quant_s8_t *q = &p->q;
    const int32_t off = q->output_offset, lo = q->act_min, hi = q->act_max;
    const int full = lo == -128 && hi == 127;
    const int32_t *mult = q->mult;
    const int8_t *shift = q->shift;
    int8_t *zp_row = (int8_t *)scratch;
    int32_t *kbias = (int32_t *)(void *)(zp_row + ((ch + 3) & ~3));
    mml__rq_t *rq;
    uint8_t *sh;
    const int fast = mml__rq_build(q, (uint32_t)ch, kbias + ch, &rq, &sh);
    memset(zp_row, (int8_t)-in_offset, (size_t)ch);
    for (int32_t c = 0; c < ch; c++) {
        uint32_t sum = 0;
        for (int32_t t = 0; t < 9; t++) {
            sum += (uint32_t)(int32_t)filter[(size_t)t * ch + c];
        }
        kbias[c] = (int32_t)((bias ? (uint32_t)bias[c] : 0u) + sum * (uint32_t)in_offset);
    }
    const int32_t row = w->in_w * ch;
    intptr_t inner[18], edge[18]; // (input, filter) byte offsets of the nine taps
    for (int32_t t = 0; t < 9; t++) {
        inner[2 * t] = (t / 3) * w->dil_h * row + (t % 3) * w->dil_w * ch;
        inner[2 * t + 1] = edge[2 * t + 1] = t * ch;
    }
    const int32_t span_h = 2 * w->dil_h, span_w = 2 * w->dil_w;
    for (int32_t b = 0; b < w->batches; b++) {
        const int8_t *in_b = in + (size_t)b * w->in_h * w->in_w * ch;
        for (int32_t oy = 0; oy < w->out_h; oy++) {
            const int32_t iy0 = oy * w->stride_h - w->pad_h;
            const int rows_in = iy0 >= 0 && iy0 + span_h < w->in_h;
            for (int32_t ox = 0; ox < w->out_w; ox++) {
                const int32_t ix0 = ox * w->stride_w - w->pad_w;
                const int8_t *x;
                const intptr_t *tab;
                if (rows_in && ix0 >= 0 && ix0 + span_w < w->in_w) {
                    x = in_b + (size_t)(iy0 * w->in_w + ix0) * ch;
                    tab = inner;
                } else {
                    x = in_b;
                    tab = edge;
                    const intptr_t zp_b = (intptr_t)zp_row - (intptr_t)in_b;
                    for (int32_t fy = 0; fy < 3; fy++) {
                        const int32_t iy = iy0 + fy * w->dil_h;
                        for (int32_t fx = 0; fx < 3; fx++) {
                            const int32_t ix = ix0 + fx * w->dil_w;
                            edge[2 * (3 * fy + fx)] =
                                iy >= 0 && iy < w->in_h && ix >= 0 && ix < w->in_w
                                ? iy * row + ix * ch
                                : zp_b;
                        }
                    }
                }
                int32_t c = 0;
                for (; c + 3 < ch; c += 4) {
                    uint32_t a[4] = {(uint32_t)kbias[c], (uint32_t)kbias[c + 1],
                        (uint32_t)kbias[c + 2], (uint32_t)kbias[c + 3]};
                    taps9(x + c, filter + c, tab, a);
                    if (fast) {
                        out[c] = mml__rq_s8(a[0], rq + c, sh[c], full, lo, hi);
                        out[c + 1] = mml__rq_s8(a[1], rq + c + 1, sh[c + 1], full, lo, hi);
                        out[c + 2] = mml__rq_s8(a[2], rq + c + 2, sh[c + 2], full, lo, hi);
                        out[c + 3] = mml__rq_s8(a[3], rq + c + 3, sh[c + 3], full, lo, hi);
                    } else {
                        dw_out_ref(out, a, c, 4, q);
                    }
                }
                for (; c < ch; c++) {
                    uint32_t acc = (uint32_t)kbias[c];
                    for (int32_t t = 0; t < 9; t++) {
                        acc += (uint32_t)((int32_t)x[tab[2 * t] + c] *
                            (int32_t)filter[tab[2 * t + 1] + c]);
                    }
                    out[c] = mml__requant_s8(acc, mult[c], shift[c], off, lo, hi);
                }
                out += ch;
            }
        }
    }
}

uint32_t mml__depthwise_conv2d_s8_arm_scratch(const mml__conv_s8_t *p) {
    const int k3 = p->w.filt_h == 3 && p->w.filt_w == 3 && p->depth_multiplier == 1;
    return k3 ? scratch3x3((uint32_t)p->out_c) : mml__rq_bytes((uint32_t)p->out_c);
}

void mml__depthwise_conv2d_s8_arm(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, void *scratch) {
    if (p->depth_multiplier != 1) {
        dwconv_mult4(p, in, filter, bias, out, scratch);
        return;
    }
    if (p->w.filt_h == 3 && p->w.filt_w == 3) {
        dwconv3x3(p, in, filter, bias, out, scratch);
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
    const int full = lo == -128 && hi == 127;
    mml__rq_t *rq;
    uint8_t *sh;
    const int fast = mml__rq_build(&p->q, (uint32_t)p->out_c, scratch, &rq, &sh);
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
                    const uint32_t a[4] = {a0, a1, a2, a3};
                    out4(out, a, c, &p->q, fast, full, rq, sh);
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
