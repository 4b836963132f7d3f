// SPDX-License-Identifier: MIT
// SOFTMAX over the last dimension: out = exp(beta (x - max)) / sum. int8 -> int8 / int16 with
// TFLite's gemmlowp fixed point (Q5.26 differences, Q12.19 sum), int16 -> int16 with TFLite's
// interpolated exp and 1 / (1 + x) tables (softmax_lut.h), float32 with mml__expf.
#include <float.h>
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/kernels/softmax_lut.h"
#include "nn/ops.h"
#if MML_OP_ON(SOFTMAX)

enum { OPT_BETA = 0 };

// TFLite's fixed-point formats: input differences in Q5.26, the sum of exps in Q12.19.
enum { SCALED_DIFF_INT_BITS = 5, ACCUM_INT_BITS = 12 };

typedef struct {
    uint32_t in, out; // locations
    uint32_t outer, depth;
    int32_t mult, left_shift, diff_min; // int8: input rescale (multiplier > 1) and cut-off;
                                        // int16: input rescale (mult, left_shift: a shift)
    float beta;
} softmax_t;

// exp(beta * input_scale * diff) in Q0 for a diff (<= 0) not below diff_min.
static int32_t exp_diff(const softmax_t *d, int32_t diff) {
    int32_t scaled = mml__srdhm((int32_t)((uint32_t)diff << d->left_shift), d->mult);
    return mml__fp_exp_neg(scaled, SCALED_DIFF_INT_BITS);
}

// One row of int8 input into out (int8 when out_bits == 8, int16 when 16).
static void row_s8(const softmax_t *d, const int8_t *in, void *out, int32_t out_bits) {
    int32_t max = -128;
    for (uint32_t c = 0; c < d->depth; c++) {
        max = in[c] > max ? in[c] : max;
    }
    int32_t sum = 0; // Q12.19
    for (uint32_t c = 0; c < d->depth; c++) {
        int32_t diff = in[c] - max;
        if (diff >= d->diff_min) {
            sum = mml__wrap_add(sum, mml__rdbpot(exp_diff(d, diff), ACCUM_INT_BITS));
        }
    }
    if (sum <= 0) { // wrapped (more than 4095 maximal terms): saturate instead
        sum = INT32_MAX;
    }
    int32_t bits_over_unit;
    int32_t scale = mml__fp_reciprocal(sum, ACCUM_INT_BITS, &bits_over_unit);
    int32_t exponent = bits_over_unit + 31 - out_bits; // TFLite checks 0 <= exponent <= 31
    int32_t lo = out_bits == 8 ? -128 : -32768, hi = out_bits == 8 ? 127 : 32767;
    for (uint32_t c = 0; c < d->depth; c++) {
        int32_t diff = in[c] - max, v = lo;
        if (diff >= d->diff_min) {
            int32_t prod = mml__srdhm(scale, exp_diff(d, diff));
            int32_t unsat = exponent > 31 ? 0 : mml__rdbpot(prod, exponent < 0 ? 0 : exponent);
            v = mml__clamp_i32(unsat + lo, lo, hi);
        }
        if (out_bits == 8) {
            ((int8_t *)out)[c] = (int8_t)v;
        } else {
            ((int16_t *)out)[c] = (int16_t)v;
        }
    }
}

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const softmax_t *d = (const softmax_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->in);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->outer; i++) {
        row_s8(d, in + i * d->depth, out + i * d->depth, 8);
    }
    return MML_OK;
}

static mml_status_t eval_s8_s16(const mml_eval_ctx_t *ctx, void *data) {
    const softmax_t *d = (const softmax_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->in);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->outer; i++) {
        row_s8(d, in + i * d->depth, out + i * d->depth, 16);
    }
    return MML_OK;
}

#if MML_DTYPE_ON(SOFTMAX, S16)
// TFLite's LUTLookup on a 513-entry int16 table over the int16 range: the entry at value's top 9
// bits plus the slope to the next one times its low 7 bits, rounded.
static int16_t lut_s16(const int16_t *lut, int16_t value) {
    const uint32_t index = (uint32_t)(256 + (value >> 7));
    const int32_t offset = value & 0x7f;
    const int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
    return (int16_t)(lut[index] + ((slope * offset + 64) >> 7));
}

static int16_t sat_s16(int32_t v) {
    return (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v);
}

// TFLite's SoftmaxInt16: exp of the rescaled differences through the exp table (Q0.15), their sum
// (Q16.15), its reciprocal through the 1 / (1 + x) table after normalizing the sum into [1, 2),
// and each exp times the reciprocal, rounded back by the normalization shift, in [0, 32767]. The
// exps are kept in the output row (as TFLite does), so input and output may share memory.
mml_status_t mml__softmax_eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const softmax_t *d = (const softmax_t *)data;
    const int16_t *in_all = (const int16_t *)mml__ptr(ctx, d->in);
    int16_t *out_all = (int16_t *)mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->outer; i++) {
        const int16_t *in = in_all + (size_t)i * d->depth;
        int16_t *out = out_all + (size_t)i * d->depth;
        int32_t max = -32768;
        for (uint32_t c = 0; c < d->depth; c++) {
            max = in[c] > max ? in[c] : max;
        }
        int32_t sum = 0;
        for (uint32_t c = 0; c < d->depth; c++) {
            // [-65535, 0] is [-10, 0]; recentered onto the table's int16 input range.
            int32_t scaled = mml__mul_by_qm(in[c] - max, d->mult, d->left_shift);
            out[c] = lut_s16(softmax_exp_lut, sat_s16(scaled + 32767));
            sum = (int32_t)((uint32_t)sum + (uint32_t)out[c]);
        }
        // sum >= 1 (the maximum's exp is 32767) and below 2^31 (depth < 2^16 in TFLite).
        const int32_t headroom_plus_one = mml__clz32((uint32_t)sum);
        const int32_t shifted =
            (int32_t)((((int64_t)sum << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        const int16_t recip =
            lut_s16(softmax_one_over_one_plus_x_lut, sat_s16(shifted - ((1 << 15) + (1 << 16))));
        const int32_t right_shift = 31 - headroom_plus_one;
        const int64_t round = (int64_t)1 << (right_shift - 1);
        for (uint32_t c = 0; c < d->depth; c++) {
            int64_t r = ((int64_t)out[c] * recip + round) >> right_shift;
            out[c] = (int16_t)(r < 0 ? 0 : r > 32767 ? 32767 : r);
        }
    }
    return MML_OK;
}
#endif

#if MML_DTYPE_ON(SOFTMAX, F32)
mml_status_t mml__softmax_eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const softmax_t *d = (const softmax_t *)data;
    for (uint32_t i = 0; i < d->outer; i++) {
        const float *in = (const float *)mml__ptr(ctx, d->in) + i * d->depth;
        float *out = (float *)mml__ptr(ctx, d->out) + i * d->depth;
        float max = -FLT_MAX;
        for (uint32_t c = 0; c < d->depth; c++) {
            max = max < in[c] ? in[c] : max;
        }
        float sum = 0.0f;
        for (uint32_t c = 0; c < d->depth; c++) {
            float e = mml__expf((in[c] - max) * d->beta);
            out[c] = e;
            sum += e;
        }
        for (uint32_t c = 0; c < d->depth; c++) {
            out[c] = out[c] / sum;
        }
    }
    return MML_OK;
}
#endif

mml_status_t mml__prepare_softmax(mml_prep_t *p) {
    mml__tensor_t in, out;
    softmax_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary(p, 3, &in, &out);
    if (st != MML_OK) {
        return st;
    }
    if (in.rank < 1 || out.rank != in.rank || out.dims[out.rank - 1] != in.dims[in.rank - 1]) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output shapes differ");
    }
    r.depth = (uint32_t)in.dims[in.rank - 1];
    r.outer = r.depth ? in.elems / r.depth : 0;
    float beta = mml__opt_f32(p, OPT_BETA, 1.0f);
    if (in.dtype == MML_INT8 && (out.dtype == MML_INT8 || out.dtype == MML_INT16)) {
        float si, so;
        int32_t zi, zo;
        if ((st = mml__ew_quant(p, &in, &si, &zi)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &zo)) != MML_OK) {
            return st;
        }
        if (out.dtype == MML_INT8 && (zo != -128 || so != 1.0f / 256.0f)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "int8 output needs scale 1/256, "
                "zero point -128");
        }
        float d16 = so - 1.0f / 65536.0f;
        if (out.dtype == MML_INT16 &&
            (zo != -32768 || d16 > 0.001f / 65536.0f || d16 < -0.001f / 65536.0f)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "int16 output needs scale 1/65536, "
                "zero point -32768");
        }
        if (!mml__softmax_scaling((double)beta, (double)si, SCALED_DIFF_INT_BITS, &r.mult,
                &r.left_shift)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "beta * input scale too small");
        }
        if ((st = mml__ew_check_shift(p, r.left_shift, 0, 31)) != MML_OK) {
            return st;
        }
        r.diff_min = -mml__input_radius(SCALED_DIFF_INT_BITS, r.left_shift);
        p->eval = out.dtype == MML_INT8 ? eval_s8 : eval_s8_s16;
        p->inplace = out.dtype == MML_INT8;
    } else if (in.dtype == MML_INT16 && out.dtype == MML_INT16) {
        float si, so;
        int32_t zi, zo;
        if ((st = mml__ew_quant(p, &in, &si, &zi)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &zo)) != MML_OK) {
            return st;
        }
        float d15 = so - 1.0f / 32768.0f;
        if (zo != 0 || d15 > 0.001f / 32768.0f || d15 < -0.001f / 32768.0f) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "int16 output needs scale 1/32768, zero point 0");
        }
        // input_diff * input_scale * beta in units of 10/65535: [-65535, 0] is [-10, 0].
        double m = (double)si * (double)beta / (10.0 / 65535.0);
        if (!(m > 0.0 && m < 2147483648.0)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "beta * input scale out of range");
        }
        mml__quantize_multiplier(m, &r.mult, &r.left_shift);
        if ((st = mml__prep_dtype_eval(p, MML_DTYPE_PATH_S16)) != MML_OK) {
            return st;
        }
        p->inplace = 1;
    } else if (in.dtype == MML_FLOAT32 && out.dtype == MML_FLOAT32) {
        r.beta = beta;
        if ((st = mml__prep_dtype_eval(p, MML_DTYPE_PATH_F32)) != MML_OK) {
            return st;
        }
        p->inplace = 1;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "%s -> %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype), mml_dtype_name((mml_dtype_t)out.dtype));
    }
    softmax_t *d = (softmax_t *)mml__prep_persist(p, sizeof(softmax_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
#endif // MML_OP_ON(SOFTMAX)
