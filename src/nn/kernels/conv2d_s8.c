// SPDX-License-Identifier: MIT
// The normative int8 CONV_2D kernel (mml__conv2d_s8_ref, nn_s8.h): TFLite's reference
// ConvPerChannel loops, and the prepare-time bias folding the variants share.
#include "nn/kernels/nn_s8.h"
#include "nn/ops.h"

#if MML_OP_ON(CONV_2D)
// Output in raster order; for each output element (channel oc) the sum of f * (x + offset) over
// the taps inside the input (TFLite's order), plus bias, requantized. The taps inside are found
// once per output row and column (TFLite tests each one): the same values in the same order.
// The int32 sum wraps like TFLite's, without UB.
void mml__conv2d_s8_ref(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out) {
    const mml__window_t *w = &p->w;
    const int32_t fc = p->filt_c, in_c = p->in_c, out_c = p->out_c;
    const int32_t per_group = out_c / (in_c / fc);
    const int32_t in_h = w->in_h, in_w = w->in_w, filt_h = w->filt_h, filt_w = w->filt_w;
    const int32_t dil_h = w->dil_h, dil_w = w->dil_w;
    const size_t filter_size = (size_t)filt_h * filt_w * fc;
    const size_t row_step = (size_t)dil_h * in_w * in_c; // input, one filter row down
    const size_t x_step = (size_t)dil_w * in_c;          // input, one filter tap right
    const size_t frow_step = (size_t)filt_w * fc;        // filter, one row down
    const int32_t in_offset = p->q.input_offset;
    for (int32_t b = 0; b < w->batches; b++) {
        const int8_t *in_b = in + (size_t)b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < w->out_h; oy++) {
            const int32_t iy0 = oy * w->stride_h - w->pad_h;
            int32_t fy0, fy1;
            mml__window_taps(iy0, dil_h, filt_h, in_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < w->out_w; ox++) {
                const mml__window_view_t v =
                    mml__window_view(w, iy0, fy0, fy1, ox * w->stride_w - w->pad_w);
                const int8_t *in_0 = in_b + v.in_pixel * in_c; // first tap inside, channel 0
                const size_t f_0 = v.tap * fc;
                for (int32_t oc = 0; oc < out_c; oc++) {
                    const int8_t *irow = in_0 + (size_t)(oc / per_group) * fc;
                    const int8_t *frow = filter + (size_t)oc * filter_size + f_0;
                    uint32_t acc = 0;
                    for (int32_t fy = 0; fy < v.ny; fy++) {
                        const int8_t *ip = irow;
                        const int8_t *fp = frow;
                        for (int32_t fx = 0; fx < v.nx; fx++) {
                            for (int32_t ic = 0; ic < fc; ic++) {
                                acc += (uint32_t)((int32_t)fp[ic] * ((int32_t)ip[ic] + in_offset));
                            }
                            ip += x_step;
                            fp += fc;
                        }
                        irow += row_step;
                        frow += frow_step;
                    }
                    *out++ = mml__conv_out_s8(bias ? acc + (uint32_t)bias[oc] : acc, p->q.mult[oc],
                        p->q.shift[oc], p->q.output_offset, p->q.act_min, p->q.act_max);
                }
            }
        }
    }
}
#endif // MML_OP_ON(CONV_2D)
