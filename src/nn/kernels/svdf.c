// SPDX-License-Identifier: MIT
// SVDF: a rank-r singular-value-decomposed filter over time, as TFLite Micro's reference kernels.
// Each invocation shifts the activation state (a variable tensor [batch, filters * memory]) left by
// one, writes feature = weights_feature . input into each filter's newest slot, then
// out[b, u] = act(bias[u] + sum of weights_time[f] . state[b, f] over unit u's rank filters f).
// int8 input/output with int16 (or int8) state and time weights, int32 bias; float32.
// Cost: filters * (input + memory) MACs per batch; scratch: one int32 (or float) per filter.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(SVDF)

enum { IN_INPUT = 0, IN_W_FEATURE, IN_W_TIME, IN_BIAS, IN_STATE, N_INPUTS };
enum { OPT_RANK = 0, OPT_ACTIVATION = 1 };

typedef struct {
    uint32_t input, w_feature, w_time, bias, state, output, scratch; // locations
    uint32_t batches, n_input, n_filter, n_memory, rank, n_unit;
    uint8_t has_bias;
    // int8
    int32_t input_zp, state_zp, output_zp;
    int32_t mult1, shift1; // input * weights_feature -> state scale
    int32_t mult2, shift2; // state * weights_time -> output scale
    // float32
    float act_min_f, act_max_f;
} svdf_t;

// Moves every state element one slot towards the start (the oldest value drops out; the newest
// slot of each filter is overwritten by the feature stage).
static void shift_state(uint8_t *state, uint32_t n, uint32_t elem) {
    memmove(state, state + elem, (size_t)(n - 1) * elem);
}

// The feature stage of the integer kernel for one batch: dot products of the weights_feature rows
// with the input row, rescaled to the state's scale, offset by its zero point and saturated to the
// state's dtype (lo..hi). Returns them in acc (n_filter values).
static void feature_q(const svdf_t *d, const int8_t *in, const int8_t *wf, int32_t lo, int32_t hi,
    int32_t *acc) {
    for (uint32_t f = 0; f < d->n_filter; f++) {
        const int8_t *row = wf + f * d->n_input;
        uint32_t sum = 0; // wraps instead of overflowing
        for (uint32_t k = 0; k < d->n_input; k++) {
            sum += (uint32_t)((int32_t)row[k] * ((int32_t)in[k] - d->input_zp));
        }
        int32_t v = mml__mul_by_qm((int32_t)sum, d->mult1, d->shift1);
        acc[f] = mml__clamp_i32(mml__wrap_add(v, d->state_zp), lo, hi);
    }
}

// The output stage of the integer kernel for one batch: bias plus the sum of each unit's rank
// filter results (tsum), rescaled, offset and saturated to int8.
static void output_q(const svdf_t *d, const int32_t *bias, const int32_t *tsum, int8_t *out) {
    for (uint32_t u = 0; u < d->n_unit; u++) {
        int32_t acc = bias ? bias[u] : 0;
        for (uint32_t r = 0; r < d->rank; r++) {
            acc = mml__wrap_add(acc, tsum[u * d->rank + r]);
        }
        int32_t v = mml__wrap_add(mml__mul_by_qm(acc, d->mult2, d->shift2), d->output_zp);
        out[u] = (int8_t)mml__clamp_i32(v, -128, 127);
    }
}

static mml_status_t eval_s8_s16(const mml_eval_ctx_t *ctx, void *data) {
    const svdf_t *d = (const svdf_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->input);
    const int8_t *wf = (const int8_t *)mml__ptr(ctx, d->w_feature);
    const int16_t *wt = (const int16_t *)mml__ptr(ctx, d->w_time);
    const int32_t *bias = d->has_bias ? (const int32_t *)mml__ptr(ctx, d->bias) : NULL;
    int16_t *state = (int16_t *)mml__ptr(ctx, d->state);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->output);
    int32_t *scratch = (int32_t *)mml__ptr(ctx, d->scratch);
    const uint32_t per_batch = d->n_filter * d->n_memory;
    shift_state((uint8_t *)state, d->batches * per_batch, sizeof(int16_t));
    for (uint32_t b = 0; b < d->batches; b++) {
        int16_t *sb = state + b * per_batch;
        feature_q(d, in + b * d->n_input, wf, -32768, 32767, scratch);
        for (uint32_t f = 0; f < d->n_filter; f++) {
            sb[f * d->n_memory + d->n_memory - 1] = (int16_t)scratch[f];
        }
        for (uint32_t f = 0; f < d->n_filter; f++) {
            const int16_t *w = wt + f * d->n_memory, *s = sb + f * d->n_memory;
            uint32_t sum = 0;
            for (uint32_t m = 0; m < d->n_memory; m++) {
                sum += (uint32_t)((int32_t)w[m] * ((int32_t)s[m] - d->state_zp));
            }
            scratch[f] = (int32_t)sum;
        }
        output_q(d, bias, scratch, out + b * d->n_unit);
    }
    return MML_OK;
}

static mml_status_t eval_s8_s8(const mml_eval_ctx_t *ctx, void *data) {
    const svdf_t *d = (const svdf_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->input);
    const int8_t *wf = (const int8_t *)mml__ptr(ctx, d->w_feature);
    const int8_t *wt = (const int8_t *)mml__ptr(ctx, d->w_time);
    const int32_t *bias = d->has_bias ? (const int32_t *)mml__ptr(ctx, d->bias) : NULL;
    int8_t *state = (int8_t *)mml__ptr(ctx, d->state);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->output);
    int32_t *scratch = (int32_t *)mml__ptr(ctx, d->scratch);
    const uint32_t per_batch = d->n_filter * d->n_memory;
    shift_state((uint8_t *)state, d->batches * per_batch, sizeof(int8_t));
    for (uint32_t b = 0; b < d->batches; b++) {
        int8_t *sb = state + b * per_batch;
        feature_q(d, in + b * d->n_input, wf, -128, 127, scratch);
        for (uint32_t f = 0; f < d->n_filter; f++) {
            sb[f * d->n_memory + d->n_memory - 1] = (int8_t)scratch[f];
        }
        for (uint32_t f = 0; f < d->n_filter; f++) {
            const int8_t *w = wt + f * d->n_memory, *s = sb + f * d->n_memory;
            uint32_t sum = 0;
            for (uint32_t m = 0; m < d->n_memory; m++) {
                sum += (uint32_t)((int32_t)w[m] * ((int32_t)s[m] - d->state_zp));
            }
            scratch[f] = (int32_t)sum;
        }
        output_q(d, bias, scratch, out + b * d->n_unit);
    }
    return MML_OK;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const svdf_t *d = (const svdf_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->input);
    const float *wf = (const float *)mml__ptr(ctx, d->w_feature);
    const float *wt = (const float *)mml__ptr(ctx, d->w_time);
    const float *bias = d->has_bias ? (const float *)mml__ptr(ctx, d->bias) : NULL;
    float *state = (float *)mml__ptr(ctx, d->state);
    float *out = (float *)mml__ptr(ctx, d->output);
    float *scratch = (float *)mml__ptr(ctx, d->scratch);
    const uint32_t per_batch = d->n_filter * d->n_memory;
    shift_state((uint8_t *)state, d->batches * per_batch, sizeof(float));
    for (uint32_t b = 0; b < d->batches; b++) {
        float *sb = state + b * per_batch;
        const float *ib = in + b * d->n_input;
        for (uint32_t f = 0; f < d->n_filter; f++) {
            const float *row = wf + f * d->n_input;
            float dot = 0.0f;
            for (uint32_t k = 0; k < d->n_input; k++) {
                dot += row[k] * ib[k];
            }
            sb[f * d->n_memory + d->n_memory - 1] = dot;
        }
        for (uint32_t f = 0; f < d->n_filter; f++) {
            const float *w = wt + f * d->n_memory, *s = sb + f * d->n_memory;
            float dot = 0.0f;
            for (uint32_t m = 0; m < d->n_memory; m++) {
                dot += w[m] * s[m];
            }
            scratch[f] = dot;
        }
        float *ob = out + b * d->n_unit;
        for (uint32_t u = 0; u < d->n_unit; u++) {
            float acc = bias ? bias[u] : 0.0f;
            for (uint32_t r = 0; r < d->rank; r++) {
                acc += scratch[u * d->rank + r];
            }
            ob[u] = mml__clamp_f32(acc, d->act_min_f, d->act_max_f);
        }
    }
    return MML_OK;
}

static int dims2(const mml__tensor_t *t, int32_t d0, int32_t d1) {
    return t->rank == 2 && t->dims[0] == d0 && t->dims[1] == d1;
}

// The int8 kernel's quantization (TFLite Micro PrepareSvdf): both effective scales computed in
// float, then quantized as doubles.
static mml_status_t quant_s8(mml_prep_t *p, svdf_t *r, const mml__tensor_t *in,
    const mml__tensor_t *wf, const mml__tensor_t *wt, const mml__tensor_t *bias,
    const mml__tensor_t *state, const mml__tensor_t *out) {
    float si, swf, swt, ss, so, sb;
    int32_t zwf, zwt, zb;
    mml_status_t st;
    if ((st = mml__ew_quant(p, in, &si, &r->input_zp)) != MML_OK ||
        (st = mml__ew_quant(p, wf, &swf, &zwf)) != MML_OK ||
        (st = mml__ew_quant(p, wt, &swt, &zwt)) != MML_OK ||
        (st = mml__ew_quant(p, state, &ss, &r->state_zp)) != MML_OK ||
        (st = mml__ew_quant(p, out, &so, &r->output_zp)) != MML_OK) {
        return st;
    }
    if (zwf != 0 || zwt != 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "weights need zero point 0");
    }
    float e1 = si * swf / ss, e2 = ss * swt / so;
    if (bias) {
        if ((st = mml__ew_quant(p, bias, &sb, &zb)) != MML_OK) {
            return st;
        }
        double want = (double)(ss * swt), diff = (double)sb - want;
        if (zb != 0 || diff >= 1e-5 || diff <= -1e-5) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "bias scale %g must be state scale * time weights scale %g", (double)sb, want);
        }
    }
    if ((st = mml__ew_multiplier(p, (double)e1, &r->mult1, &r->shift1, -31, 30)) != MML_OK ||
        (st = mml__ew_multiplier(p, (double)e2, &r->mult2, &r->shift2, -31, 30)) != MML_OK) {
        return st;
    }
    return MML_OK;
}

mml_status_t mml__prepare_svdf(mml_prep_t *p) {
    mml__tensor_t in, wf, wt, bias, state, out;
    svdf_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st;
    if ((st = mml__prep_check_io(p, N_INPUTS, N_INPUTS, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, IN_INPUT, &in)) != MML_OK ||
        (st = mml__prep_input(p, IN_W_FEATURE, &wf)) != MML_OK ||
        (st = mml__prep_input(p, IN_W_TIME, &wt)) != MML_OK ||
        (st = mml__prep_input(p, IN_STATE, &state)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    r.has_bias = mml__prep_has_input(p, IN_BIAS);
    if (r.has_bias && (st = mml__prep_input(p, IN_BIAS, &bias)) != MML_OK) {
        return st;
    }
    int32_t rank = mml__opt_i32(p, OPT_RANK, 0);
    int32_t act = mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE);
    if (in.rank != 2 || wf.rank != 2 || wt.rank != 2 || in.dims[0] <= 0 || in.dims[1] <= 0 ||
        wf.dims[0] <= 0 || wt.dims[1] <= 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "input and weights must be 2-D and non-empty");
    }
    int32_t batches = in.dims[0], n_input = in.dims[1], n_filter = wf.dims[0];
    int32_t n_memory = wt.dims[1];
    if (rank <= 0 || n_filter % rank != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "rank %d does not divide %d filters", rank,
            n_filter);
    }
    int32_t n_unit = n_filter / rank;
    uint64_t state_elems = (uint64_t)n_filter * (uint64_t)n_memory;
    if (state_elems > 0x1000000u || (uint64_t)batches * state_elems > 0x1000000u) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "state too large");
    }
    if (wf.dims[1] != n_input || wt.dims[0] != n_filter ||
        !dims2(&state, batches, (int32_t)state_elems) || !dims2(&out, batches, n_unit) ||
        (r.has_bias && (bias.rank != 1 || bias.dims[0] != n_unit))) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "shapes mismatch");
    }
    if (!state.is_variable || state.is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "activation state must be a variable");
    }
    uint32_t scratch_elems = (uint32_t)n_filter;
    if (in.dtype == MML_INT8) {
        if (wt.dtype != MML_INT16 && wt.dtype != MML_INT8) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int8 SVDF needs int16 or int8 state");
        }
        if ((st = mml__prep_check_dtype(p, &wf, MML_INT8)) != MML_OK ||
            (st = mml__prep_check_dtype(p, &state, (mml_dtype_t)wt.dtype)) != MML_OK ||
            (r.has_bias && (st = mml__prep_check_dtype(p, &bias, MML_INT32)) != MML_OK) ||
            (st = mml__prep_check_dtype(p, &out, MML_INT8)) != MML_OK ||
            (st = quant_s8(p, &r, &in, &wf, &wt, r.has_bias ? &bias : NULL, &state, &out)) !=
                MML_OK) {
            return st;
        }
        // TFLite Micro's integer SVDF applies no fused activation (the output saturates to int8).
        p->eval = wt.dtype == MML_INT16 ? eval_s8_s16 : eval_s8_s8;
    } else if (in.dtype == MML_FLOAT32) {
        if ((st = mml__prep_check_dtype(p, &wf, MML_FLOAT32)) != MML_OK ||
            (st = mml__prep_check_dtype(p, &wt, MML_FLOAT32)) != MML_OK ||
            (st = mml__prep_check_dtype(p, &state, MML_FLOAT32)) != MML_OK ||
            (r.has_bias && (st = mml__prep_check_dtype(p, &bias, MML_FLOAT32)) != MML_OK) ||
            (st = mml__prep_check_dtype(p, &out, MML_FLOAT32)) != MML_OK ||
            (st = mml__ew_act_range_f(p, act, &r.act_min_f, &r.act_max_f)) != MML_OK) {
            return st;
        }
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    mml__prep_scratch(p, scratch_elems * 4u);
    p->macs = (uint64_t)batches * (uint64_t)n_filter * (uint64_t)(n_input + n_memory);
    svdf_t *d = (svdf_t *)mml__prep_persist(p, sizeof(svdf_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->input = mml__prep_loc(p, &in);
    d->w_feature = mml__prep_loc(p, &wf);
    d->w_time = mml__prep_loc(p, &wt);
    d->bias = r.has_bias ? mml__prep_loc(p, &bias) : 0;
    d->state = mml__prep_loc(p, &state);
    d->output = mml__prep_loc(p, &out);
    d->scratch = mml__prep_scratch_loc(p);
    d->batches = (uint32_t)batches;
    d->n_input = (uint32_t)n_input;
    d->n_filter = (uint32_t)n_filter;
    d->n_memory = (uint32_t)n_memory;
    d->rank = (uint32_t)rank;
    d->n_unit = (uint32_t)n_unit;
    return MML_OK;
}

#endif // MML_OP_ON(SVDF)
