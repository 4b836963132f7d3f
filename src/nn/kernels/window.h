// SPDX-License-Identifier: MIT
// Shared prepare code of the sliding-window ops (CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D,
// MAX_POOL_2D): output size and padding as TFLite computes them, per-channel requantization.
#ifndef MICROML_NN_KERNELS_WINDOW_H
#define MICROML_NN_KERNELS_WINDOW_H

#include "nn/kernel.h"

// The geometry of a 2-D window over NHWC tensors. All values positive except pad_h/pad_w (>= 0);
// mml__window_prepare guarantees (out - 1) * stride + (filt - 1) * dil + 1 + pad fits in int32,
// so eval's coordinate arithmetic cannot overflow. With dilation 1 every window overlaps the
// input: (out - 1) * stride < in and the padding is below the filter size.
typedef struct {
    int32_t batches, in_h, in_w, out_h, out_w;
    int32_t filt_h, filt_w, stride_h, stride_w, dil_h, dil_w;
    int32_t pad_h, pad_w; // top/left padding (TFLite's ComputePaddingWithOffset, offset unused)
} mml__window_t;

// Fills w from the [N,H,W,C] input and output, the filter size, the padding (MML_PAD_*), strides
// and dilations, as TFLite's ComputePaddingHeightWidth; checks the output's N, H and W against
// it (TFLite's ComputeOutSize). Fails with a message on any inconsistency.
mml_status_t mml__window_prepare(mml_prep_t *p, const mml__tensor_t *in, const mml__tensor_t *out,
    int32_t filt_h, int32_t filt_w, int32_t padding, int32_t stride_h, int32_t stride_w,
    int32_t dil_h, int32_t dil_w, mml__window_t *w);

// Lets output 0 overlap input 0 (p->overlap, p->overlap_max) for an op that walks the output in
// raster order (batch, y, x, channel) and reads, for each output pixel, only its window: writing
// output pixel q clobbers no input byte that q or a later pixel still reads as long as
// out_start - in_start <= min over q of (lowest input byte q's window reads - end of pixel q's
// output). The window's top-left corner, clamped into the input, bounds those reads from below
// and never decreases in raster order. Element sizes in bytes.
void mml__window_allow_overlap(mml_prep_t *p, const mml__window_t *w, int32_t in_c,
    uint32_t in_elem, int32_t out_c, uint32_t out_elem);

// Checks the quantization of an int8 convolution (input, per-tensor or per-channel filter with
// channels along axis qdim, output) as TFLite's PopulateConvolutionQuantizationParams does.
mml_status_t mml__conv_check_quant(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *filter, const mml__tensor_t *out, uint32_t channels, int32_t qdim);

// Fills mult[c] and shift[c] (c < channels) with the requantization multiplier and shift of
// output channel c: input_scale * filter_scale[c] / output_scale, computed in double as TFLite.
// Records keep them as channels int32 multipliers followed by channels int8 shifts: 5 bytes a
// channel of persistent arena (MML_REQUANT_BYTES).
void mml__conv_multipliers(const mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *filter, const mml__tensor_t *out, uint32_t channels, int32_t *mult,
    int8_t *shift);
#define MML_REQUANT_BYTES(channels) (5u * (uint32_t)(channels))

// The int8 clamp bounds of fused activation act on out (TFLite's
// CalculateActivationRangeQuantized); also checks out's zero point is an int8 and its scale keeps
// the bounds' arithmetic in range. Fails for unsupported activations.
mml_status_t mml__window_act_range_s8(mml_prep_t *p, int32_t act, const mml__tensor_t *out,
    int32_t *lo, int32_t *hi);

// The prepared record of AVERAGE_POOL_2D and MAX_POOL_2D.
typedef struct {
    uint32_t input, output; // locations
    mml__window_t w;
    int32_t depth;
    int32_t act_min, act_max;   // int8: quantized clamp bounds
    float act_min_f, act_max_f; // float32
} mml__pool2d_t;

// Prepare shared by the 2-D pools (TFLite's PoolingPrepare): validates the op for int8 or float32
// and, in FILL mode, returns its record in *d (NULL otherwise). *dtype is the input's dtype.
mml_status_t mml__pool2d_prepare(mml_prep_t *p, mml__pool2d_t **d, uint8_t *dtype);

#endif // MICROML_NN_KERNELS_WINDOW_H
