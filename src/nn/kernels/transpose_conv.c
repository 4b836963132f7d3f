// SPDX-License-Identifier: MIT
// TRANSPOSE_CONV: input [N,H,W,Cin], filter [Cout,KH,KW,Cin], optional bias -> [N,OH,OW,Cout], the
// gradient of CONV_2D (strides, SAME/VALID padding). int8 (per-channel, int32 bias), 16x8 (int16
// activations, int8 filter, int64 or int16 bias) and float32, as TFLite Micro's reference kernels.
//
// TFLite scatters every input value into an output-sized accumulator buffer (scratch of 4 or 8
// bytes an output element). Here each output element gathers its inputs instead, in TFLite's
// order (input row, column, channel ascending): the same integer sums, the same float additions
// in the same order, and no scratch. Input 0 (the output shape) is not read at eval, as in TFLM:
// the output tensor's static shape is the shape.
#include "nn/kernel.h"
#include "nn/kernels/window.h"
#include "nn/ops.h"

#if MML_OP_ON(TRANSPOSE_CONV)

enum { OPT_PADDING = 0, OPT_STRIDE_W = 1, OPT_STRIDE_H = 2, OPT_ACTIVATION = 3 };

typedef struct {
    uint32_t input, filter, bias, output; // locations; bias valid if has_bias
    int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c;
    int32_t filt_h, filt_w, stride_h, stride_w, pad_h, pad_w;
    int32_t input_offset, output_offset; // int8
    int32_t act_min, act_max;            // int8/int16: quantized clamp bounds
    float act_min_f, act_max_f;          // float32
    uint8_t has_bias;
    uint8_t bias_size; // int16: 8 (int64 bias or none) or 2 (int16 bias)
    // int8/int16: out_c multipliers (int32), then out_c shifts (int8) follow.
} tconv_t;

static const int32_t *tconv_mult(const tconv_t *d) {
    return (const int32_t *)(d + 1);
}

static const int8_t *tconv_shift(const tconv_t *d) {
    return (const int8_t *)(tconv_mult(d) + d->out_c);
}

// The inputs along one axis that reach output coordinate o: i in [*i0, *i1] with filter tap
// o + pad - i * stride in [0, filt). o + pad >= 0 always (pad >= 0).
static inline void tconv_range(int32_t o, int32_t pad, int32_t stride, int32_t filt, int32_t n,
    int32_t *i0, int32_t *i1) {
    const int32_t t = o + pad;
    const int32_t lo = t - filt + 1; // smallest i * stride
    *i0 = lo <= 0 ? 0 : (lo + stride - 1) / stride;
    const int32_t hi = t / stride;
    *i1 = hi < n - 1 ? hi : n - 1;
}

// Defines an eval with input and output of type T, filter F_T, bias B_T: for each output element
// (raster order, channel oc innermost) an ACC_T acc starts at 0, MAC takes every input value x
// reaching it with its filter value f (input row, column, channel ascending), and the output is
// FINISH (which may use acc, oc and bias, NULL without one). SETUP runs once.
#define TCONV_EVAL(NAME, T, F_T, B_T, ACC_T, SETUP, MAC, FINISH)                                   \
    static mml_status_t NAME(const mml_eval_ctx_t *ctx, void *data) {                              \
        const tconv_t *d = (const tconv_t *)data;                                                  \
        const T *in = (const T *)mml__ptr(ctx, d->input);                                          \
        const F_T *filter = (const F_T *)mml__ptr(ctx, d->filter);                                 \
        const B_T *bias = d->has_bias ? (const B_T *)mml__ptr(ctx, d->bias) : NULL;                \
        T *out = (T *)mml__ptr(ctx, d->output);                                                    \
        const int32_t in_c = d->in_c, out_c = d->out_c, in_w = d->in_w;                            \
        const size_t filter_size = (size_t)d->filt_h * d->filt_w * in_c;                           \
        SETUP;                                                                                     \
        for (int32_t b = 0; b < d->batches; b++) {                                                 \
            const T *in_b = in + (size_t)b * d->in_h * in_w * in_c;                                \
            for (int32_t oy = 0; oy < d->out_h; oy++) {                                            \
                int32_t iy0, iy1;                                                                  \
                tconv_range(oy, d->pad_h, d->stride_h, d->filt_h, d->in_h, &iy0, &iy1);            \
                for (int32_t ox = 0; ox < d->out_w; ox++) {                                        \
                    int32_t ix0, ix1;                                                              \
                    tconv_range(ox, d->pad_w, d->stride_w, d->filt_w, in_w, &ix0, &ix1);           \
                    for (int32_t oc = 0; oc < out_c; oc++) {                                       \
                        const F_T *f_oc = filter + (size_t)oc * filter_size;                       \
                        ACC_T acc = 0;                                                             \
                        for (int32_t iy = iy0; iy <= iy1; iy++) {                                  \
                            const int32_t fy = oy + d->pad_h - iy * d->stride_h;                   \
                            for (int32_t ix = ix0; ix <= ix1; ix++) {                              \
                                const int32_t fx = ox + d->pad_w - ix * d->stride_w;               \
                                const T *ip = in_b + ((size_t)iy * in_w + ix) * in_c;              \
                                const F_T *fp = f_oc + ((size_t)fy * d->filt_w + fx) * in_c;       \
                                for (int32_t ic = 0; ic < in_c; ic++) {                            \
                                    const T x = ip[ic];                                            \
                                    const F_T f = fp[ic];                                          \
                                    MAC;                                                           \
                                }                                                                  \
                            }                                                                      \
                        }                                                                          \
                        *out++ = (FINISH);                                                         \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        return MML_OK;                                                                             \
    }

// int32 sums wrap like TFLite's scratch buffer, without UB.
TCONV_EVAL(eval_s8, int8_t, int8_t, int32_t, uint32_t, const int32_t in_offset = d->input_offset;
           const int32_t out_offset = d->output_offset; const int32_t *mult = tconv_mult(d);
           const int8_t *shift = tconv_shift(d),
           acc += (uint32_t)(((int32_t)x + in_offset) * (int32_t)f),
           mml__conv_out_s8(bias ? acc + (uint32_t)bias[oc] : acc, mult[oc], shift[oc], out_offset,
               d->act_min, d->act_max))

// 16x8: int64 sums (wrapping here), an int64 or int16 bias (TFLM widens the latter) or none, the
// int64 requantization.
TCONV_EVAL(eval_s16, int16_t, int8_t, uint8_t, uint64_t, const int32_t *mult = tconv_mult(d);
           const int8_t *shift = tconv_shift(d), acc += (uint64_t)((int32_t)x * (int32_t)f),
           mml__out_s16(acc, bias, oc, d->bias_size, mult[oc], shift[oc], d->act_min, d->act_max))

static inline float clamp_f32(const tconv_t *d, float v) {
    return v < d->act_min_f ? d->act_min_f : v > d->act_max_f ? d->act_max_f : v;
}

TCONV_EVAL(eval_f32, float, float, float, float, (void)0, acc += x * f,
    clamp_f32(d, acc + (bias ? bias[oc] : 0.0f)))

// TFLite's ComputePaddingHeightWidth run on the output size (the conv this op is the gradient
// of): the conv's output size, which must be the input's, and the top/left padding.
static mml_status_t tconv_axis(mml_prep_t *p, int32_t padding, int32_t out, int32_t in,
    int32_t filt, int32_t stride, int32_t *pad) {
    int64_t n = padding == MML_PAD_SAME ? ((int64_t)out + stride - 1) / stride
                                        : ((int64_t)out + stride - filt) / stride;
    if (n != in) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "output size %d with filter %d and stride %d does not match input size %d", out, filt,
            stride, in);
    }
    int64_t total = (n - 1) * stride + filt - out;
    *pad = total > 0 ? (int32_t)(total / 2) : 0;
    return MML_OK;
}

mml_status_t mml__prepare_transpose_conv(mml_prep_t *p) {
    mml__tensor_t shape, filter, in, bias, out;
    mml_status_t st;
    // Versions: 2 int8, 3 16x8, 4 fused activation.
    if ((st = mml__prep_check_io(p, 3, 4, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &shape)) != MML_OK ||
        (st = mml__prep_input(p, 1, &filter)) != MML_OK ||
        (st = mml__prep_input(p, 2, &in)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    uint8_t has_bias = mml__prep_has_input(p, 3);
    if (has_bias && (st = mml__prep_input(p, 3, &bias)) != MML_OK) {
        return st;
    }
    if (in.rank != 4 || out.rank != 4 || filter.rank != 4) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input, filter and output must be 4-D");
    }
    if (in.elems == 0 || out.elems == 0 || filter.elems == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "empty input, filter or output");
    }
    // The output shape tensor, when the model holds it, must be the output's static shape.
    if (shape.dtype != MML_INT32 || shape.rank != 1 || shape.elems != 4) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output shape must be 4 int32 values");
    }
    if (shape.is_constant && shape.data) {
        for (uint32_t i = 0; i < 4; i++) {
            const uint8_t *b = shape.data + 4 * i;
            int32_t v = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                (uint32_t)b[3] << 24);
            if (v != out.dims[i]) {
                return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                    "output shape tensor differs from the output's shape");
            }
        }
    }
    int32_t out_c = out.dims[3], in_c = in.dims[3];
    if (filter.dims[0] != out_c || filter.dims[3] != in_c || in.dims[0] != out.dims[0]) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "filter [%d,%d,%d,%d] does not fit input depth %d and output depth %d", filter.dims[0],
            filter.dims[1], filter.dims[2], filter.dims[3], in_c, out_c);
    }
    if (has_bias && bias.elems != (uint32_t)out_c) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "bias has %u elements, expected %d",
            bias.elems, out_c);
    }
    int32_t padding = mml__opt_u8(p, OPT_PADDING, MML_PAD_SAME);
    int32_t stride_h = mml__opt_i32(p, OPT_STRIDE_H, 0),
            stride_w = mml__opt_i32(p, OPT_STRIDE_W, 0);
    if (padding != MML_PAD_SAME && padding != MML_PAD_VALID) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "padding %d unsupported", padding);
    }
    if (stride_h <= 0 || stride_w <= 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "stride %dx%d must be positive", stride_h,
            stride_w);
    }
    int32_t pad_h, pad_w;
    if ((st = tconv_axis(p, padding, out.dims[1], in.dims[1], filter.dims[1], stride_h, &pad_h)) !=
            MML_OK ||
        (st = tconv_axis(p, padding, out.dims[2], in.dims[2], filter.dims[2], stride_w, &pad_w)) !=
            MML_OK) {
        return st;
    }
    // Eval's coordinates: out + pad and in * stride stay far inside int32.
    if ((int64_t)out.dims[1] + pad_h > INT32_MAX / 2 ||
        (int64_t)out.dims[2] + pad_w > INT32_MAX / 2) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "output too large");
    }
    int32_t act = mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE);
    int32_t act_min = 0, act_max = 0;
    float act_min_f = 0.0f, act_max_f = 0.0f;
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        const int s16 = in.dtype == MML_INT16;
        // TFLM's quantized kernels take no fused activation: refuse one rather than guess.
        if (act != MML_ACT_NONE) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation %d with %s unsupported",
                act, mml_dtype_name((mml_dtype_t)in.dtype));
        }
        if ((st = mml__prep_check_dtype(p, &filter, MML_INT8)) != MML_OK ||
            (st = mml__prep_check_dtype(p, &out, (mml_dtype_t)in.dtype)) != MML_OK ||
            (st = s16
                    ? mml__conv_check_quant_s16(p, &in, &filter, &out, (uint32_t)out_c, 0)
                    : mml__conv_check_quant(p, &in, &filter, &out, (uint32_t)out_c, 0)) != MML_OK ||
            (st = mml__window_act_range_q(p, act, &out, s16 ? -32768 : -128, s16 ? 32767 : 127,
                 &act_min, &act_max)) != MML_OK) {
            return st;
        }
        if (!s16) {
            if (has_bias && (st = mml__prep_check_dtype(p, &bias, MML_INT32)) != MML_OK) {
                return st;
            }
            p->eval = eval_s8;
        } else if (!has_bias || bias.dtype == MML_INT64 || bias.dtype == MML_INT16) {
            p->eval = eval_s16;
        } else {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 input with %s bias unsupported",
                mml_dtype_name((mml_dtype_t)bias.dtype));
        }
    } else if (in.dtype == MML_FLOAT32) {
        st = mml__conv_check_f32(p, &filter, &out, has_bias ? &bias : NULL, act, &act_min_f,
            &act_max_f);
        if (st != MML_OK) {
            return st;
        }
        p->eval = eval_f32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    p->macs =
        (uint64_t)in.elems * (uint64_t)filter.dims[1] * (uint64_t)filter.dims[2] * (uint64_t)out_c;
    uint32_t n_quant = in.dtype == MML_FLOAT32 ? 0 : (uint32_t)out_c;
    tconv_t *d = (tconv_t *)mml__prep_persist(p, sizeof(tconv_t) + MML_REQUANT_BYTES(n_quant));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->filter = mml__prep_loc(p, &filter);
    d->bias = has_bias ? mml__prep_loc(p, &bias) : 0;
    d->output = mml__prep_loc(p, &out);
    d->has_bias = has_bias;
    d->bias_size = has_bias && bias.dtype == MML_INT16 ? 2 : 8;
    d->batches = in.dims[0];
    d->in_h = in.dims[1];
    d->in_w = in.dims[2];
    d->in_c = in_c;
    d->out_h = out.dims[1];
    d->out_w = out.dims[2];
    d->out_c = out_c;
    d->filt_h = filter.dims[1];
    d->filt_w = filter.dims[2];
    d->stride_h = stride_h;
    d->stride_w = stride_w;
    d->pad_h = pad_h;
    d->pad_w = pad_w;
    d->act_min = act_min;
    d->act_max = act_max;
    d->act_min_f = act_min_f;
    d->act_max_f = act_max_f;
    if (n_quant > 0) {
        mml__conv_quant_tail(p, &in, &filter, &out, n_quant, d + 1, &d->input_offset,
            &d->output_offset);
    }
    return MML_OK;
}

#endif // MML_OP_ON(TRANSPOSE_CONV)
