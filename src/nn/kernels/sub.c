// SPDX-License-Identifier: MIT
// SUB: output = act(input1 - input2), NumPy broadcasting. int8/int16 (TFLite's rescale of both
// inputs to a common scale, left shift 20 / 15; multipliers computed in float as TFLite Micro),
// int32 and float32.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

enum { OPT_ACTIVATION = 0 };

typedef struct {
    uint32_t in1, in2, out; // locations
    mml__bcast_t bc;
    int32_t in1_offset, in2_offset, out_offset, left_shift;
    int32_t in1_mult, in1_shift, in2_mult, in2_shift, out_mult, out_shift; // shifts <= 0
    int32_t act_min, act_max;
    float act_min_f, act_max_f;
} sub_t;

// TFLite SubElementwise for one pair of quantized values.
static int32_t sub_q(const sub_t *d, int32_t x, int32_t y) {
    int32_t a = (int32_t)((uint32_t)(x + d->in1_offset) << d->left_shift);
    int32_t b = (int32_t)((uint32_t)(y + d->in2_offset) << d->left_shift);
    a = mml__rdbpot(mml__srdhm(a, d->in1_mult), -d->in1_shift);
    b = mml__rdbpot(mml__srdhm(b, d->in2_mult), -d->in2_shift);
    int32_t diff = mml__wrap_sub(a, b);
    int32_t r = mml__rdbpot(mml__srdhm(diff, d->out_mult), -d->out_shift);
    r = mml__wrap_add(r, d->out_offset);
    return mml__clamp_i32(r, d->act_min, d->act_max);
}

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const sub_t *d = (const sub_t *)data;
    const int8_t *a = (const int8_t *)mml__ptr(ctx, d->in1);
    const int8_t *b = (const int8_t *)mml__ptr(ctx, d->in2);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->out);
    mml__bcast_it_t it;
    mml__bcast_begin(&it);
    for (uint32_t i = 0; i < d->bc.n; i++) {
        out[i] = (int8_t)sub_q(d, a[it.i1], b[it.i2]);
        mml__bcast_next(&d->bc, &it);
    }
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const sub_t *d = (const sub_t *)data;
    const int16_t *a = (const int16_t *)mml__ptr(ctx, d->in1);
    const int16_t *b = (const int16_t *)mml__ptr(ctx, d->in2);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    mml__bcast_it_t it;
    mml__bcast_begin(&it);
    for (uint32_t i = 0; i < d->bc.n; i++) {
        out[i] = (int16_t)sub_q(d, a[it.i1], b[it.i2]);
        mml__bcast_next(&d->bc, &it);
    }
    return MML_OK;
}

// int32: with the fused activation's integer bounds (TFLite CalculateActivationRange<int32>).
static mml_status_t eval_s32(const mml_eval_ctx_t *ctx, void *data) {
    const sub_t *d = (const sub_t *)data;
    const int32_t *a = (const int32_t *)mml__ptr(ctx, d->in1);
    const int32_t *b = (const int32_t *)mml__ptr(ctx, d->in2);
    int32_t *out = (int32_t *)mml__ptr(ctx, d->out);
    mml__bcast_it_t it;
    mml__bcast_begin(&it);
    for (uint32_t i = 0; i < d->bc.n; i++) {
        out[i] = mml__clamp_i32(mml__wrap_sub(a[it.i1], b[it.i2]), d->act_min, d->act_max);
        mml__bcast_next(&d->bc, &it);
    }
    return MML_OK;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const sub_t *d = (const sub_t *)data;
    const float *a = (const float *)mml__ptr(ctx, d->in1);
    const float *b = (const float *)mml__ptr(ctx, d->in2);
    float *out = (float *)mml__ptr(ctx, d->out);
    mml__bcast_it_t it;
    mml__bcast_begin(&it);
    for (uint32_t i = 0; i < d->bc.n; i++) {
        out[i] = mml__clamp_f32(a[it.i1] - b[it.i2], d->act_min_f, d->act_max_f);
        mml__bcast_next(&d->bc, &it);
    }
    return MML_OK;
}

mml_status_t mml__prepare_sub(mml_prep_t *p) {
    mml__tensor_t a, b, out;
    sub_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_binary(p, 5, &a, &b, &out, &r.bc);
    if (st != MML_OK) {
        return st;
    }
    int32_t act = mml__opt_u8(p, OPT_ACTIVATION, MML_ACT_NONE);
    if (out.dtype == MML_INT8 || out.dtype == MML_INT16) {
        float s1, s2, so;
        int32_t z1, z2, zo;
        if ((st = mml__ew_quant(p, &a, &s1, &z1)) != MML_OK ||
            (st = mml__ew_quant(p, &b, &s2, &z2)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &zo)) != MML_OK) {
            return st;
        }
        // TFLite Micro's SUB computes these ratios in float (ADD uses double).
        r.left_shift = out.dtype == MML_INT16 ? 15 : 20;
        float twice_max = 2.0f * (s1 > s2 ? s1 : s2);
        double m1 = (double)(s1 / twice_max), m2 = (double)(s2 / twice_max);
        double mo = (double)(twice_max / ((float)((int32_t)1 << r.left_shift) * so));
        if ((st = mml__ew_multiplier_lt1(p, m1, &r.in1_mult, &r.in1_shift)) != MML_OK ||
            (st = mml__ew_multiplier_lt1(p, m2, &r.in2_mult, &r.in2_shift)) != MML_OK ||
            (st = mml__ew_multiplier_lt1(p, mo, &r.out_mult, &r.out_shift)) != MML_OK) {
            return st;
        }
        r.in1_offset = -z1;
        r.in2_offset = -z2;
        r.out_offset = zo;
        int32_t qmin = out.dtype == MML_INT8 ? -128 : -32768;
        int32_t qmax = out.dtype == MML_INT8 ? 127 : 32767;
        if (!mml__activation_range_q(act, so, zo, qmin, qmax, &r.act_min, &r.act_max)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation %d unsupported", act);
        }
        p->eval = out.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (out.dtype == MML_INT32) {
        if (a.scales.n || b.scales.n || out.scales.n) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "quantized int32 SUB unsupported");
        }
        if (!mml__ew_act_range_i32(act, &r.act_min, &r.act_max)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation %d unsupported", act);
        }
        p->eval = eval_s32;
    } else if (out.dtype == MML_FLOAT32) {
        if (!mml__activation_range_f(act, &r.act_min_f, &r.act_max_f)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation %d unsupported", act);
        }
        p->eval = eval_f32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)out.dtype));
    }
    sub_t *d = (sub_t *)mml__prep_persist(p, sizeof(sub_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in1 = mml__prep_loc(p, &a);
    d->in2 = mml__prep_loc(p, &b);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
