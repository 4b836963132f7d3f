// SPDX-License-Identifier: MIT
// DEPTHWISE_CONV_2D: each input channel c convolved with depth_multiplier filters [1,KH,KW,Cout]
// into output channels c * depth_multiplier + m. int8 (per-channel), 16x8 (int16 activations, int8
// filter, int64 bias) and float32, as TFLite.
#include "nn/kernel.h"
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/window.h"
#include "nn/ops.h"
#if MML_OP_ON(DEPTHWISE_CONV_2D)

enum {
    OPT_PADDING = 0,
    OPT_STRIDE_W = 1,
    OPT_STRIDE_H = 2,
    OPT_DEPTH_MULTIPLIER = 3,
    OPT_ACTIVATION = 4,
    OPT_DILATION_W = 5,
    OPT_DILATION_H = 6
};

typedef struct {
    uint32_t input, filter, bias, output; // locations; bias valid if has_bias
    mml__window_t w;
    int32_t in_c, out_c, depth_multiplier; // out_c == in_c * depth_multiplier
    int32_t input_offset, output_offset;
    int32_t act_min, act_max;   // int8/int16: quantized clamp bounds
    float act_min_f, act_max_f; // float32
    uint8_t has_bias;
#if MML_ARCH_OPT
    uint32_t scratch; // eval_s8_opt: location of its scratch (if it asks for one)
#endif
    // int8/int16: out_c multipliers (int32), then out_c shifts (int8) follow.
} dwconv_t;

static const int32_t *dwconv_quant(const dwconv_t *d) {
    return (const int32_t *)(d + 1);
}

static const int8_t *dwconv_quant_shift(const dwconv_t *d) {
    return (const int8_t *)(dwconv_quant(d) + d->out_c);
}

// Defines an eval with input and output of type T, filter F_T, bias B_T: loops in the order of
// TFLite's reference DepthwiseConvPerChannel; output written in order. SETUP runs once; for each
// output element (channel oc) an ACC_T acc starts at 0, MAC takes every input value x with its
// filter value f, and the output is FINISH (which may use acc, oc and bias, NULL without one).
// The taps inside the input are found once per output row and column (TFLite tests each one):
// the same values in the same order, without bounds checks in the inner loops. The function
// has external linkage (these are dtype paths, nn/op_list.h).
#define DWCONV_EVAL(NAME, T, F_T, B_T, ACC_T, SETUP, MAC, FINISH)                                  \
    mml_status_t NAME(const mml_eval_ctx_t *ctx, void *data) {                                     \
        const dwconv_t *d = (const dwconv_t *)data;                                                \
        const mml__window_t *w = &d->w;                                                            \
        const T *in = (const T *)mml__ptr(ctx, d->input);                                          \
        const F_T *filter = (const F_T *)mml__ptr(ctx, d->filter);                                 \
        const B_T *bias = d->has_bias ? (const B_T *)mml__ptr(ctx, d->bias) : NULL;                \
        T *out = (T *)mml__ptr(ctx, d->output);                                                    \
        const int32_t in_c = d->in_c, out_c = d->out_c, depth_mult = d->depth_multiplier;          \
        const int32_t in_h = w->in_h, in_w = w->in_w, filt_h = w->filt_h, filt_w = w->filt_w;      \
        const int32_t dil_h = w->dil_h, dil_w = w->dil_w;                                          \
        const size_t row_step = (size_t)dil_h * in_w * in_c; /* input, one filter row down */      \
        const size_t x_step = (size_t)dil_w * in_c;          /* input, one filter tap right */     \
        const size_t frow_step = (size_t)filt_w * out_c;     /* filter, one row down */            \
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
                    const F_T *f_0 = filter + v.tap * out_c;                                       \
                    for (int32_t ic = 0; ic < in_c; ic++) {                                        \
                        for (int32_t m = 0; m < depth_mult; m++) {                                 \
                            const int32_t oc = ic * depth_mult + m;                                \
                            ACC_T acc = 0;                                                         \
                            const T *irow = in_0 + ic;                                             \
                            const F_T *frow = f_0 + oc;                                            \
                            for (int32_t fy = 0; fy < ny; fy++) {                                  \
                                const T *ip = irow;                                                \
                                const F_T *fp = frow;                                              \
                                for (int32_t fx = 0; fx < nx; fx++) {                              \
                                    const T x = *ip;                                               \
                                    const F_T f = *fp;                                             \
                                    MAC;                                                           \
                                    ip += x_step;                                                  \
                                    fp += out_c;                                                   \
                                }                                                                  \
                                irow += row_step;                                                  \
                                frow += frow_step;                                                 \
                            }                                                                      \
                            out[oc] = (FINISH);                                                    \
                        }                                                                          \
                    }                                                                              \
                    out += out_c;                                                                  \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        return MML_OK;                                                                             \
    }

// The int8 kernels (nn_s8.h): the reference, or the variant mml_arch.h builds and prepare picks.
static void params_s8(const dwconv_t *d, mml__conv_s8_t *k_out) {
    mml__conv_s8_t k;
    k.w = d->w;
    k.in_c = d->in_c;
    k.out_c = d->out_c;
    k.filt_c = 1;
    k.depth_multiplier = d->depth_multiplier;
    k.q.input_offset = d->input_offset;
    k.q.output_offset = d->output_offset;
    k.q.act_min = d->act_min;
    k.q.act_max = d->act_max;
    k.q.mult = dwconv_quant(d);
    k.q.shift = dwconv_quant_shift(d);
    *k_out = k;
}

// The int8 reference (path S8REF): the cases the build's optimized variant does not take,
// or every case in a build without one (MML_ARCH_OPT 0).
mml_status_t mml__depthwise_conv2d_eval_s8ref(const mml_eval_ctx_t *ctx, void *data) {
    const dwconv_t *d = (const dwconv_t *)data;
    mml__conv_s8_t k;
    params_s8(d, &k);
    mml__depthwise_conv2d_s8_ref(&k, (const int8_t *)mml__ptr(ctx, d->input),
        (const int8_t *)mml__ptr(ctx, d->filter),
        d->has_bias ? (const int32_t *)mml__ptr(ctx, d->bias) : NULL,
        (int8_t *)mml__ptr(ctx, d->output));
    return MML_OK;
}

#if MML_ARCH_OPT
static mml_status_t eval_s8_opt(const mml_eval_ctx_t *ctx, void *data) {
    const dwconv_t *d = (const dwconv_t *)data;
    mml__conv_s8_t k;
    params_s8(d, &k);
    mml__depthwise_conv2d_s8_opt(&k, (const int8_t *)mml__ptr(ctx, d->input),
        (const int8_t *)mml__ptr(ctx, d->filter),
        d->has_bias ? (const int32_t *)mml__ptr(ctx, d->bias) : NULL,
        (int8_t *)mml__ptr(ctx, d->output), mml__ptr(ctx, d->scratch));
    return MML_OK;
}
#endif

#if MML_DTYPE_ON(DEPTHWISE_CONV_2D, S16)
// 16x8: int64 sums (wrapping here), an int64 bias or none, the int64 requantization, as
// TFLite's DepthwiseConvPerChannel for int16.
DWCONV_EVAL(mml__depthwise_conv2d_eval_s16, int16_t, int8_t, uint8_t, uint64_t,
            const int32_t act_min = d->act_min;
            const int32_t act_max = d->act_max; const int32_t *mult = dwconv_quant(d);
            const int8_t *shift = dwconv_quant_shift(d), acc += (uint64_t)((int32_t)f * (int32_t)x),
            mml__out_s16(acc, bias, oc, 8, mult[oc], shift[oc], act_min, act_max))
#endif

#if MML_DTYPE_ON(DEPTHWISE_CONV_2D, F32)
static inline float clamp_f32(const dwconv_t *d, float v) {
    return v < d->act_min_f ? d->act_min_f : v > d->act_max_f ? d->act_max_f : v;
}

DWCONV_EVAL(mml__depthwise_conv2d_eval_f32, float, float, float, float, (void)0, acc += x * f,
    clamp_f32(d, acc + (bias ? bias[oc] : 0.0f)))
#endif

mml_status_t mml__prepare_depthwise_conv2d(mml_prep_t *p) {
    mml__tensor_t in, filter, bias, out;
    mml_status_t st;
    // Version 5 is 16x8, 4 and 6 hybrid (rejected by the dtype checks), 7 int4 filters.
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
    if (filter.rank != 4 || filter.elems == 0 || filter.dims[0] != 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "filter must be [1,KH,KW,C]");
    }
    mml__window_t w;
    st = mml__window_prepare(p, &in, &out, filter.dims[1], filter.dims[2],
        mml__opt_u8(p, OPT_PADDING, MML_PAD_SAME), mml__opt_i32(p, OPT_STRIDE_H, 0),
        mml__opt_i32(p, OPT_STRIDE_W, 0), mml__opt_i32(p, OPT_DILATION_H, 1),
        mml__opt_i32(p, OPT_DILATION_W, 1), &w);
    if (st != MML_OK) {
        return st;
    }
    int32_t in_c = in.dims[3], out_c = out.dims[3];
    int32_t dm = mml__opt_i32(p, OPT_DEPTH_MULTIPLIER, 0);
    if (filter.dims[3] != out_c || dm <= 0 || (int64_t)in_c * dm != out_c) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "channels: input %d, depth multiplier %d, filter %d, output %d", in_c, dm,
            filter.dims[3], out_c);
    }
    if (has_bias && bias.elems != (uint32_t)out_c) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "bias has %u elements, expected %d",
            bias.elems, out_c);
    }
    int32_t act = mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE);
    int32_t act_min = 0, act_max = 0;
    float act_min_f = 0.0f, act_max_f = 0.0f;
    const int s8 = in.dtype == MML_INT8, s16 = in.dtype == MML_INT16;
    uint8_t path = MML_DTYPE_PATH_F32;
    if (s8 || s16) { // int8, or 16x8 (int64 bias)
        const int32_t qmin = s8 ? -128 : -32768;
        if ((st = mml__prep_check_dtype(p, &filter, MML_INT8)) != MML_OK ||
            (st = mml__prep_check_dtype(p, &out, (mml_dtype_t)in.dtype)) != MML_OK ||
            (has_bias &&
                (st = mml__prep_check_dtype(p, &bias, s8 ? MML_INT32 : MML_INT64)) != MML_OK) ||
            (st = (s8 ? mml__conv_check_quant : mml__conv_check_quant_s16)(p, &in, &filter, &out,
                 (uint32_t)out_c, 3)) != MML_OK ||
            (st = mml__window_act_range_q(p, act, &out, qmin, -qmin - 1, &act_min, &act_max)) !=
                MML_OK) {
            return st;
        }
        path = s8 ? MML_DTYPE_PATH_S8REF : MML_DTYPE_PATH_S16;
#if MML_ARCH_OPT
        mml__conv_s8_t k = {0};
        k.w = w;
        k.in_c = in_c;
        k.out_c = out_c;
        k.filt_c = 1;
        k.depth_multiplier = dm;
        if (s8 && mml__depthwise_conv2d_s8_opt_suits(&k)) {
            p->eval = eval_s8_opt;
            mml__prep_scratch(p, mml__depthwise_conv2d_s8_opt_scratch(&k));
            path = MML_DTYPE_PATH_NONE;
        }
#else
        if (s8) {
            p->eval = mml__depthwise_conv2d_eval_s8ref;
            path = MML_DTYPE_PATH_NONE;
        }
#endif
    } else if (in.dtype == MML_FLOAT32) {
        st = mml__conv_check_f32(p, &filter, &out, has_bias ? &bias : NULL, act, &act_min_f,
            &act_max_f);
        if (st != MML_OK) {
            return st;
        }
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    if (path != MML_DTYPE_PATH_NONE && (st = mml__prep_dtype_eval(p, path)) != MML_OK) {
        return st;
    }
    mml__window_allow_overlap(p, &w, in.dims[3], mml_dtype_size((mml_dtype_t)in.dtype), out.dims[3],
        mml_dtype_size((mml_dtype_t)out.dtype));
    p->macs = (uint64_t)out.elems * (uint64_t)(w.filt_h * w.filt_w);
    uint32_t n_quant = in.dtype == MML_INT8 || in.dtype == MML_INT16 ? (uint32_t)out_c : 0;
    dwconv_t *d = (dwconv_t *)mml__prep_persist(p, sizeof(dwconv_t) + MML_REQUANT_BYTES(n_quant));
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
    d->depth_multiplier = dm;
#if MML_ARCH_OPT
    if (p->eval == eval_s8_opt) {
        d->scratch = mml__prep_scratch_loc(p);
    }
#endif
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
#endif // MML_OP_ON(DEPTHWISE_CONV_2D)
