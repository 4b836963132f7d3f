// SPDX-License-Identifier: MIT
// HARD_SWISH: x * relu6(x + 3) / 6. int8 with TFLite's 16-bit fixed-point "reluish" multiplier
// (reference_ops::HardSwish), float32 directly.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(HARD_SWISH)

typedef struct {
    mml__ew_unary_t io;
    int32_t in_zp, out_zp;
    int32_t out_mult16, out_exp;         // output multiplier (Q15) and exponent (<= 0)
    int32_t reluish_mult16, reluish_exp; // input -> [-1, 1] over [-3, 3]
} hard_swish_t;

// gemmlowp SaturatingRoundingDoublingHighMul on int16.
static int16_t srdhm16(int16_t a, int16_t b) {
    if (a == INT16_MIN && b == INT16_MIN) {
        return INT16_MAX;
    }
    int32_t ab = (int32_t)a * b;
    int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return (int16_t)((ab + nudge) / (1 << 15));
}

// TFLite SaturatingDoublingHighMul: as srdhm16 but rounding toward zero.
static int16_t sdhm16(int16_t a, int16_t b) {
    if (a == INT16_MIN && b == INT16_MIN) {
        return INT16_MAX;
    }
    return (int16_t)(((int32_t)a * b) / (1 << 15));
}

// gemmlowp RoundingDivideByPOT on int16 (exponent in [0, 31]).
static int16_t rdbpot16(int16_t x, int32_t exponent) {
    int16_t mask = (int16_t)(((int64_t)1 << exponent) - 1);
    int16_t remainder = (int16_t)(x & mask);
    int16_t threshold = (int16_t)((mask >> 1) + (x < 0 ? 1 : 0));
    return (int16_t)((x >> (exponent > 15 ? 15 : exponent)) + (remainder > threshold ? 1 : 0));
}

static int16_t sat_left_shift16(int16_t v, int32_t amount) {
    int64_t r = (int64_t)v * ((int64_t)1 << amount);
    return (int16_t)(r > INT16_MAX ? INT16_MAX : r < INT16_MIN ? INT16_MIN : r);
}

// TFLite's reference_ops::HardSwish for one int8 value.
static int8_t hard_swish_s8(const hard_swish_t *d, int32_t in) {
    int16_t x = (int16_t)(in - d->in_zp);
    int16_t hires = (int16_t)(x * (1 << 7));
    int16_t preshift = srdhm16(hires, (int16_t)d->out_mult16);
    int16_t reluish = hires;
    if (d->reluish_exp > 0) {
        reluish = sat_left_shift16(reluish, d->reluish_exp - 1);
    }
    reluish = srdhm16(reluish, (int16_t)d->reluish_mult16);
    if (d->reluish_exp > 0) {
        reluish = sat_left_shift16(reluish, 1);
    }
    if (d->reluish_exp < 0) {
        reluish = rdbpot16(reluish, -d->reluish_exp);
    }
    reluish = (int16_t)((reluish + (1 << 15)) >> 1); // [-1, 1] -> [0, 1]
    int16_t v = rdbpot16(sdhm16(reluish, preshift), -d->out_exp);
    v = (int16_t)(v + d->out_zp);
    return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
}

MML_EW_UNARY_EVAL(eval_s8, hard_swish_t, int8_t, hard_swish_s8(d, x))
MML_EW_UNARY_EVAL(eval_f32, hard_swish_t, float, x *mml__clamp_f32(x + 3.0f, 0.0f, 6.0f) / 6.0f)

// TFLite DownScaleInt32ToInt16Multiplier: Q31 -> Q15, rounding, saturating.
static int32_t to_q15(int32_t m) {
    return m >= INT32_MAX - (1 << 15) ? INT16_MAX : (m + (1 << 15)) >> 16;
}

mml_status_t mml__prepare_hard_swish(mml_prep_t *p) {
    mml__tensor_t in, out;
    hard_swish_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 1, &in, &out, &r.io);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8) {
        float si, so;
        int32_t m;
        if ((st = mml__ew_quant(p, &in, &si, &r.in_zp)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &r.out_zp)) != MML_OK) {
            return st;
        }
        // TFLite computes these ratios in float.
        float hires_scale = (1.0f / 128.0f) * si;
        if ((st = mml__ew_multiplier(p, (double)(hires_scale / so), &m, &r.out_exp, -31, 0)) !=
            MML_OK) {
            return st;
        }
        r.out_mult16 = to_q15(m);
        if ((st = mml__ew_multiplier(p, (double)(hires_scale / (3.0f / 32768.0f)), &m,
                 &r.reluish_exp, -31, 31)) != MML_OK) {
            return st;
        }
        r.reluish_mult16 = to_q15(m);
        p->eval = eval_s8;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}
#endif // MML_OP_ON(HARD_SWISH)
