// SPDX-License-Identifier: MIT
// Shared prepare code of the sliding-window ops (see window.h).
#include "nn/kernels/window.h"

// TFLite's ComputeOutSize (GetWindowedOutputSize in TensorFlow), in 64 bits.
static int64_t out_size(int32_t padding, int64_t in, int64_t filt, int64_t stride, int64_t dil) {
    int64_t eff = (filt - 1) * dil + 1;
    return padding == MML_PAD_SAME ? (in + stride - 1) / stride : (in + stride - eff) / stride;
}

// TFLite's ComputePaddingWithOffset: the top/left half of the total padding (rounded down).
static int64_t pad_before(int64_t in, int64_t filt, int64_t stride, int64_t dil, int64_t out) {
    int64_t total = (out - 1) * stride + (filt - 1) * dil + 1 - in;
    return total > 0 ? total / 2 : 0;
}

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

// One dimension of the window (out of line: called for H and W): returns the output size; *pad
// is the padding before, *reach = (out - 1) * stride + (filt - 1) * dil + 1 + pad, which bounds
// the coordinates eval forms (out * stride + (filt - 1) * dil, the padding subtracted from it).
// All in 64 bits from int32 sizes: no overflow whatever the sizes.
MML__PREPARE NOINLINE static int64_t window_dim(int32_t padding, int32_t in, int32_t filt,
    int32_t stride, int32_t dil, int64_t *pad, int64_t *reach) {
    int64_t out = out_size(padding, in, filt, stride, dil);
    *pad = pad_before(in, filt, stride, dil, out);
    *reach = (out - 1) * stride + (int64_t)(filt - 1) * dil + 1 + *pad;
    return out;
}

mml_status_t mml__window_prepare(mml_prep_t *p, const mml__tensor_t *in, const mml__tensor_t *out,
    int32_t filt_h, int32_t filt_w, int32_t padding, int32_t stride_h, int32_t stride_w,
    int32_t dil_h, int32_t dil_w, mml__window_t *w) {
    if (in->rank != 4 || out->rank != 4) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output must be 4-D");
    }
    if (in->elems == 0 || out->elems == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "empty input or output");
    }
    if (padding != MML_PAD_SAME && padding != MML_PAD_VALID) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "padding %d unsupported", padding);
    }
    if (filt_h <= 0 || filt_w <= 0 || stride_h <= 0 || stride_w <= 0 || dil_h <= 0 || dil_w <= 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "filter %dx%d, stride %dx%d, dilation %dx%d must be positive", filt_h, filt_w, stride_h,
            stride_w, dil_h, dil_w);
    }
    if (in->dims[0] != out->dims[0]) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "batch %d differs from input's %d",
            out->dims[0], in->dims[0]);
    }
    int64_t ph, pw, reach_h, reach_w;
    int64_t oh = window_dim(padding, in->dims[1], filt_h, stride_h, dil_h, &ph, &reach_h);
    int64_t ow = window_dim(padding, in->dims[2], filt_w, stride_w, dil_w, &pw, &reach_w);
    if (oh != out->dims[1] || ow != out->dims[2]) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output is %dx%d, expected %dx%d",
            out->dims[1], out->dims[2], (int32_t)(oh > 0 ? oh : 0), (int32_t)(ow > 0 ? ow : 0));
    }
    if (reach_h > INT32_MAX || reach_w > INT32_MAX) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "window too large");
    }
    w->batches = in->dims[0];
    w->in_h = in->dims[1];
    w->in_w = in->dims[2];
    w->out_h = (int32_t)oh;
    w->out_w = (int32_t)ow;
    w->filt_h = filt_h;
    w->filt_w = filt_w;
    w->stride_h = stride_h;
    w->stride_w = stride_w;
    w->dil_h = dil_h;
    w->dil_w = dil_w;
    w->pad_h = (int32_t)ph;
    w->pad_w = (int32_t)pw;
    return MML_OK;
}

void mml__window_allow_overlap(mml_prep_t *p, const mml__window_t *w, int32_t in_c,
    uint32_t in_elem, int32_t out_c, uint32_t out_elem) {
    int64_t in_pixel = (int64_t)in_c * in_elem, out_pixel = (int64_t)out_c * out_elem;
    int64_t best = INT32_MAX, q_end = 0; // end of output pixel q: (q + 1) * out_pixel
    for (int32_t b = 0; b < w->batches; b++) {
        for (int32_t oy = 0; oy < w->out_h; oy++) {
            // Window coordinates fit int32 (mml__window_prepare checked their reach).
            int32_t y = oy * w->stride_h - w->pad_h;
            y = y < 0 ? 0 : y >= w->in_h ? w->in_h - 1 : y;
            const int64_t row = ((int64_t)b * w->in_h + y) * w->in_w;
            for (int32_t ox = 0; ox < w->out_w; ox++) {
                int32_t x = ox * w->stride_w - w->pad_w;
                x = x < 0 ? 0 : x >= w->in_w ? w->in_w - 1 : x;
                q_end += out_pixel;
                int64_t d = (row + x) * in_pixel - q_end; // lowest input byte read - q_end
                best = d < best ? d : best;
            }
        }
    }
    if (best > INT32_MIN) {
        p->overlap = 1;
        p->overlap_max = (int32_t)best;
    }
}

// The real requantization multiplier of filter scale i: input_scale * filter_scale[i] /
// output_scale, in double as TFLite's PopulateConvolutionQuantizationParams.
MML__PREPARE static double real_multiplier(const mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *filter, const mml__tensor_t *out, uint32_t i) {
    double in_scale = (double)mml__tensor_scale(p->m, in, 0);
    double out_scale = (double)mml__tensor_scale(p->m, out, 0);
    return in_scale * (double)mml__tensor_scale(p->m, filter, i) / out_scale;
}

mml_status_t mml__conv_check_quant(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *filter, const mml__tensor_t *out, uint32_t channels, int32_t qdim) {
    if (in->scales.n != 1 || out->scales.n != 1 || filter->scales.n == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "missing quantization parameters");
    }
    int32_t in_zp = mml__tensor_zero_point(p->m, in, 0);
    if (in_zp < -128 || in_zp > 127) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input zero point %d out of range", in_zp);
    }
    if (filter->scales.n != 1 && (filter->scales.n != channels || filter->quantized_dim != qdim)) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "filter has %u scales along axis %d, expected 1 or %u along axis %d", filter->scales.n,
            filter->quantized_dim, channels, qdim);
    }
    // Keep QuantizeMultiplier in its domain (shift <= 31): 0 <= multiplier < 2^31, not NaN.
    for (uint32_t i = 0; i < filter->scales.n; i++) {
        double real = real_multiplier(p, in, filter, out, i);
        if (!(real >= 0.0 && real < 2147483648.0)) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "scales give a multiplier out of range");
        }
    }
    return MML_OK;
}

mml_status_t mml__conv_check_quant_s16(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *filter, const mml__tensor_t *out, uint32_t channels, int32_t qdim) {
    mml_status_t st = mml__conv_check_quant(p, in, filter, out, channels, qdim);
    if (st != MML_OK) {
        return st;
    }
    if (mml__tensor_zero_point(p->m, in, 0) != 0 || mml__tensor_zero_point(p->m, out, 0) != 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 needs zero points 0");
    }
    for (uint32_t i = 0; i < filter->scales.n; i++) {
        int32_t q, shift;
        mml__quantize_multiplier(real_multiplier(p, in, filter, out, i), &q, &shift);
        if (shift > 14) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "int16 requantization multiplier 2^%d "
                "too large",
                shift);
        }
    }
    return MML_OK;
}

void mml__conv_multipliers(const mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *filter, const mml__tensor_t *out, uint32_t channels, int32_t *mult,
    int8_t *shift) {
    for (uint32_t c = 0; c < channels; c++) {
        // A per-tensor filter scale is broadcast along the output channels.
        int32_t s;
        mml__quantize_multiplier(real_multiplier(p, in, filter, out, filter->scales.n > 1 ? c : 0),
            &mult[c], &s);
        shift[c] = (int8_t)s; // in [-31, 31]
    }
}

mml_status_t mml__window_act_range_q(mml_prep_t *p, int32_t act, const mml__tensor_t *out,
    int32_t qmin, int32_t qmax, int32_t *lo, int32_t *hi) {
    if (out->scales.n == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "missing quantization parameters");
    }
    float scale = mml__tensor_scale(p->m, out, 0);
    int32_t zp = mml__tensor_zero_point(p->m, out, 0);
    if (zp < qmin || zp > qmax) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output zero point %d out of range", zp);
    }
    // The bounds are zp + round(6 / scale) and the like: keep them clear of int32 overflow.
    if (act != MML_ACT_NONE && !(scale > 0.0f && 6.0f / scale < 1073741824.0f)) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output scale out of range");
    }
    if (!mml__activation_range_q(act, scale, zp, qmin, qmax, lo, hi)) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation %d unsupported", act);
    }
    return MML_OK;
}

mml_status_t mml__window_act_range_s8(mml_prep_t *p, int32_t act, const mml__tensor_t *out,
    int32_t *lo, int32_t *hi) {
    return mml__window_act_range_q(p, act, out, -128, 127, lo, hi);
}

enum {
    POOL_PADDING = 0,
    POOL_STRIDE_W = 1,
    POOL_STRIDE_H = 2,
    POOL_FILTER_W = 3,
    POOL_FILTER_H = 4,
    POOL_ACTIVATION = 5
};

mml_status_t mml__pool2d_prepare(mml_prep_t *p, mml__eval_fn eval_s8) {
    mml__tensor_t in, out;
    mml_status_t st;
    // Version 3 is int16.
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 3)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK ||
        (st = mml__prep_check_dtype(p, &out, (mml_dtype_t)in.dtype)) != MML_OK) {
        return st;
    }
    mml__window_t w;
    st = mml__window_prepare(p, &in, &out, mml__opt_i32(p, POOL_FILTER_H, 0),
        mml__opt_i32(p, POOL_FILTER_W, 0), mml__opt_u8(p, POOL_PADDING, MML_PAD_SAME),
        mml__opt_i32(p, POOL_STRIDE_H, 0), mml__opt_i32(p, POOL_STRIDE_W, 0), 1, 1, &w);
    if (st != MML_OK) {
        return st;
    }
    // The integer average sums up to filt_h * filt_w values of magnitude <= 128 (int8) or 32768
    // (int16) in an int32.
    if ((int64_t)w.filt_h * w.filt_w > (in.dtype == MML_INT16 ? (1 << 15) : (1 << 23))) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "pooling window %dx%d too large", w.filt_h,
            w.filt_w);
    }
    if (in.dims[3] != out.dims[3]) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output depth %d differs from input's %d",
            out.dims[3], in.dims[3]);
    }
    int32_t act = mml__opt_u8(p, POOL_ACTIVATION, MML_ACT_NONE);
    int32_t act_min = 0, act_max = 0;
    float act_min_f = 0.0f, act_max_f = 0.0f;
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        // The kernels work on raw values: input and output must share scale and zero point.
        if (in.scales.n != 1 || out.scales.n != 1) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "missing quantization parameters");
        }
        double diff =
            (double)mml__tensor_scale(p->m, &in, 0) - (double)mml__tensor_scale(p->m, &out, 0);
        if (diff > 1.0e-6 || diff < -1.0e-6 ||
            mml__tensor_zero_point(p->m, &in, 0) != mml__tensor_zero_point(p->m, &out, 0)) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output quantization differ");
        }
        int32_t qmin = in.dtype == MML_INT8 ? -128 : -32768, qmax = -qmin - 1;
        if ((st = mml__window_act_range_q(p, act, &out, qmin, qmax, &act_min, &act_max)) !=
            MML_OK) {
            return st;
        }
    } else if (in.dtype == MML_FLOAT32) {
        if (!mml__activation_range_f(act, &act_min_f, &act_max_f)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation %d unsupported", act);
        }
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    p->eval = eval_s8;
    if (in.dtype != MML_INT8 &&
        (st = mml__prep_dtype_eval(p, in.dtype == MML_INT16 ? MML_DTYPE_PATH_S16 : MML_DTYPE_PATH_F32)) !=
            MML_OK) {
        return st;
    }
    uint32_t elem = mml_dtype_size((mml_dtype_t)in.dtype);
    mml__window_allow_overlap(p, &w, in.dims[3], elem, out.dims[3], elem);
    mml__pool2d_t *r = (mml__pool2d_t *)mml__prep_persist(p, sizeof(mml__pool2d_t));
    if (!r) {
        return MML_OK;
    }
    r->input = mml__prep_loc(p, &in);
    r->output = mml__prep_loc(p, &out);
    r->w = w;
    r->depth = in.dims[3];
    r->act_min = act_min;
    r->act_max = act_max;
    r->act_min_f = act_min_f;
    r->act_max_f = act_max_f;
    return MML_OK;
}

mml_status_t mml__conv_check_f32(mml_prep_t *p, const mml__tensor_t *filter,
    const mml__tensor_t *out, const mml__tensor_t *bias, int32_t act, float *act_min,
    float *act_max) {
    mml_status_t st;
    if ((st = mml__prep_check_dtype(p, filter, MML_FLOAT32)) != MML_OK ||
        (st = mml__prep_check_dtype(p, out, MML_FLOAT32)) != MML_OK ||
        (bias && (st = mml__prep_check_dtype(p, bias, MML_FLOAT32)) != MML_OK)) {
        return st;
    }
    if (!mml__activation_range_f(act, act_min, act_max)) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation %d unsupported", act);
    }
    return MML_OK;
}

void mml__conv_quant_tail(const mml_prep_t *p, const mml__tensor_t *in, const mml__tensor_t *filter,
    const mml__tensor_t *out, uint32_t channels, void *tail, int32_t *input_offset,
    int32_t *output_offset) {
    // TFLite's reference kernels ignore the filter zero point (symmetric filters).
    *input_offset = -mml__tensor_zero_point(p->m, in, 0);
    *output_offset = mml__tensor_zero_point(p->m, out, 0);
    mml__conv_multipliers(p, in, filter, out, channels, (int32_t *)tail,
        (int8_t *)((int32_t *)tail + channels));
}
