// SPDX-License-Identifier: MIT
// DEPTHWISE_CONV_2D int8, x86-64 SIMD variant (nn_s8.h; AVX2 or SSE4.1, prim_x86.h), depth
// multiplier 1 or a multiple of 8: output channels in the vector lanes (16, then 8 at a time, the
// last few scalar), the taps inside the input only (as the reference); equal to
// mml__depthwise_conv2d_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_x86.h"
#include "nn/ops.h"

#if MML_ARCH_X86 && MML_OP_ON(DEPTHWISE_CONV_2D)

uint32_t mml__depthwise_conv2d_s8_x86_scratch(const mml__conv_s8_t *p) {
    return 0;
}

// Output channels [c0, c0 + nv * MML_X86_L) of one output pixel: the int32 sums start at the
// biases and take f * (x + offset) for each tap of the ny x nx view (in: its first tap's pixel,
// filter: its first tap), then are requantized 8 at a time. nv is a constant where it is called
// (unrolled). Depth multiplier 1: input channel = output channel (a vector of inputs per tap);
// a multiple of 8: the block's eight channels share one input channel (broadcast).
static inline void block(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, int32_t c0, int32_t ny, int32_t nx, int nv) {
    const mml__window_t *w = &p->w;
    const int32_t in_c = p->in_c, out_c = p->out_c, dm = p->depth_multiplier;
    const size_t row_step = (size_t)w->dil_h * w->in_w * in_c, x_step = (size_t)w->dil_w * in_c;
    const size_t frow_step = (size_t)w->filt_w * out_c;
    const mml__x86_v off = mml__x86_set1(p->q.input_offset);
    mml__x86_v acc[16 / MML_X86_L];
    for (int u = 0; u < nv; u++) {
        acc[u] = bias ? mml__x86_load_i32(bias + c0 + u * MML_X86_L) : mml__x86_zero();
    }
    const int8_t *irow = in + (dm == 1 ? c0 : c0 / dm), *frow = filter + c0;
    for (int32_t fy = 0; fy < ny; fy++, irow += row_step, frow += frow_step) {
        const int8_t *ip = irow, *fp = frow;
        for (int32_t fx = 0; fx < nx; fx++, ip += x_step, fp += out_c) {
            if (dm == 1) {
                for (int u = 0; u < nv; u++) {
                    const mml__x86_v x =
                        mml__x86_add(mml__x86_load_s8_i32(ip + u * MML_X86_L), off);
                    acc[u] = mml__x86_add(acc[u],
                        mml__x86_mullo(x, mml__x86_load_s8_i32(fp + u * MML_X86_L)));
                }
            } else {
                const mml__x86_v x = mml__x86_set1(*ip + p->q.input_offset);
                for (int u = 0; u < nv; u++) {
                    acc[u] = mml__x86_add(acc[u],
                        mml__x86_mullo(x, mml__x86_load_s8_i32(fp + u * MML_X86_L)));
                }
            }
        }
    }
    int32_t s[16];
    for (int u = 0; u < nv; u++) {
        mml__x86_store(s + u * MML_X86_L, acc[u]);
    }
    for (int32_t i = 0; i < nv * MML_X86_L; i += 8) {
        mml__x86_requant8(s + i, p->q.mult + c0 + i, p->q.shift + c0 + i, p->q.output_offset,
            p->q.act_min, p->q.act_max, 1, out + c0 + i, 8);
    }
}

void mml__depthwise_conv2d_s8_x86(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, void *scratch) {
    const mml__window_t *w = &p->w;
    const int32_t in_c = p->in_c, c = p->out_c;
    const size_t row_step = (size_t)w->dil_h * w->in_w * c, x_step = (size_t)w->dil_w * c;
    const size_t frow_step = (size_t)w->filt_w * c;
    const int32_t in_offset = p->q.input_offset;
    for (int32_t b = 0; b < w->batches; b++) {
        const int8_t *in_b = in + (size_t)b * w->in_h * w->in_w * in_c;
        for (int32_t oy = 0; oy < w->out_h; oy++) {
            const int32_t iy0 = oy * w->stride_h - w->pad_h;
            int32_t fy0, fy1;
            mml__window_taps(iy0, w->dil_h, w->filt_h, w->in_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < w->out_w; ox++, out += c) {
                const mml__window_view_t v =
                    mml__window_view(w, iy0, fy0, fy1, ox * w->stride_w - w->pad_w);
                const int8_t *in_0 = in_b + v.in_pixel * in_c;
                const int8_t *f_0 = filter + v.tap * c;
                int32_t c0 = 0;
                if (p->depth_multiplier != 1) { // a multiple of 8 (mml__..._opt_suits)
                    for (; c0 < c; c0 += 8) {
                        block(p, in_0, f_0, bias, out, c0, v.ny, v.nx, 8 / MML_X86_L);
                    }
                    continue;
                }
                for (; c0 + 16 <= c; c0 += 16) {
                    block(p, in_0, f_0, bias, out, c0, v.ny, v.nx, 16 / MML_X86_L);
                }
                if (c0 + 8 <= c) {
                    block(p, in_0, f_0, bias, out, c0, v.ny, v.nx, 8 / MML_X86_L);
                    c0 += 8;
                }
                for (; c0 < c; c0++) { // the last channels: the reference's loop
                    uint32_t acc = bias ? (uint32_t)bias[c0] : 0u;
                    const int8_t *irow = in_0 + c0, *frow = f_0 + c0;
                    for (int32_t fy = 0; fy < v.ny; fy++, irow += row_step, frow += frow_step) {
                        const int8_t *ip = irow, *fp = frow;
                        for (int32_t fx = 0; fx < v.nx; fx++, ip += x_step, fp += c) {
                            acc += (uint32_t)((int32_t)*fp * ((int32_t)*ip + in_offset));
                        }
                    }
                    out[c0] = mml__requant_s8(acc, p->q.mult[c0], p->q.shift[c0],
                        p->q.output_offset, p->q.act_min, p->q.act_max);
                }
            }
        }
    }
}
#endif // MML_ARCH_X86 && MML_OP_ON(DEPTHWISE_CONV_2D)
