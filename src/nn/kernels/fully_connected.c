// SPDX-License-Identifier: MIT
// FULLY_CONNECTED: output[b, o] = act(sum_d input[b, d] * weights[o, d] + bias[o]).
// int8 (per-tensor or per-channel weights, int32 bias), 16x8 (int16 activations, int8 weights,
// int64 or int32 bias) and float32, as TFLite's reference kernels.
#include "nn/kernel.h"
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/window.h"
#include "nn/ops.h"
#if MML_OP_ON(FULLY_CONNECTED)

enum {
    OPT_ACTIVATION = 0,
    OPT_WEIGHTS_FORMAT = 1,
    OPT_KEEP_NUM_DIMS = 2,
    OPT_ASYMMETRIC_QUANTIZE_INPUTS = 3
};

typedef struct {
    uint32_t input, weights, bias, output; // locations; bias valid if has_bias
    uint32_t batches, depth, units;
    int32_t input_offset, weights_offset, output_offset;
    int32_t act_min, act_max;   // int8/int16: quantized clamp bounds
    float act_min_f, act_max_f; // float32
    uint32_t n_quant;           // int8/int16: 1 (per-tensor weights) or units (per-channel)
    uint8_t has_bias;
    uint8_t asymmetric; // hybrid: the option asymmetric_quantize_inputs
    uint32_t scratch;   // hybrid: location of the per-batch factors, offsets and int8 input
    float w_scale;      // hybrid: the weights' scale
    uint8_t bias_size;  // int16: 8 (int64 bias) or 4 (int32 bias or none: int32 sums)
    // int8/int16: n_quant multipliers (int32), then n_quant shifts (int8) follow.
} fc_t;

static int32_t *fc_mult(fc_t *d) {
    return (int32_t *)(d + 1);
}

static int8_t *fc_shift(fc_t *d) {
    return (int8_t *)(fc_mult(d) + d->n_quant);
}

// The int8 kernel's arguments (nn_s8.h) from the record.
static void params_s8(const fc_t *d, mml__fc_s8_t *k) {
    k->batches = d->batches;
    k->depth = d->depth;
    k->units = d->units;
    k->weights_offset = d->weights_offset;
    k->per_channel = d->n_quant > 1;
    k->q.input_offset = d->input_offset;
    k->q.output_offset = d->output_offset;
    k->q.act_min = d->act_min;
    k->q.act_max = d->act_max;
    k->q.mult = fc_mult((fc_t *)d);
    k->q.shift = fc_shift((fc_t *)d);
}

// The int8 reference (path S8REF): the cases the build's optimized variant does not take,
// or every case in a build without one (MML_ARCH_OPT 0).
mml_status_t mml__fully_connected_eval_s8ref(const mml_eval_ctx_t *ctx, void *data) {
    const fc_t *d = (const fc_t *)data;
    mml__fc_s8_t k;
    params_s8(d, &k);
    mml__fully_connected_s8_ref(&k, (const int8_t *)mml__ptr(ctx, d->input),
        (const int8_t *)mml__ptr(ctx, d->weights),
        d->has_bias ? (const int32_t *)mml__ptr(ctx, d->bias) : NULL,
        (int8_t *)mml__ptr(ctx, d->output));
    return MML_OK;
}

#if MML_ARCH_OPT
static mml_status_t eval_s8_opt(const mml_eval_ctx_t *ctx, void *data) {
    const fc_t *d = (const fc_t *)data;
    mml__fc_s8_t k;
    params_s8(d, &k);
    mml__fully_connected_s8_opt(&k, (const int8_t *)mml__ptr(ctx, d->input),
        (const int8_t *)mml__ptr(ctx, d->weights),
        d->has_bias ? (const int32_t *)mml__ptr(ctx, d->bias) : NULL,
        (int8_t *)mml__ptr(ctx, d->output), mml__ptr(ctx, d->scratch));
    return MML_OK;
}
#endif

#if MML_DTYPE_ON(FULLY_CONNECTED, S16)
// 16x8 (TFLite's int16 FullyConnected / FullyConnectedPerChannel): the sum of (w + w_offset) * x
// (the weights offset is TFLite's per-tensor one, 0 per channel) with an int64 or int32 bias or
// none, requantized as mml__out_s16 says for bias_size.
mml_status_t mml__fully_connected_eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const fc_t *d = (const fc_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->input);
    const int8_t *w = (const int8_t *)mml__ptr(ctx, d->weights);
    const uint8_t *bias = d->has_bias ? (const uint8_t *)mml__ptr(ctx, d->bias) : NULL;
    int16_t *out = (int16_t *)mml__ptr(ctx, d->output);
    const int32_t *mult = fc_mult((fc_t *)data);
    const int8_t *shift = fc_shift((fc_t *)data);
    const uint32_t per_channel = d->n_quant > 1, depth = d->depth, units = d->units;
    const int32_t w_offset = d->weights_offset;
    for (uint32_t b = 0; b < d->batches; b++) {
        const int16_t *ir = in + b * depth;
        for (uint32_t o = 0; o < units; o++) {
            const int8_t *wr = w + o * depth;
            uint64_t sum = 0;
            for (uint32_t k = 0; k < depth; k++) {
                sum += (uint64_t)(((int32_t)wr[k] + w_offset) * (int32_t)ir[k]);
            }
            const uint32_t qi = per_channel * o;
            out[b * units + o] = mml__out_s16(sum, bias, (int32_t)o, d->bias_size, mult[qi],
                shift[qi], d->act_min, d->act_max);
        }
    }
    return MML_OK;
}
#endif

#if MML_DTYPE_ON(FULLY_CONNECTED, F32)
mml_status_t mml__fully_connected_eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const fc_t *d = (const fc_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->input);
    const float *w = (const float *)mml__ptr(ctx, d->weights);
    const float *bias = d->has_bias ? (const float *)mml__ptr(ctx, d->bias) : NULL;
    float *out = (float *)mml__ptr(ctx, d->output);
    for (uint32_t b = 0; b < d->batches; b++) {
        for (uint32_t o = 0; o < d->units; o++) {
            const float *wr = w + o * d->depth;
            const float *ir = in + b * d->depth;
            float acc = 0.0f;
            for (uint32_t k = 0; k < d->depth; k++) {
                acc += ir[k] * wr[k];
            }
            if (bias) {
                acc += bias[o];
            }
            acc = acc < d->act_min_f ? d->act_min_f : acc > d->act_max_f ? d->act_max_f : acc;
            out[b * d->units + o] = acc;
        }
    }
    return MML_OK;
}
#endif

#if MML_DTYPE_ON(FULLY_CONNECTED, HYBRID)
// Float input and output with int8 weights ("hybrid"), as TFLite's fully_connected.cc EvalHybrid
// (docs/quantization.md, "Hybrid ops"): each batch row quantized to int8 at run time
// (symmetric, or asymmetric with asymmetric_quantize_inputs), factor *= weight scale, then
// output = bias + dot * factor, where dot = sum(w * q) - row_sum(w) * offset, the subtraction in
// float as TFLite does it. Scratch: [batches factors][batches offsets][int8 input].
mml_status_t mml__fully_connected_eval_hybrid(const mml_eval_ctx_t *ctx, void *data) {
    const fc_t *d = (const fc_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->input);
    const int8_t *w = (const int8_t *)mml__ptr(ctx, d->weights);
    const float *bias = d->has_bias ? (const float *)mml__ptr(ctx, d->bias) : NULL;
    float *out = (float *)mml__ptr(ctx, d->output);
    float *factor = (float *)mml__ptr(ctx, d->scratch);
    int32_t *offset = (int32_t *)(factor + d->batches);
    int8_t *q = (int8_t *)(offset + d->batches);
    const uint32_t depth = d->depth, units = d->units;
    for (uint32_t b = 0; b < d->batches; b++) {
        mml__hybrid_quantize(in + b * depth, depth, !d->asymmetric, q + b * depth, &factor[b],
            &offset[b]);
        factor[b] *= d->w_scale;
    }
    for (uint32_t b = 0; b < d->batches; b++) {
        const int8_t *qr = q + b * depth;
        for (uint32_t o = 0; o < units; o++) {
            const int8_t *wr = w + o * depth;
            uint32_t dot = 0, row_sum = 0; // wrapping int32 sums
            for (uint32_t k = 0; k < depth; k++) {
                dot += (uint32_t)((int32_t)wr[k] * (int32_t)qr[k]);
                row_sum += (uint32_t)(int32_t)wr[k];
            }
            float acc = (float)(int32_t)dot;
            if (d->asymmetric) {
                acc -= (float)(int32_t)row_sum * (float)offset[b];
                // TFLite stores this back into its int32 dot product (toward zero).
                acc = acc > 2147483520.0f  ? 2147483520.0f
                    : acc < -2147483648.0f ? -2147483648.0f
                                           : acc;
                acc = (float)(int32_t)acc;
            }
            float v = (bias ? bias[o] : 0.0f) + acc * factor[b];
            out[b * units + o] = v < d->act_min_f ? d->act_min_f
                : v > d->act_max_f                ? d->act_max_f
                                                  : v;
        }
    }
    return MML_OK;
}
#endif

mml_status_t mml__prepare_fully_connected(mml_prep_t *p) {
    mml__tensor_t in, w, bias, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 3, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 12)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK || (st = mml__prep_input(p, 1, &w)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    uint8_t has_bias = mml__prep_has_input(p, 2);
    if (has_bias && (st = mml__prep_input(p, 2, &bias)) != MML_OK) {
        return st;
    }
    if (mml__opt_u8(p, OPT_WEIGHTS_FORMAT, 0) != 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "shuffled weights format unsupported");
    }
    if (w.rank != 2 || w.dims[0] == 0 || w.dims[1] == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "weights must be 2-D");
    }
    uint32_t units = (uint32_t)w.dims[0], depth = (uint32_t)w.dims[1];
    if (in.elems % depth != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input size %u not a multiple of depth %u",
            in.elems, depth);
    }
    uint32_t batches = in.elems / depth;
    if (out.elems != batches * units) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output has %u elements, expected %u",
            out.elems, batches * units);
    }
    if (has_bias && bias.elems != units) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "bias has %u elements, expected %u",
            bias.elems, units);
    }
    int32_t act = mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE);
    const int32_t w_zp = mml__tensor_zero_point(p->m, &w, 0); // 0 if none
    // The dtypes: weights int8 (float32 input: float32, or int8 for hybrid), output as the
    // input, bias int32 (int8) or float32 (int16: its own check below).
    const int s8 = in.dtype == MML_INT8, s16 = in.dtype == MML_INT16;
    const int hybrid = in.dtype == MML_FLOAT32 && w.dtype == MML_INT8;
    if (!s8 && !s16 && in.dtype != MML_FLOAT32) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    if ((!hybrid && (st = mml__prep_check_dtype(p, &w, s8 || s16 ? MML_INT8 : MML_FLOAT32)) !=
                MML_OK) ||
        (st = mml__prep_check_dtype(p, &out, (mml_dtype_t)in.dtype)) != MML_OK ||
        (has_bias && !s16 &&
            (st = mml__prep_check_dtype(p, &bias, s8 ? MML_INT32 : MML_FLOAT32)) != MML_OK)) {
        return st;
    }
    uint32_t n_quant = 0;
    uint8_t path = MML_DTYPE_PATH_F32;
    if (s8) {
        if (in.scales.n != 1 || out.scales.n != 1 || (w.scales.n != 1 && w.scales.n != units)) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "missing quantization parameters");
        }
        n_quant = w.scales.n;
        path = MML_DTYPE_PATH_S8REF;
#if MML_ARCH_OPT
        mml__fc_s8_t k = {0};
        k.batches = batches;
        k.depth = depth;
        k.units = units;
        k.weights_offset = -w_zp;
        k.per_channel = w.scales.n != 1;
        if (mml__fully_connected_s8_opt_suits(&k)) {
            p->eval = eval_s8_opt;
            mml__prep_scratch(p, mml__fully_connected_s8_opt_scratch(&k));
            path = MML_DTYPE_PATH_NONE;
        }
#else
        p->eval = mml__fully_connected_eval_s8ref;
        path = MML_DTYPE_PATH_NONE;
#endif
    } else if (s16) {
        if ((st = mml__conv_check_quant_s16(p, &in, &w, &out, units, 0)) != MML_OK) {
            return st;
        }
        if (has_bias && bias.dtype != MML_INT64 && bias.dtype != MML_INT32) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 input with %s bias unsupported",
                mml_dtype_name((mml_dtype_t)bias.dtype));
        }
        n_quant = w.scales.n;
        path = MML_DTYPE_PATH_S16;
    } else if (hybrid) {
        if (w.scales.n != 1 || w_zp != 0 || !w.is_constant) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "hybrid weights must be constant, per-tensor and symmetric");
        }
        if (in.elems > UINT32_MAX - 8u * batches) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input too large");
        }
        mml__prep_scratch(p, 8u * batches + in.elems);
        path = MML_DTYPE_PATH_HYBRID;
    }
    if (path != MML_DTYPE_PATH_NONE && (st = mml__prep_dtype_eval(p, path)) != MML_OK) {
        return st;
    }
    if (!w.is_constant && in.dtype != MML_FLOAT32) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant int8 weights unsupported");
    }
    float out_scale = mml__tensor_scale(p->m, &out, 0);
    int32_t out_zp = mml__tensor_zero_point(p->m, &out, 0);
    int32_t act_min = 0, act_max = 0;
    float act_min_f = 0.0f, act_max_f = 0.0f;
    const int32_t qmin = s8 ? -128 : -32768;
    int ok = s8 || s16 ? mml__activation_range_q(act, out_scale, out_zp, qmin, -qmin - 1, &act_min,
                             &act_max)
                       : mml__activation_range_f(act, &act_min_f, &act_max_f);
    if (!ok) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation %d unsupported", act);
    }
    p->macs = (uint64_t)batches * units * depth;
    fc_t *d = (fc_t *)mml__prep_persist(p, sizeof(fc_t) + MML_REQUANT_BYTES(n_quant));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->weights = mml__prep_loc(p, &w);
    d->bias = has_bias ? mml__prep_loc(p, &bias) : 0;
    d->output = mml__prep_loc(p, &out);
    d->has_bias = has_bias;
    d->bias_size = has_bias && bias.dtype == MML_INT64 ? 8 : 4;
    d->batches = batches;
    d->depth = depth;
    d->units = units;
    d->act_min = act_min;
    d->act_max = act_max;
    d->act_min_f = act_min_f;
    d->act_max_f = act_max_f;
    if (hybrid) {
        d->asymmetric = mml__opt_u8(p, OPT_ASYMMETRIC_QUANTIZE_INPUTS, 0) != 0;
        d->w_scale = mml__tensor_scale(p->m, &w, 0);
    }
    if (n_quant > 0) {
        d->input_offset = -mml__tensor_zero_point(p->m, &in, 0);
        d->weights_offset = -w_zp;
        d->output_offset = out_zp;
        d->n_quant = n_quant;
        mml__conv_multipliers(p, &in, &w, &out, n_quant, fc_mult(d), fc_shift(d));
    }
    d->scratch = mml__prep_scratch_loc(p); // hybrid and the optimized int8 kernel: their scratch
    return MML_OK;
}
#endif // MML_OP_ON(FULLY_CONNECTED)
