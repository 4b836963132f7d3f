// SPDX-License-Identifier: MIT
// Shared code of the sliding-window ops (CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D,
// MAX_POOL_2D): output size and padding as TFLite computes them, the pools' window walk, and the
// per-channel requantization (also FULLY_CONNECTED's).
#ifndef MICROML_NN_KERNELS_WINDOW_H
#define MICROML_NN_KERNELS_WINDOW_H

#include <string.h>
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

// The taps of one window dimension that land inside the input: with the window's first input
// coordinate i0 (negative in the padding), dilation dil, filt taps and an input of size n, the
// taps [*f0, *f1) have 0 <= i0 + dil * f < n (*f0 >= *f1: none). Computed once per output row or
// column, so that the loops over the taps need no bounds checks.
// Unsigned arithmetic: n - 1 - i0 and -i0 + dil - 1 stay below 2^32 for any int32 sizes.
static inline void mml__window_taps(int32_t i0, int32_t dil, int32_t filt, int32_t n, int32_t *f0,
    int32_t *f1) {
    const uint32_t u = (uint32_t)dil;
    *f0 = i0 < 0 ? (int32_t)((0u - (uint32_t)i0 + u - 1u) / u) : 0;
    if (i0 >= n) {
        *f1 = 0;
        return;
    }
    const uint32_t last = ((uint32_t)(n - 1) - (uint32_t)i0) / u; // the last tap inside
    *f1 = last < (uint32_t)filt ? (int32_t)last + 1 : filt;
}

// The part of output pixel (iy0, ix0)'s window that lies inside the input, for eval loops
// without bounds checks: ny x nx taps (both 0 if none) starting at filter tap `tap` (fy0 * filt_w
// + fx0), whose first input pixel is `in_pixel` pixels from the start of the batch. fy0/fy1 come
// from mml__window_taps for the output row, computed once per row.
typedef struct {
    int32_t ny, nx;
    size_t in_pixel;
    size_t tap;
} mml__window_view_t;

static inline mml__window_view_t mml__window_view(const mml__window_t *w, int32_t iy0, int32_t fy0,
    int32_t fy1, int32_t ix0) {
    mml__window_view_t v = {0, 0, 0, 0};
    int32_t fx0, fx1;
    mml__window_taps(ix0, w->dil_w, w->filt_w, w->in_w, &fx0, &fx1);
    if (fx1 > fx0 && fy1 > fy0) {
        v.ny = fy1 - fy0;
        v.nx = fx1 - fx0;
        v.in_pixel = (size_t)(iy0 + w->dil_h * fy0) * w->in_w + (size_t)(ix0 + w->dil_w * fx0);
        v.tap = (size_t)fy0 * w->filt_w + fx0;
    }
    return v;
}

// Fills w from the [N,H,W,C] input and output, the filter size, the padding (MML_PAD_*), strides
// and dilations, as TFLite's ComputePaddingHeightWidth; checks the output's N, H and W against
// it (TFLite's ComputeOutSize). Fails with a message on any inconsistency.
MML__PREPARE mml_status_t mml__window_prepare(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *out, int32_t filt_h, int32_t filt_w, int32_t padding, int32_t stride_h,
    int32_t stride_w, int32_t dil_h, int32_t dil_w, mml__window_t *w);

// Lets output 0 overlap input 0 (p->overlap, p->overlap_max) for an op that walks the output in
// raster order (batch, y, x, channel) and reads, for each output pixel, only its window: writing
// output pixel q clobbers no input byte that q or a later pixel still reads as long as
// out_start - in_start <= min over q of (lowest input byte q's window reads - end of pixel q's
// output). The window's top-left corner, clamped into the input, bounds those reads from below
// and never decreases in raster order. Element sizes in bytes.
MML__PREPARE void mml__window_allow_overlap(mml_prep_t *p, const mml__window_t *w, int32_t in_c,
    uint32_t in_elem, int32_t out_c, uint32_t out_elem);

// Checks the quantization of an int8 convolution (input, per-tensor or per-channel filter with
// channels along axis qdim, output) as TFLite's PopulateConvolutionQuantizationParams does.
MML__PREPARE mml_status_t mml__conv_check_quant(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *filter, const mml__tensor_t *out, uint32_t channels, int32_t qdim);

// The float32 checks of CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV: filter, output and bias
// (NULL: none) float32 and the fused activation act supported, its range in [*act_min, *act_max].
MML__PREPARE mml_status_t mml__conv_check_f32(mml_prep_t *p, const mml__tensor_t *filter,
    const mml__tensor_t *out, const mml__tensor_t *bias, int32_t act, float *act_min,
    float *act_max);

// Fills mult[c] and shift[c] (c < channels) with the requantization multiplier and shift of
// output channel c: input_scale * filter_scale[c] / output_scale, computed in double as TFLite.
// Records keep them as channels int32 multipliers followed by channels int8 shifts: 5 bytes a
// channel of persistent arena (MML_REQUANT_BYTES).
MML__PREPARE void mml__conv_multipliers(const mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *filter, const mml__tensor_t *out, uint32_t channels, int32_t *mult,
    int8_t *shift);
#define MML_REQUANT_BYTES(channels) (5u * (uint32_t)(channels))
// The quantized part of a CONV_2D, DEPTHWISE_CONV_2D or TRANSPOSE_CONV record: the input and
// output offsets (-input zero point, output zero point), and at tail (the record's end) the
// channels multipliers and shifts of mml__conv_multipliers.
MML__PREPARE void mml__conv_quant_tail(const mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *filter, const mml__tensor_t *out, uint32_t channels, void *tail,
    int32_t *input_offset, int32_t *output_offset);

// The int8 output stage of CONV_2D and DEPTHWISE_CONV_2D: the int32 sum acc (bias included)
// requantized by (mult, shift), plus the output offset (wrapping, as TFLite's int32 arithmetic
// does without UB), clamped to [lo, hi].
static inline int8_t mml__conv_out_s8(uint32_t acc, int32_t mult, int32_t shift, int32_t offset,
    int32_t lo, int32_t hi) {
    int32_t v = mml__mul_by_qm((int32_t)acc, mult, shift);
    v = (int32_t)((uint32_t)v + (uint32_t)offset);
    return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

// An int64 from p, which need not be 8-aligned (tensors are 4-aligned in the model and arena).
static inline int64_t mml__load_i64(const uint8_t *p) {
    int64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

// The int16 output stage of the 16x8 kernels (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV,
// FULLY_CONNECTED): acc is the sum of the products (mod 2^64), bias (bytes, maybe not aligned;
// NULL: none) holds bias_size-byte values. bias_size 4 is TFLite's int32 accumulator (an int32
// bias or none): the sum wraps at 32 bits (its low half) and takes the int32
// MultiplyByQuantizedMultiplier. Otherwise (8: int64 bias, 2: int16 bias widened as TFLM does)
// the int64 sum takes the int64 one. Clamped to [lo, hi]; zero points are 0 in 16x8.
static inline int16_t mml__out_s16(uint64_t acc, const uint8_t *bias, int32_t oc, int32_t bias_size,
    int32_t mult, int32_t shift, int32_t lo, int32_t hi) {
    int32_t v;
    if (bias_size == 4) {
        uint32_t a = (uint32_t)acc;
        if (bias) {
            int32_t b;
            memcpy(&b, bias + 4 * (size_t)oc, sizeof(b));
            a += (uint32_t)b;
        }
        v = mml__mul_by_qm((int32_t)a, mult, shift);
    } else {
        if (bias && bias_size == 8) {
            acc += (uint64_t)mml__load_i64(bias + 8 * (size_t)oc);
        } else if (bias) {
            int16_t b16;
            memcpy(&b16, bias + 2 * (size_t)oc, sizeof(b16));
            acc += (uint64_t)(int64_t)b16;
        }
        v = mml__mul_by_qm64((int64_t)acc, mult, shift);
    }
    return (int16_t)(v < lo ? lo : v > hi ? hi : v);
}

// Checks the quantization of a 16x8 convolution (int16 input and output, int8 filter), as
// mml__conv_check_quant, and TFLite's further rules: input and output zero points 0; and the
// int64 MultiplyByQuantizedMultiplier's need for shifts <= 14 (multipliers below 2^14).
MML__PREPARE mml_status_t mml__conv_check_quant_s16(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *filter, const mml__tensor_t *out, uint32_t channels, int32_t qdim);

// The clamp bounds in [qmin, qmax] of fused activation act on out (TFLite's
// CalculateActivationRangeQuantized); also checks out's zero point is in range and its scale
// keeps the bounds' arithmetic in range. Fails for unsupported activations.
MML__PREPARE mml_status_t mml__window_act_range_q(mml_prep_t *p, int32_t act,
    const mml__tensor_t *out, int32_t qmin, int32_t qmax, int32_t *lo, int32_t *hi);

// The int8 clamp bounds of fused activation act on out (TFLite's
// CalculateActivationRangeQuantized); also checks out's zero point is an int8 and its scale keeps
// the bounds' arithmetic in range. Fails for unsupported activations.
MML__PREPARE mml_status_t mml__window_act_range_s8(mml_prep_t *p, int32_t act,
    const mml__tensor_t *out, int32_t *lo, int32_t *hi);

// The prepared record of AVERAGE_POOL_2D and MAX_POOL_2D.
typedef struct {
    uint32_t input, output; // locations
    mml__window_t w;
    int32_t depth;
    int32_t act_min, act_max;   // int8/int16: quantized clamp bounds
    float act_min_f, act_max_f; // float32
} mml__pool2d_t;

// The prepare of the 2-D pools (TFLite's PoolingPrepare): validates the op for int8, int16 or
// float32, sets p->eval to eval_s8, eval_s16 or eval_f32 and, in FILL mode, fills the record.
// eval_s8: the op's int8 eval; the int16 and float32 evals are its dtype paths (MML_OP_DTYPE).
MML__PREPARE mml_status_t mml__pool2d_prepare(mml_prep_t *p, mml__eval_fn eval_s8);

// Defines `mml_status_t NAME(ctx, data)` (write `static` before it for a file-local one), the eval
// of a 2-D pool on element type T over an mml__pool2d_t record d: for each output element (raster
// order, channel innermost) an ACC_T acc starts at INIT, takes every input value v (a T) of the
// window clipped to the input through STEP, and the output is FINISH, which may use acc, d and
// count (the values taken, > 0: with dilation 1 no window lies wholly in the padding, see
// mml__window_t).
#define MML_POOL2D_EVAL(NAME, T, ACC_T, INIT, STEP, FINISH)                                        \
    mml_status_t NAME(const mml_eval_ctx_t *ctx, void *data) {                                     \
        const mml__pool2d_t *d = (const mml__pool2d_t *)data;                                      \
        const mml__window_t *w = &d->w;                                                            \
        const T *in = (const T *)mml__ptr(ctx, d->input);                                          \
        T *out = (T *)mml__ptr(ctx, d->output);                                                    \
        const int32_t depth = d->depth;                                                            \
        for (int32_t b = 0; b < w->batches; b++) {                                                 \
            const T *in_b = in + (size_t)b * w->in_h * w->in_w * depth;                            \
            for (int32_t oy = 0; oy < w->out_h; oy++) {                                            \
                const int32_t iy0 = oy * w->stride_h - w->pad_h;                                   \
                const int32_t fy0 = iy0 < 0 ? -iy0 : 0;                                            \
                const int32_t fy1 = w->filt_h < w->in_h - iy0 ? w->filt_h : w->in_h - iy0;         \
                for (int32_t ox = 0; ox < w->out_w; ox++) {                                        \
                    const int32_t ix0 = ox * w->stride_w - w->pad_w;                               \
                    const int32_t fx0 = ix0 < 0 ? -ix0 : 0;                                        \
                    const int32_t fx1 = w->filt_w < w->in_w - ix0 ? w->filt_w : w->in_w - ix0;     \
                    const int32_t x0 = ix0 + fx0, nx = fx1 - fx0; /* the clipped columns */        \
                    const int32_t count = (fy1 - fy0) * nx;                                        \
                    (void)count;                                                                   \
                    for (int32_t c = 0; c < depth; c++) {                                          \
                        ACC_T acc = INIT;                                                          \
                        for (int32_t fy = fy0; fy < fy1; fy++) {                                   \
                            const T *row = in_b + ((size_t)(iy0 + fy) * w->in_w + x0) * depth + c; \
                            for (int32_t fx = 0; fx < nx; fx++) {                                  \
                                const T v = row[(size_t)fx * depth];                               \
                                STEP;                                                              \
                            }                                                                      \
                        }                                                                          \
                        *out++ = (FINISH);                                                         \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        return MML_OK;                                                                             \
    }

#endif // MICROML_NN_KERNELS_WINDOW_H
