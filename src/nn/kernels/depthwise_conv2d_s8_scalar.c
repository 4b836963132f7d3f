// SPDX-License-Identifier: MIT
// DEPTHWISE_CONV_2D int8, scalar variant for cores without DSP instructions (Cortex-M0/M0+/M3,
// RISC-V rv32imc; nn_s8.h): windows wholly inside the input sum x * f alone, the input offset
// folded once per call into the biases; equal to mml__depthwise_conv2d_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_s8.h"
#include "nn/kernels/prim_scalar.h"
#include "nn/ops.h"

#if MML_ARCH_SCALAR && MML_OP_ON(DEPTHWISE_CONV_2D)

// The folded biases, then the sums of a pixel's windows: two int32 per output channel.
uint32_t mml__depthwise_conv2d_s8_scalar_scratch(const mml__conv_s8_t *p) {
    return 8u * (uint32_t)p->out_c;
}

// sums[c] += x[c] * f[c] for c < n: one tap of every channel.
static void tap(const int8_t *x, const int8_t *f, int32_t n, uint32_t *sums) {
    for (int32_t c = 0; c < n; c++) {
        sums[c] += (uint32_t)((int32_t)x[c] * (int32_t)f[c]);
    }
}

void mml__depthwise_conv2d_s8_scalar(const mml__conv_s8_t *p, const int8_t *in,
    const int8_t *filter, const int32_t *bias, int8_t *out, void *scratch) {
    const mml__window_t *w = &p->w;
    const int32_t in_c = p->in_c, out_c = p->out_c, dm = p->depth_multiplier;
    const int32_t in_h = w->in_h, in_w = w->in_w, filt_h = w->filt_h, filt_w = w->filt_w;
    const size_t row_step = (size_t)w->dil_h * in_w * in_c; // input, one filter row down
    const size_t x_step = (size_t)w->dil_w * in_c;          // input, one filter tap right
    const int32_t taps = filt_h * filt_w;
    const int32_t in_offset = p->q.input_offset;
    const int32_t *mult = p->q.mult;
    const int8_t *shift = p->q.shift;
    const int32_t off = p->q.output_offset, lo = p->q.act_min, hi = p->q.act_max;
    // A whole window sums f * (x + offset) = f * x + offset * f over all taps: the second part
    // is the same for every pixel, folded into the bias once.
    uint32_t *fbias = (uint32_t *)scratch;
    for (int32_t oc = 0; oc < out_c; oc++) {
        uint32_t s = 0;
        for (int32_t t = 0; t < taps; t++) {
            s += (uint32_t)(int32_t)filter[(size_t)t * out_c + oc];
        }
        fbias[oc] = (bias ? (uint32_t)bias[oc] : 0u) + s * (uint32_t)in_offset;
    }
    const size_t frow_step = (size_t)filt_w * out_c; // filter, one row down
    uint32_t *sums = fbias + out_c;
    const int fast3x3 = dm == 1 && filt_h == 3 && filt_w == 3 && w->dil_h == 1 && w->dil_w == 1;
    for (int32_t b = 0; b < w->batches; b++) {
        const int8_t *in_b = in + (size_t)b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < w->out_h; oy++) {
            const int32_t iy0 = oy * w->stride_h - w->pad_h;
            int32_t fy0, fy1;
            mml__window_taps(iy0, w->dil_h, filt_h, in_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < w->out_w; ox++, out += out_c) {
                const mml__window_view_t v =
                    mml__window_view(w, iy0, fy0, fy1, ox * w->stride_w - w->pad_w);
                const int8_t *in_0 = in_b + v.in_pixel * in_c; // first tap inside, channel 0
                const int8_t *f_0 = filter + v.tap * out_c;
                const int32_t ny = v.ny, nx = v.nx;
                // A whole window: x * f and the folded biases; else the reference's sums.
                const int full = ny == filt_h && nx == filt_w;
                const int32_t add = full ? 0 : in_offset;
                if (full && fast3x3) {
                    mml__dw3x3_s8(in_0, filter, in_c, in_c, (int32_t)row_step, sums);
                    for (int32_t c = 0; c < in_c; c++) {
                        out[c] = mml__requant_s8(fbias[c] + sums[c], mult[c], shift[c], off, lo, hi);
                    }
                    continue;
                }
                if (full && dm == 1) {
                    // Every channel of the pixel at once, tap by tap: a tap's in_c inputs and
                    // weights lie side by side (the sums wrap as the reference's, in any order).
                    const int8_t *irow = in_0, *frow = f_0;
                    for (int32_t c = 0; c < in_c; c++) {
                        sums[c] = fbias[c];
                    }
                    for (int32_t fy = 0; fy < filt_h; fy++, irow += row_step, frow += frow_step) {
                        const int8_t *ip = irow, *fp = frow;
                        for (int32_t fx = 0; fx < filt_w; fx++, ip += x_step, fp += out_c) {
                            tap(ip, fp, in_c, sums);
                        }
                    }
                    for (int32_t c = 0; c < in_c; c++) {
                        out[c] = mml__requant_s8(sums[c], mult[c], shift[c], off, lo, hi);
                    }
                    continue;
                }
                if (dm == 1 && x_step == (size_t)in_c) {
                    // A window in the padding (whole ones took the path above). Input and filter
                    // taps the same in_c bytes apart: one index for both.
                    const int32_t row_end = nx * in_c;
                    for (int32_t c = 0; c < in_c; c++) {
                        const int8_t *ip = in_0 + c, *fp = f_0 + c;
                        uint32_t acc = bias ? (uint32_t)bias[c] : 0u;
                        for (int32_t fy = 0; fy < ny; fy++, ip += row_step, fp += frow_step) {
                            for (int32_t j = 0; j < row_end; j += in_c) {
                                acc += (uint32_t)(((int32_t)ip[j] + in_offset) * (int32_t)fp[j]);
                            }
                        }
                        out[c] = mml__requant_s8(acc, mult[c], shift[c], off, lo, hi);
                    }
                    continue;
                }
                int32_t oc = 0;
                for (int32_t ic = 0; ic < in_c; ic++) {
                    for (int32_t m = 0; m < dm; m++, oc++) {
                        const int8_t *irow = in_0 + ic, *frow = f_0 + oc;
                        uint32_t acc = full ? fbias[oc] : bias ? (uint32_t)bias[oc] : 0u;
                        for (int32_t fy = 0; fy < ny; fy++, irow += row_step, frow += frow_step) {
                            const int8_t *ip = irow, *fp = frow;
                            for (int32_t fx = 0; fx < nx; fx++, ip += x_step, fp += out_c) {
                                acc += (uint32_t)(((int32_t)*ip + add) * (int32_t)*fp);
                            }
                        }
                        out[oc] = mml__requant_s8(acc, mult[oc], shift[oc], off, lo, hi);
                    }
                }
            }
        }
    }
}
#endif // MML_ARCH_SCALAR && MML_OP_ON(DEPTHWISE_CONV_2D)
