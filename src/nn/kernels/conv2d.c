// SPDX-License-Identifier: MIT
// CONV_2D: [N,H,W,Cin] * filter [Cout,KH,KW,Cin/groups] + bias -> [N,OH,OW,Cout], with strides,
// dilation, SAME/VALID padding and fused activation. int8 (per-channel), 16x8 (int16 activations,
// int8 filter, int64 or int32 bias) and float32, as TFLite.
#include "nn/kernel.h"
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/window.h"
#include "nn/ops.h"
#if MML_OP_ON(CONV_2D)

enum {
    OPT_PADDING = 0,
    OPT_STRIDE_W = 1,
    OPT_STRIDE_H = 2,
    OPT_ACTIVATION = 3,
    OPT_DILATION_W = 4,
    OPT_DILATION_H = 5
};

typedef struct {
    uint32_t input, filter, bias, output; // locations; bias valid if has_bias
    mml__window_t w;
    int32_t in_c, out_c, filt_c; // filt_c: input channels per group
    int32_t filters_per_group;   // output channels per group
    int32_t input_offset, output_offset;
    int32_t act_min, act_max;   // int8/int16: quantized clamp bounds
    float act_min_f, act_max_f; // float32
    uint8_t has_bias;
    uint8_t per_channel; // hybrid: per-channel path (asymmetric input, acc * scale * factor)
    uint8_t oc_scales;   // hybrid: one weight scale per output channel (else one for all)
    uint32_t scratch;    // hybrid: location of the per-batch scales, offsets and int8 input;
                         // eval_s8_opt: its scratch
    uint32_t scales;     // hybrid: location of the 1 or out_c float weight scales
    uint8_t bias_size;   // int16: 8 (int64 bias) or 4 (int32 bias or none: int32 sums)
    // int8/int16: out_c multipliers (int32), then out_c shifts (int8) follow.
    // hybrid: 1 or out_c float weight scales follow.
} conv_t;

static const int32_t *conv_quant(const conv_t *d) {
    return (const int32_t *)(d + 1);
}

static const int8_t *conv_quant_shift(const conv_t *d) {
    return (const int8_t *)(conv_quant(d) + d->out_c);
}

// Defines an eval with input and output of type T, filter F_T, bias B_T: the loops of TFLite's
// reference ConvPerChannel (same accumulation order), output written in raster order, no
// scratch. SETUP runs once; for each output element (channel oc) an ACC_T acc starts at 0, MAC
// takes every input value x with its filter value f, and the output is FINISH (which may use acc,
// oc and bias, NULL without one). The taps inside the input are found once per output row and
// column (TFLite tests each one): the same values in the same order, no bounds checks inside.
// CONV_EVAL_IO: the same with output type O_T (hybrid: int8 input, float output). Either
// defines a function with external linkage: write `static` before it for a file-local one.
#define CONV_EVAL(NAME, T, F_T, B_T, ACC_T, SETUP, MAC, FINISH)                                    \
    CONV_EVAL_IO(NAME, T, T, F_T, B_T, ACC_T, SETUP, MAC, FINISH)
#define CONV_EVAL_IO(NAME, T, O_T, F_T, B_T, ACC_T, SETUP, MAC, FINISH)                            \
    mml_status_t NAME(const mml_eval_ctx_t *ctx, void *data) {                                     \
        const conv_t *d = (const conv_t *)data;                                                    \
        const mml__window_t *w = &d->w;                                                            \
        const T *in = (const T *)mml__ptr(ctx, d->input);                                          \
        const F_T *filter = (const F_T *)mml__ptr(ctx, d->filter);                                 \
        const B_T *bias = d->has_bias ? (const B_T *)mml__ptr(ctx, d->bias) : NULL;                \
        O_T *out = (O_T *)mml__ptr(ctx, d->output);                                                \
        const int32_t fc = d->filt_c, in_c = d->in_c, out_c = d->out_c;                            \
        const int32_t per_group = d->filters_per_group;                                            \
        const int32_t in_h = w->in_h, in_w = w->in_w, filt_h = w->filt_h, filt_w = w->filt_w;      \
        const int32_t dil_h = w->dil_h, dil_w = w->dil_w;                                          \
        const size_t filter_size = (size_t)filt_h * filt_w * fc;                                   \
        const size_t row_step = (size_t)dil_h * in_w * in_c; /* input, one filter row down */      \
        const size_t x_step = (size_t)dil_w * in_c;          /* input, one filter tap right */     \
        const size_t frow_step = (size_t)filt_w * fc;        /* filter, one row down */            \
        SETUP;                                                                                     \
        for (int32_t b = 0; b < w->batches; b++) {                                                 \
            const T *in_b = in + (size_t)b * in_h * in_w * in_c;                                   \
            for (int32_t oy = 0; oy < w->out_h; oy++) {                                            \
                const int32_t iy0 = oy * w->stride_h - w->pad_h;                                   \
                int32_t fy0, fy1;                                                                  \
                mml__window_taps(iy0, dil_h, filt_h, in_h, &fy0, &fy1);                            \
                for (int32_t ox = 0; ox < w->out_w; ox++) {                                        \
                    const mml__window_view_t v =                                                   \
                        mml__window_view(w, iy0, fy0, fy1, ox * w->stride_w - w->pad_w);           \
                    const int32_t ny = v.ny, nx = v.nx;                                            \
                    const T *in_0 = in_b + v.in_pixel * in_c; /* first tap inside, ch. 0 */        \
                    const size_t f_0 = v.tap * fc;                                                 \
                    for (int32_t oc = 0; oc < out_c; oc++) {                                       \
                        const T *irow = in_0 + (size_t)(oc / per_group) * fc;                      \
                        const F_T *frow = filter + (size_t)oc * filter_size + f_0;                 \
                        ACC_T acc = 0;                                                             \
                        for (int32_t fy = 0; fy < ny; fy++) {                                      \
                            const T *ip = irow;                                                    \
                            const F_T *fp = frow;                                                  \
                            for (int32_t fx = 0; fx < nx; fx++) {                                  \
                                for (int32_t ic = 0; ic < fc; ic++) {                              \
                                    const T x = ip[ic];                                            \
                                    const F_T f = fp[ic];                                          \
                                    MAC;                                                           \
                                }                                                                  \
                                ip += x_step;                                                      \
                                fp += fc;                                                          \
                            }                                                                      \
                            irow += row_step;                                                      \
                            frow += frow_step;                                                     \
                        }                                                                          \
                        *out++ = (FINISH);                                                         \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        return MML_OK;                                                                             \
    }

static inline float clamp_f32(const conv_t *d, float v) {
    return v < d->act_min_f ? d->act_min_f : v > d->act_max_f ? d->act_max_f : v;
}

// The int8 kernel's arguments (nn_s8.h) from the record.
static void params_s8(const conv_t *d, mml__conv_s8_t *k) {
    k->w = d->w;
    k->in_c = d->in_c;
    k->out_c = d->out_c;
    k->filt_c = d->filt_c;
    k->depth_multiplier = 1;
    k->q.input_offset = d->input_offset;
    k->q.output_offset = d->output_offset;
    k->q.act_min = d->act_min;
    k->q.act_max = d->act_max;
    k->q.mult = conv_quant(d);
    k->q.shift = conv_quant_shift(d);
}

// The int8 reference (path S8REF): the cases the build's optimized variant does not take,
// or every case in a build without one (MML_ARCH_OPT 0).
mml_status_t mml__conv2d_eval_s8ref(const mml_eval_ctx_t *ctx, void *data) {
    const conv_t *d = (const conv_t *)data;
    mml__conv_s8_t k;
    params_s8(d, &k);
    mml__conv2d_s8_ref(&k, (const int8_t *)mml__ptr(ctx, d->input),
        (const int8_t *)mml__ptr(ctx, d->filter),
        d->has_bias ? (const int32_t *)mml__ptr(ctx, d->bias) : NULL,
        (int8_t *)mml__ptr(ctx, d->output));
    return MML_OK;
}

#if MML_ARCH_OPT
static mml_status_t eval_s8_opt(const mml_eval_ctx_t *ctx, void *data) {
    const conv_t *d = (const conv_t *)data;
    mml__conv_s8_t k;
    params_s8(d, &k);
    mml__conv2d_s8_opt(&k, (const int8_t *)mml__ptr(ctx, d->input),
        (const int8_t *)mml__ptr(ctx, d->filter),
        d->has_bias ? (const int32_t *)mml__ptr(ctx, d->bias) : NULL,
        (int8_t *)mml__ptr(ctx, d->output), mml__ptr(ctx, d->scratch));
    return MML_OK;
}
#endif

#if MML_DTYPE_ON(CONV_2D, S16)
// 16x8: int16 input, int8 filter, an int64 or int32 bias or none (bias_size: see mml__out_s16).
CONV_EVAL(mml__conv2d_eval_s16, int16_t, int8_t, uint8_t, uint64_t,
          const int32_t act_min = d->act_min;
          const int32_t act_max = d->act_max; const int32_t *mult = conv_quant(d);
          const int8_t *shift = conv_quant_shift(d), acc += (uint64_t)((int32_t)f * (int32_t)x),
          mml__out_s16(acc, bias, oc, d->bias_size, mult[oc], shift[oc], act_min, act_max))
#endif

#if MML_DTYPE_ON(CONV_2D, F32)
CONV_EVAL(mml__conv2d_eval_f32, float, float, float, float, (void)0, acc += x * f,
    clamp_f32(d, acc + (bias ? bias[oc] : 0.0f)))
#endif

#if MML_DTYPE_ON(CONV_2D, HYBRID)
// Float input and output with int8 weights ("hybrid", dynamic-range quantized models), as
// TFLite's conv.cc runs them (docs/quantization.md, "Hybrid ops"): each batch of the input is
// quantized to int8 at run time (mml__hybrid_quantize), the int8 loops of eval_s8 accumulate
// (x - offset) * f, and the output is acc * weight scale * input scale + bias. Per-tensor weights
// take TFLite's EvalHybrid (symmetric input, scale folded into the batch's factor); per-channel
// weights (scales not all equal) or grouped convolution take EvalHybridPerChannel (asymmetric
// input). The quantized input lives in scratch: [batches float factors][batches int32
// offsets][int8 input].
static CONV_EVAL_IO(
    eval_hybrid_q, int8_t, float, int8_t, float, uint32_t,
    const float *factor = (const float *)mml__ptr(ctx, d->scratch);
    const int32_t *offset = (const int32_t *)(factor + w->batches);
    const float *wscale = (const float *)mml__ptr(ctx, d->scales),
    acc += (uint32_t)((int32_t)f * ((int32_t)x - offset[b])),
    clamp_f32(d,
        (d->per_channel ? (float)(int32_t)acc * wscale[d->oc_scales ? oc : 0] * factor[b]
                        : (float)(int32_t)acc * factor[b]) +
            (bias ? bias[oc] : 0.0f)))

mml_status_t mml__conv2d_eval_hybrid(const mml_eval_ctx_t *ctx, void *data) {
    const conv_t *d = (const conv_t *)data;
    const mml__window_t *w = &d->w;
    float *factor = (float *)mml__ptr(ctx, d->scratch);
    int32_t *offset = (int32_t *)(factor + w->batches);
    int8_t *q = (int8_t *)(offset + w->batches);
    const float *in = (const float *)mml__ptr(ctx, d->input);
    const float wscale = *(const float *)mml__ptr(ctx, d->scales);
    const uint32_t n = (uint32_t)w->in_h * (uint32_t)w->in_w * (uint32_t)d->in_c;
    for (int32_t b = 0; b < w->batches; b++) {
        mml__hybrid_quantize(in + (size_t)b * n, n, !d->per_channel, q + (size_t)b * n, &factor[b],
            &offset[b]);
        if (!d->per_channel) {
            factor[b] *= wscale;
        }
    }
    // The int8 loops read the quantized copy: the same record with the input moved.
    conv_t dq = *d;
    dq.input = d->scratch + 8u * (uint32_t)w->batches;
    return eval_hybrid_q(ctx, &dq);
}
#endif

mml_status_t mml__prepare_conv2d(mml_prep_t *p) {
    mml__tensor_t in, filter, bias, out;
    mml_status_t st;
    // Version 6 is grouped convolution; 7 (int4 filters) and 8 (int16 bias options) are not here.
    if ((st = mml__prep_check_io(p, 2, 3, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 6)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_input(p, 1, &filter)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    uint8_t has_bias = mml__prep_has_input(p, 2);
    if (has_bias && (st = mml__prep_input(p, 2, &bias)) != MML_OK) {
        return st;
    }
    if (filter.rank != 4 || filter.elems == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "filter must be 4-D and non-empty");
    }
    mml__window_t w;
    st = mml__window_prepare(p, &in, &out, filter.dims[1], filter.dims[2],
        mml__opt_u8(p, OPT_PADDING, MML_PAD_SAME), mml__opt_i32(p, OPT_STRIDE_H, 0),
        mml__opt_i32(p, OPT_STRIDE_W, 0), mml__opt_i32(p, OPT_DILATION_H, 1),
        mml__opt_i32(p, OPT_DILATION_W, 1), &w);
    if (st != MML_OK) {
        return st;
    }
    int32_t in_c = in.dims[3], out_c = out.dims[3], filt_c = filter.dims[3];
    if (filter.dims[0] != out_c) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "filter has %d output channels, output %d",
            filter.dims[0], out_c);
    }
    // Grouped convolution: input channels split into groups of filt_c, output channels likewise.
    if (in_c % filt_c != 0 || out_c % (in_c / filt_c) != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "filter depth %d does not divide input depth %d into groups of output channels", filt_c,
            in_c);
    }
    if (has_bias && bias.elems != (uint32_t)out_c) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "bias has %u elements, expected %d",
            bias.elems, out_c);
    }
    int32_t act = mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE);
    int32_t act_min = 0, act_max = 0;
    float act_min_f = 0.0f, act_max_f = 0.0f;
    if (in.dtype == MML_INT8) {
        if ((st = mml__prep_check_dtype(p, &filter, MML_INT8)) != MML_OK ||
            (st = mml__prep_check_dtype(p, &out, MML_INT8)) != MML_OK ||
            (has_bias && (st = mml__prep_check_dtype(p, &bias, MML_INT32)) != MML_OK) ||
            (st = mml__conv_check_quant(p, &in, &filter, &out, (uint32_t)out_c, 0)) != MML_OK) {
            return st;
        }
        if ((st = mml__window_act_range_s8(p, act, &out, &act_min, &act_max)) != MML_OK) {
            return st;
        }
#if MML_ARCH_OPT
        mml__conv_s8_t k = {0};
        k.w = w;
        k.in_c = in_c;
        k.out_c = out_c;
        k.filt_c = filt_c;
        if (mml__conv2d_s8_opt_suits(&k)) {
            p->eval = eval_s8_opt;
            mml__prep_scratch(p, mml__conv2d_s8_opt_scratch(&k));
        } else if ((st = mml__prep_dtype_eval(p, MML_DTYPE_PATH_S8REF)) != MML_OK) {
            return st;
        }
#else
        p->eval = mml__conv2d_eval_s8ref;
#endif
    } else if (in.dtype == MML_INT16) {
        if ((st = mml__prep_check_dtype(p, &filter, MML_INT8)) != MML_OK ||
            (st = mml__prep_check_dtype(p, &out, MML_INT16)) != MML_OK ||
            (st = mml__conv_check_quant_s16(p, &in, &filter, &out, (uint32_t)out_c, 0)) != MML_OK ||
            (st = mml__window_act_range_q(p, act, &out, -32768, 32767, &act_min, &act_max)) !=
                MML_OK) {
            return st;
        }
        if (has_bias && bias.dtype != MML_INT64 && bias.dtype != MML_INT32) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 input with %s bias unsupported",
                mml_dtype_name((mml_dtype_t)bias.dtype));
        }
        if ((st = mml__prep_dtype_eval(p, MML_DTYPE_PATH_S16)) != MML_OK) {
            return st;
        }
    } else if (in.dtype == MML_FLOAT32 && filter.dtype == MML_INT8) {
        if ((st = mml__prep_check_dtype(p, &out, MML_FLOAT32)) != MML_OK ||
            (has_bias && (st = mml__prep_check_dtype(p, &bias, MML_FLOAT32)) != MML_OK)) {
            return st;
        }
        if (filter.scales.n != 1 && filter.scales.n != (uint32_t)out_c) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "int8 weights without scales");
        }
        for (uint32_t c = 0; c < filter.scales.n; c++) {
            if (mml__tensor_zero_point(p->m, &filter, c) != 0) {
                return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "asymmetric int8 weights");
            }
        }
        if (!mml__activation_range_f(act, &act_min_f, &act_max_f)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation %d unsupported", act);
        }
        if (in.elems > UINT32_MAX - 8u * (uint32_t)w.batches) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input too large");
        }
        mml__prep_scratch(p, 8u * (uint32_t)w.batches + in.elems);
        if ((st = mml__prep_dtype_eval(p, MML_DTYPE_PATH_HYBRID)) != MML_OK) {
            return st;
        }
    } else if (in.dtype == MML_FLOAT32) {
        st = mml__conv_check_f32(p, &filter, &out, has_bias ? &bias : NULL, act, &act_min_f,
            &act_max_f);
        if (st != MML_OK) {
            return st;
        }
        if ((st = mml__prep_dtype_eval(p, MML_DTYPE_PATH_F32)) != MML_OK) {
            return st;
        }
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    mml__window_allow_overlap(p, &w, in.dims[3], mml_dtype_size((mml_dtype_t)in.dtype), out.dims[3],
        mml_dtype_size((mml_dtype_t)out.dtype));
    p->macs = (uint64_t)out.elems * (uint64_t)(w.filt_h * w.filt_w) * (uint64_t)filt_c;
    uint32_t n_quant = in.dtype == MML_INT8 || in.dtype == MML_INT16 ? (uint32_t)out_c : 0;
    uint32_t n_scales = in.dtype == MML_FLOAT32 && filter.dtype == MML_INT8 ? filter.scales.n : 0;
    conv_t *d =
        (conv_t *)mml__prep_persist(p, sizeof(conv_t) + MML_REQUANT_BYTES(n_quant) + 4 * n_scales);
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->filter = mml__prep_loc(p, &filter);
    d->bias = has_bias ? mml__prep_loc(p, &bias) : 0;
    d->output = mml__prep_loc(p, &out);
    d->has_bias = has_bias;
    d->w = w;
    d->in_c = in_c;
    d->out_c = out_c;
    d->filt_c = filt_c;
    d->filters_per_group = out_c / (in_c / filt_c);
    d->act_min = act_min;
    d->act_max = act_max;
    d->act_min_f = act_min_f;
    d->act_max_f = act_max_f;
    // TFLite: per-channel (asymmetric input) when the weight scales differ, or for groups.
    d->per_channel = filt_c != in_c;
    d->oc_scales = n_scales > 1;
    d->bias_size = has_bias && bias.dtype == MML_INT64 ? 8 : 4;
    for (uint32_t c = 0; c < n_scales; c++) {
        float sc = mml__tensor_scale(p->m, &filter, c);
        ((float *)(d + 1))[c] = sc;
        d->per_channel |= sc != ((float *)(d + 1))[0];
    }
    if (n_scales) {
        d->scratch = mml__prep_scratch_loc(p);
        d->scales = mml__prep_persist_loc(p, d) + (uint32_t)sizeof(conv_t);
    }
    if (n_quant > 0) {
        mml__conv_quant_tail(p, &in, &filter, &out, n_quant, d + 1, &d->input_offset,
            &d->output_offset);
    }
#if MML_ARCH_OPT
    if (p->eval == eval_s8_opt) {
        d->scratch = mml__prep_scratch_loc(p);
    }
#endif
    return MML_OK;
}
#endif // MML_OP_ON(CONV_2D)
