// SPDX-License-Identifier: MIT
// LOG_SOFTMAX over the last dimension: out = x - max - log(sum(exp(x - max))). float32, and int8
// as TFLite Micro (differences in Q5.26, sum of exps in Q12.19, gemmlowp's fixed-point log; output
// scale 16/256, zero point 127).
#include <float.h>
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(LOG_SOFTMAX)

enum { DIFF_INT_BITS = 5, ACCUM_INT_BITS = 12, OUT_INT_BITS = 4 };

typedef struct {
    uint32_t in, out; // locations
    uint32_t rows, depth;
    int32_t mult, left_shift;            // int8: input differences to Q5.26 (multiplier > 1)
    int32_t reverse_mult, reverse_shift; // back from Q5.26 to input steps (shift <= 0)
    int32_t diff_min;                    // differences below are negligible
} log_softmax_t;

static int32_t sat_add(int32_t a, int32_t b) {
    int64_t s = (int64_t)a + b;
    return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
}

// gemmlowp RoundingHalfSum: (a + b) / 2 rounded half away from zero.
static int32_t rounding_half_sum(int32_t a, int32_t b) {
    int64_t s = (int64_t)a + b;
    return (int32_t)((s + (s >= 0 ? 1 : -1)) / 2);
}

// TFLite log_x_for_x_greater_than_or_equal_to_1<5>(x in Q12): log(x) in Q5.26, through the
// power-of-two part (times log 2, accumulated in Q6) and a rational approximation of the rest.
static int32_t log_q12_to_q5(int32_t x) {
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769;
    const int32_t alpha_f = 638450708;
    const int32_t accum_bits = 5 + 1, shifted_quarter = mml__rdbpot(536870912, accum_bits);
    int32_t za_headroom_plus_1 = mml__clz32((uint32_t)x);
    int32_t ra_tmp = mml__fp_mul_pot(x, za_headroom_plus_1 - 1);
    int32_t ra = mml__fp_mul_pot(mml__srdhm(ra_tmp, sqrt_half), 1);
    int32_t za_pow2 = sat_add(mml__fp_mul_pot(ACCUM_INT_BITS - za_headroom_plus_1, 31 - accum_bits),
        shifted_quarter);
    int32_t zb = mml__srdhm(x, sqrt_half);
    int32_t zb_headroom = mml__clz32((uint32_t)zb) - 1;
    int32_t rb = mml__fp_mul_pot(x, zb_headroom);
    int32_t zb_pow2 =
        sat_add(mml__fp_mul_pot(ACCUM_INT_BITS - zb_headroom, 31 - accum_bits), -shifted_quarter);
    int32_t r = ra < rb ? ra : rb;
    int32_t pow2 = za_pow2 > zb_pow2 ? za_pow2 : zb_pow2;
    int32_t p = rounding_half_sum(r, sqrt_sqrt_half);
    int32_t q = mml__wrap_sub(r, sqrt_sqrt_half);
    q = mml__wrap_add(q, q);
    int32_t sq = mml__srdhm(q, q);
    int32_t num = mml__wrap_add(mml__srdhm(q, r), mml__srdhm(mml__srdhm(q, sq), alpha_n));
    int32_t inner = mml__wrap_add(mml__wrap_add(alpha_i, q), mml__srdhm(alpha_d, sq));
    int32_t denom_minus_one = mml__wrap_add(mml__srdhm(p, inner), mml__srdhm(alpha_f, q));
    int32_t recip = mml__fp_one_over_one_plus_x(denom_minus_one);
    int32_t num_scaled = mml__rdbpot(num, accum_bits); // Q0 -> Q6
    int32_t sum = mml__wrap_add(mml__srdhm(pow2, log_2), mml__srdhm(num_scaled, recip));
    return mml__fp_mul_pot(sum, accum_bits - DIFF_INT_BITS); // Q6 -> Q5
}

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const log_softmax_t *d = (const log_softmax_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->in);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->out);
    for (uint32_t r = 0; r < d->rows; r++) {
        const int8_t *x = in + r * d->depth;
        int8_t *o = out + r * d->depth;
        int32_t max = -128;
        for (uint32_t c = 0; c < d->depth; c++) {
            max = x[c] > max ? x[c] : max;
        }
        int32_t sum = 0; // Q12.19
        for (uint32_t c = 0; c < d->depth; c++) {
            int32_t diff = x[c] - max;
            if (diff >= d->diff_min) {
                int32_t q5 = mml__mul_by_qm(diff, d->mult, d->left_shift);
                sum = mml__wrap_add(sum,
                    mml__rdbpot(mml__fp_exp_neg(q5, DIFF_INT_BITS), ACCUM_INT_BITS));
            }
        }
        int32_t log_sum = log_q12_to_q5(sum);
        int32_t lowest =
            mml__mul_by_qm(mml__wrap_add(log_sum, INT32_MIN), d->reverse_mult, d->reverse_shift);
        int32_t adjusted_min = d->diff_min - 1 > lowest ? d->diff_min - 1 : lowest;
        for (uint32_t c = 0; c < d->depth; c++) {
            int32_t diff = x[c] - max, v = -128;
            if (diff > adjusted_min) {
                int32_t q5 = mml__mul_by_qm(diff, d->mult, d->left_shift);
                v = mml__rdbpot(mml__wrap_sub(q5, log_sum), 31 - DIFF_INT_BITS - OUT_INT_BITS) +
                    127;
                v = mml__clamp_i32(v, -128, 127);
            }
            o[c] = (int8_t)v;
        }
    }
    return MML_OK;
}

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const log_softmax_t *d = (const log_softmax_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->in);
    float *out = (float *)mml__ptr(ctx, d->out);
    for (uint32_t r = 0; r < d->rows; r++) {
        const float *x = in + r * d->depth;
        float *o = out + r * d->depth;
        float max = -FLT_MAX;
        for (uint32_t c = 0; c < d->depth; c++) {
            max = x[c] > max ? x[c] : max;
        }
        float sum = 0.0f;
        for (uint32_t c = 0; c < d->depth; c++) {
            sum += mml__expf(x[c] - max);
        }
        const float log_sum = mml__logf(sum);
        for (uint32_t c = 0; c < d->depth; c++) {
            o[c] = x[c] - max - log_sum;
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_log_softmax(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__ew_unary_t io;
    log_softmax_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 2, &in, &out, &io);
    if (st != MML_OK) {
        return st;
    }
    if ((st = mml__ew_rows(p, &in, &out, &r.depth, &r.rows)) != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8) {
        float si, so;
        int32_t zi, zo;
        if ((st = mml__ew_quant(p, &in, &si, &zi)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &zo)) != MML_OK) {
            return st;
        }
        if (so != 16.0f / 256.0f || zo != 127) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "int8 output needs scale 16/256 and zero point 127");
        }
        if (r.depth > 4096u) { // the Q12.19 sum of exps holds 4096 terms
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "depth %u too large", r.depth);
        }
        // TFLite PreprocessLogSoftmaxScalingExp (beta 1).
        if (!mml__softmax_scaling(1.0, (double)si, DIFF_INT_BITS, &r.mult, &r.left_shift) ||
            r.left_shift < 1 || r.left_shift > 31) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input scale %g unsupported", (double)si);
        }
        double reverse = (double)(1u << (31 - r.left_shift)) / (double)r.mult;
        if ((st = mml__ew_multiplier_lt1(p, reverse, &r.reverse_mult, &r.reverse_shift)) !=
            MML_OK) {
            return st;
        }
        r.diff_min = -mml__input_radius(DIFF_INT_BITS, r.left_shift);
        p->eval = eval_s8;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    log_softmax_t *d = (log_softmax_t *)mml__prep_persist(p, sizeof(r));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}

#endif // MML_OP_ON(LOG_SOFTMAX)
