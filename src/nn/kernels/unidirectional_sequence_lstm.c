// SPDX-License-Identifier: MIT
// UNIDIRECTIONAL_SEQUENCE_LSTM: the standard (Keras) LSTM over a sequence, as TFLite Micro's
// kernel: no peephole, projection or layer norm; int8 activations with int16 cell state, float32.
//
// Per step, for gates g in {forget, input, cell, output} (tensors: W_g input-to-gate weights,
// R_g recurrent weights, b_g bias, h hidden state, c cell state, both variable):
//   gate_g = act_g(FC(x_t, W_g, b_g) + FC(h, R_g)), act = sigmoid, tanh for the cell gate
//   c = gate_f * c + gate_i * gate_cell   (then clipped to +-cell_clip if cell_clip > 0)
//   h = tanh(c) * gate_o,  output_t = h
// int8: each FC writes int16 in Q3.12 (saturating sum), sigmoid/tanh give Q0.15 (TFLite's int16
// LUT versions), the products are rescaled with multipliers computed in double at prepare; the
// kernels are in lstm_s8.h (`_ref`, and the Cortex-M DSP variant where mml_arch.h has it).
// Costs: one scratch of 3 * state * (time major ? batch : 1) cell-type elements (the gates; the
// DSP variant's is larger, docs/memory.md); the state lives in the model's variable tensors h and
// c, which the interpreter keeps and zeroes.
#include <float.h>
#include <string.h>
#include "core/mathf.h"
#include "nn/kernel.h"
#include "nn/kernels/lstm_s8.h"
#include "nn/ops.h"
#if MML_OP_ON(UNIDIRECTIONAL_SEQUENCE_LSTM)

// UnidirectionalSequenceLSTMOptions fields.
enum {
    OPT_ACTIVATION = 0,
    OPT_CELL_CLIP = 1,
    OPT_PROJ_CLIP = 2,
    OPT_TIME_MAJOR = 3,
    OPT_ASYMMETRIC_QUANTIZE_INPUTS = 4,
    OPT_DIAGONAL_RECURRENT = 5
};

// Input tensor indices (TFLite's lstm_shared.h).
enum {
    IN_INPUT = 0,
    IN_W_INPUT = 1,
    IN_R_INPUT = 5,
    IN_PEEPHOLE = 9,
    IN_BIAS = 12,
    IN_PROJ_W = 16,
    IN_PROJ_B = 17,
    IN_HIDDEN = 18,
    IN_CELL = 19,
    IN_LAYER_NORM = 20,
    N_INPUTS = 24
};

// Gate order of the tensors (input, forget, cell, output): input_to_<gate> is IN_W_INPUT + g.
enum { G_INPUT = 0, G_FORGET = 1, G_CELL = 2, G_OUTPUT = 3, N_GATES = 4 };

// Scale of the gate FC outputs (Q3.12) and of the sigmoid/tanh outputs, as TFLite Micro writes
// them: float literals, the second one is NOT exactly 2^-15 and the multipliers depend on it.
#define GATE_IN_SCALE (0.00024414062f)
#define GATE_OUT_SCALE (0.00003051757f)

typedef struct {
    uint32_t input, output, hidden, cell, scratch; // locations
    uint32_t w[N_GATES], r[N_GATES], bias[N_GATES];
    uint32_t batches, steps, in_dim, state;
    uint8_t time_major, clip;
    float cell_clip;
    mml__lstm_s8_t k; // int8
} lstm_t;

// The int8 kernels' constant tensors.
static void weights_s8(const lstm_t *d, const mml_eval_ctx_t *ctx, mml__lstm_s8_weights_t *wt) {
    for (uint32_t g = 0; g < N_GATES; g++) {
        wt->w[g] = (const int8_t *)mml__ptr(ctx, d->w[g]);
        wt->r[g] = (const int8_t *)mml__ptr(ctx, d->r[g]);
        wt->bias[g] = (const int32_t *)mml__ptr(ctx, d->bias[g]);
    }
}

// The int8 reference (path S8REF): what the build's optimized variant does not take, or every
// case in a build without one (MML_OPT_LSTM_S8 0).
mml_status_t mml__unidirectional_sequence_lstm_eval_s8ref(const mml_eval_ctx_t *ctx,
    void *data) {
    const lstm_t *d = (const lstm_t *)data;
    mml__lstm_s8_weights_t wt;
    weights_s8(d, ctx, &wt);
    mml__unidirectional_sequence_lstm_s8_ref(&d->k, &wt, (const int8_t *)mml__ptr(ctx, d->input),
        (int8_t *)mml__ptr(ctx, d->hidden), (int16_t *)mml__ptr(ctx, d->cell),
        (int8_t *)mml__ptr(ctx, d->output), mml__ptr(ctx, d->scratch));
    return MML_OK;
}

#if MML_OPT_LSTM_S8
static mml_status_t eval_s8_opt(const mml_eval_ctx_t *ctx, void *data) {
    const lstm_t *d = (const lstm_t *)data;
    mml__lstm_s8_weights_t wt;
    weights_s8(d, ctx, &wt);
    mml__unidirectional_sequence_lstm_s8_opt(&d->k, &wt, (const int8_t *)mml__ptr(ctx, d->input),
        (int8_t *)mml__ptr(ctx, d->hidden), (int16_t *)mml__ptr(ctx, d->cell),
        (int8_t *)mml__ptr(ctx, d->output), mml__ptr(ctx, d->scratch));
    return MML_OK;
}
#endif

#if MML_DTYPE_ON(UNIDIRECTIONAL_SEQUENCE_LSTM, F32)
// TFLite's reference float logistic (with its cut-offs).
static float sigmoid_f(float x) {
    if (x > 16.619047164916992188f) {
        return 1.0f;
    }
    if (x < -9.0f) {
        return mml__expf(x);
    }
    return 1.0f / (1.0f + mml__expf(-x));
}

// TFLite's float Mul with no fused activation clamps to +-FLT_MAX.
static float clampf(float x) {
    return x < -FLT_MAX ? -FLT_MAX : x > FLT_MAX ? FLT_MAX : x;
}

static void gate_f32(const lstm_t *d, const mml_eval_ctx_t *ctx, uint32_t g, const float *x,
    const float *h, uint32_t nb, float *out) {
    const float *w = (const float *)mml__ptr(ctx, d->w[g]);
    const float *r = (const float *)mml__ptr(ctx, d->r[g]);
    const float *bias = (const float *)mml__ptr(ctx, d->bias[g]);
    uint32_t n = d->in_dim, s = d->state;
    for (uint32_t b = 0; b < nb; b++) {
        for (uint32_t o = 0; o < s; o++) {
            const float *xr = x + b * n, *wr = w + o * n, *hr = h + b * s, *rr = r + o * s;
            float a = 0.0f, c = 0.0f;
            for (uint32_t k = 0; k < n; k++) {
                a += xr[k] * wr[k];
            }
            for (uint32_t k = 0; k < s; k++) {
                c += hr[k] * rr[k];
            }
            float v = clampf(a + bias[o]) + clampf(c);
            out[b * s + o] = g == G_CELL ? mml__tanhf(v) : sigmoid_f(v);
        }
    }
}

static void step_f32(const lstm_t *d, const mml_eval_ctx_t *ctx, const float *x, float *h, float *c,
    uint32_t nb, float *out, float *buf) {
    uint32_t n = nb * d->state;
    float *f = buf, *i = buf + n, *g = buf + 2 * n;
    gate_f32(d, ctx, G_FORGET, x, h, nb, f);
    gate_f32(d, ctx, G_INPUT, x, h, nb, i);
    gate_f32(d, ctx, G_CELL, x, h, nb, g);
    for (uint32_t k = 0; k < n; k++) {
        float v = clampf(f[k] * c[k]) + clampf(i[k] * g[k]);
        if (d->clip) {
            v = v > d->cell_clip ? d->cell_clip : v < -d->cell_clip ? -d->cell_clip : v;
        }
        c[k] = v;
    }
    float *o = i;
    gate_f32(d, ctx, G_OUTPUT, x, h, nb, o);
    for (uint32_t k = 0; k < n; k++) {
        h[k] = clampf(mml__tanhf(c[k]) * o[k]);
    }
    memcpy(out, h, n * sizeof(float));
}

mml_status_t mml__unidirectional_sequence_lstm_eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const lstm_t *d = (const lstm_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->input);
    float *out = (float *)mml__ptr(ctx, d->output);
    float *h = (float *)mml__ptr(ctx, d->hidden);
    float *c = (float *)mml__ptr(ctx, d->cell);
    float *buf = (float *)mml__ptr(ctx, d->scratch);
    uint32_t n = d->in_dim, s = d->state;
    if (d->time_major) {
        uint32_t nb = d->batches;
        for (uint32_t t = 0; t < d->steps; t++) {
            step_f32(d, ctx, in + t * nb * n, h, c, nb, out + t * nb * s, buf);
        }
    } else {
        for (uint32_t b = 0; b < d->batches; b++) {
            for (uint32_t t = 0; t < d->steps; t++) {
                uint32_t bt = b * d->steps + t;
                step_f32(d, ctx, in + bt * n, h + b * s, c + b * s, 1, out + bt * s, buf);
            }
        }
    }
    return MML_OK;
}
#endif

// round(log2(x)) for x > 0, as TFLite's CheckedLog2 (without its exactness test).
static int32_t round_log2(float x) {
    int32_t e;
    double m = mml__frexp((double)x, &e); // x = m * 2^e, m in [0.5, 1)
    return m >= 0.70710678118654752 ? e : e - 1;
}

// Multiplier m as (q, shift); fails (returns 0) outside what mml__mul_by_qm applies safely.
static int quantize(double m, mml__lstm_qm_t *q) {
    q->mult = q->shift = 0;
    if (!(m >= 0.0 && m < 1073741824.0)) { // also rejects NaN and infinite scales
        return 0;
    }
    mml__quantize_multiplier(m, &q->mult, &q->shift);
    return q->shift >= -31 && q->shift <= 30;
}

// Checks one weight or bias tensor of the op: present, dtype, shape [rows, cols] (cols 0: 1-D).
static mml_status_t get_param(mml_prep_t *p, uint32_t i, mml_dtype_t dtype, uint32_t rows,
    uint32_t cols, mml__tensor_t *t) {
    mml_status_t st;
    if ((st = mml__prep_input(p, i, t)) != MML_OK ||
        (st = mml__prep_check_dtype(p, t, dtype)) != MML_OK) {
        return st;
    }
    int ok = cols ? t->rank == 2 && (uint32_t)t->dims[0] == rows && (uint32_t)t->dims[1] == cols
                  : t->rank == 1 && (uint32_t)t->dims[0] == rows;
    if (!ok) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input %u has a wrong shape", i);
    }
    if (!t->is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant input %u unsupported", i);
    }
    if (dtype == MML_INT8 && t->scales.n == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input %u is not quantized", i);
    }
    if (dtype == MML_INT8 && t->scales.n != 1) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input %u: per-channel weights unsupported",
            i);
    }
    return MML_OK;
}

static int zp_ok(int32_t zp) {
    return zp >= -128 && zp <= 127;
}

// The int8 path's zero-point offsets and multipliers; 0 if one is out of range.
static int quant_s8(const mml_prep_t *p, mml__lstm_s8_t *d, const mml__tensor_t *in,
    const mml__tensor_t *hid, float cell_scale, const mml__tensor_t *w, const mml__tensor_t *r) {
    float in_scale = mml__tensor_scale(p->m, in, 0), hid_scale = mml__tensor_scale(p->m, hid, 0);
    int32_t in_zp = mml__tensor_zero_point(p->m, in, 0);
    int32_t hid_zp = mml__tensor_zero_point(p->m, hid, 0);
    int ok = zp_ok(in_zp) && zp_ok(hid_zp);
    d->input_offset = -in_zp;
    d->hidden_offset = -hid_zp;
    d->hidden_zp = hid_zp;
    for (uint32_t g = 0; g < N_GATES; g++) {
        int32_t w_zp = mml__tensor_zero_point(p->m, &w[g], 0);
        int32_t r_zp = mml__tensor_zero_point(p->m, &r[g], 0);
        ok &= zp_ok(w_zp) && zp_ok(r_zp);
        d->w_offset[g] = -w_zp;
        d->r_offset[g] = -r_zp;
        // As TFLite's FC: (input scale * weight scale) / output scale, in double.
        ok &= quantize((double)in_scale * (double)mml__tensor_scale(p->m, &w[g], 0) /
                (double)GATE_IN_SCALE,
            &d->w_q[g]);
        ok &= quantize((double)hid_scale * (double)mml__tensor_scale(p->m, &r[g], 0) /
                (double)GATE_IN_SCALE,
            &d->r_q[g]);
    }
    // As TFLite's CreateInterGateMulParams: (scale1 * scale2) / output scale, in double.
    ok &= quantize((double)GATE_OUT_SCALE * (double)cell_scale / (double)cell_scale, &d->forget_q);
    ok &=
        quantize((double)GATE_OUT_SCALE * (double)GATE_OUT_SCALE / (double)cell_scale, &d->input_q);
    ok &=
        quantize((double)GATE_OUT_SCALE * (double)GATE_OUT_SCALE / (double)hid_scale, &d->output_q);
    return ok;
}

mml_status_t mml__prepare_unidirectional_sequence_lstm(mml_prep_t *p) {
    mml__tensor_t in, out, hid, cell, w[N_GATES], r[N_GATES], bias[N_GATES];
    mml_status_t st;
    if ((st = mml__prep_check_io(p, N_INPUTS, N_INPUTS, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, IN_INPUT, &in)) != MML_OK ||
        (st = mml__prep_input(p, IN_HIDDEN, &hid)) != MML_OK ||
        (st = mml__prep_input(p, IN_CELL, &cell)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    // The standard LSTM only: no peephole, projection or layer norm; CIFG (no input gate) neither.
    for (uint32_t i = 0; i < N_INPUTS; i++) {
        int optional = (i >= IN_PEEPHOLE && i < IN_BIAS) || i == IN_PROJ_W || i == IN_PROJ_B ||
            i >= IN_LAYER_NORM;
        if (optional && mml__prep_has_input(p, i)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "peephole, projection and layer norm unsupported (input %u)", i);
        }
    }
    if (mml__opt_u8(p, OPT_DIAGONAL_RECURRENT, 0) != 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "diagonal recurrent weights unsupported");
    }
    int32_t act = mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE);
    if (act != MML_ACT_TANH) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "cell activation %d unsupported", act);
    }
    uint8_t time_major = mml__opt_u8(p, OPT_TIME_MAJOR, 0) != 0;
    float cell_clip = mml__opt_f32(p, OPT_CELL_CLIP, 0.0f);
    if (in.rank != 3 || hid.rank != 2 || out.rank != 3) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output must be 3-D, state 2-D");
    }
    for (uint32_t k = 0; k < 3; k++) {
        if (in.dims[k] <= 0 || (k < 2 && out.dims[k] != in.dims[k])) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input/output shapes mismatch");
        }
    }
    uint32_t batches = (uint32_t)in.dims[time_major ? 1 : 0];
    uint32_t steps = (uint32_t)in.dims[time_major ? 0 : 1];
    uint32_t in_dim = (uint32_t)in.dims[2];
    uint32_t state = hid.dims[1] > 0 ? (uint32_t)hid.dims[1] : 0;
    uint64_t states = (uint64_t)batches * state;
    if (state == 0 || out.dims[2] != (int32_t)state || hid.elems != states ||
        cell.elems != states || states > 0x1000000u) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "state shapes mismatch");
    }
    if (!hid.is_variable || !cell.is_variable || hid.is_constant || cell.is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "hidden and cell state must be variables");
    }
    mml_dtype_t wt, bt, ct;
    if (in.dtype == MML_INT8) {
        wt = MML_INT8, bt = MML_INT32, ct = MML_INT16;
    } else if (in.dtype == MML_FLOAT32) {
        wt = MML_FLOAT32, bt = MML_FLOAT32, ct = MML_FLOAT32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    if ((st = mml__prep_check_dtype(p, &hid, (mml_dtype_t)in.dtype)) != MML_OK ||
        (st = mml__prep_check_dtype(p, &out, (mml_dtype_t)in.dtype)) != MML_OK ||
        (st = mml__prep_check_dtype(p, &cell, ct)) != MML_OK) {
        return st;
    }
    for (uint32_t g = 0; g < N_GATES; g++) {
        if ((st = get_param(p, IN_W_INPUT + g, wt, state, in_dim, &w[g])) != MML_OK ||
            (st = get_param(p, IN_R_INPUT + g, wt, state, state, &r[g])) != MML_OK ||
            (st = get_param(p, IN_BIAS + g, bt, state, 0, &bias[g])) != MML_OK) {
            return st;
        }
    }
    float in_scale = 0.0f, hid_scale = 0.0f, cell_scale = 0.0f;
    int32_t cell_power = 0, tanh_left = 0;
    if (in.dtype == MML_INT8) {
        if (in.scales.n != 1 || hid.scales.n != 1 || cell.scales.n != 1) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "missing quantization parameters");
        }
        in_scale = mml__tensor_scale(p->m, &in, 0);
        hid_scale = mml__tensor_scale(p->m, &hid, 0);
        cell_scale = mml__tensor_scale(p->m, &cell, 0);
        if (!(in_scale > 0.0f && hid_scale > 0.0f && cell_scale > 0.0f && cell_scale < 1e30f)) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "invalid quantization scales");
        }
        // tanh(c) reads the cell state as Q3.12 after a shift by 12 + log2(cell scale).
        cell_power = round_log2(cell_scale);
        tanh_left = 12 + cell_power;
        if (tanh_left < -30 || tanh_left > 14) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "cell state scale 2^%d unsupported",
                cell_power);
        }
        // Computed in every mode so that PLAN rejects what FILL would.
        mml__lstm_s8_t tmp;
        if (!quant_s8(p, &tmp, &in, &hid, cell_scale, w, r)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "zero points or rescaling multipliers out of range");
        }
        tmp.batches = batches;
        tmp.steps = steps;
        tmp.in_dim = in_dim;
        tmp.state = state;
        tmp.time_major = time_major;
        uint32_t scratch = mml__unidirectional_sequence_lstm_s8_ref_scratch(&tmp);
#if MML_OPT_LSTM_S8
        if (mml__unidirectional_sequence_lstm_s8_opt_suits(&tmp)) {
            p->eval = eval_s8_opt;
            scratch = mml__unidirectional_sequence_lstm_s8_opt_scratch(&tmp);
        } else if ((st = mml__prep_dtype_eval(p, MML_DTYPE_PATH_S8REF)) != MML_OK) {
            return st;
        }
#else
        p->eval = mml__unidirectional_sequence_lstm_eval_s8ref;
#endif
        mml__prep_scratch(p, scratch);
    } else {
        if ((st = mml__prep_dtype_eval(p, MML_DTYPE_PATH_F32)) != MML_OK) {
            return st;
        }
        mml__prep_scratch(p, 3 * (time_major ? batches : 1) * state * (uint32_t)sizeof(float));
    }
    p->macs = (uint64_t)batches * steps * state * (4ull * (in_dim + state) + 3);
    lstm_t *d = (lstm_t *)mml__prep_persist(p, sizeof(lstm_t));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->output = mml__prep_loc(p, &out);
    d->hidden = mml__prep_loc(p, &hid);
    d->cell = mml__prep_loc(p, &cell);
    d->scratch = mml__prep_scratch_loc(p);
    for (uint32_t g = 0; g < N_GATES; g++) {
        d->w[g] = mml__prep_loc(p, &w[g]);
        d->r[g] = mml__prep_loc(p, &r[g]);
        d->bias[g] = mml__prep_loc(p, &bias[g]);
    }
    d->batches = batches;
    d->steps = steps;
    d->in_dim = in_dim;
    d->state = state;
    d->time_major = time_major;
    d->clip = cell_clip > 0.0f;
    d->cell_clip = cell_clip;
    if (in.dtype == MML_INT8) {
        mml__lstm_s8_t *k = &d->k;
        k->batches = batches;
        k->steps = steps;
        k->in_dim = in_dim;
        k->state = state;
        k->time_major = time_major;
        k->clip = d->clip;
        quant_s8(p, k, &in, &hid, cell_scale, w, r);
        if (tanh_left < 0) {
            k->tanh_mult = 3;
            k->tanh_shift = -tanh_left;
        } else {
            k->tanh_mult = 0;
            k->tanh_shift = tanh_left;
        }
        if (d->clip) {
            double q = (double)cell_clip / (double)cell_scale;
            q = q < -32768.0 ? -32768.0 : q > 32767.0 ? 32767.0 : q;
            k->cell_clip = (int16_t)q;
        }
    }
    return MML_OK;
}
#endif // MML_OP_ON(UNIDIRECTIONAL_SEQUENCE_LSTM)
