// SPDX-License-Identifier: MIT
// Quantization arithmetic (see quant.h for the formulas and rounding modes).
#include <float.h>
#include <string.h>
#include "core/quant.h"

float mml__roundf(float x) {
    // Floats of magnitude >= 2^23 are integers already (and NaN/inf pass through).
    if (!(x > -8388608.0f && x < 8388608.0f)) {
        return x;
    }
    float t = (float)(int32_t)x;
    float d = x - t; // exact
    if (d >= 0.5f) {
        t += 1.0f;
    } else if (d <= -0.5f) {
        t -= 1.0f;
    }
    return t;
}

int32_t mml__round_to_i32(float x) {
    if (!(x == x)) {
        return 0;
    }
    if (x >= 2147483520.0f) { // largest float below 2^31
        return INT32_MAX;
    }
    if (x <= -2147483648.0f) {
        return INT32_MIN;
    }
    // mml__roundf's steps in int32: the difference to the truncation is exact (0 from 2^23 on).
    int32_t t = (int32_t)x;
    float d = x - (float)t;
    return d >= 0.5f ? t + 1 : d <= -0.5f ? t - 1 : t;
}

double mml__round(double x) {
    if (!(x > -4503599627370496.0 && x < 4503599627370496.0)) {
        return x;
    }
    double t = (double)(int64_t)x;
    double d = x - t;
    if (d >= 0.5) {
        t += 1.0;
    } else if (d <= -0.5) {
        t -= 1.0;
    }
    return t;
}

double mml__frexp(double x, int32_t *e) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof(bits));
    int32_t exp = (int32_t)((bits >> 52) & 0x7ff);
    *e = 0;
    if (exp == 0x7ff || x == 0.0) {
        return x;
    }
    if (exp == 0) {               // subnormal: scale into the normal range first
        x *= 18014398509481984.0; // 2^54
        memcpy(&bits, &x, sizeof(bits));
        exp = (int32_t)((bits >> 52) & 0x7ff) - 54;
    }
    *e = exp - 1022;
    bits = (bits & ~((uint64_t)0x7ff << 52)) | ((uint64_t)1022 << 52);
    memcpy(&x, &bits, sizeof(bits));
    return x;
}

void mml__quantize_multiplier(double m, int32_t *q, int32_t *shift) {
    // TFLite's q = round(frexp(m, &e) * 2^31), in integers on m's bits: with the 53-bit
    // significand s (leading 1 included) of a normal m, frexp's fraction is s / 2^53 and e is
    // the biased exponent - 1022, so q = round(s / 2^22), half away from zero on |m| (sign
    // apart). Negative multipliers are legal (LEAKY_RELU with alpha < 0). Only a corrupted model
    // gets NaN or huge ones: NaN counts as 0, |m| > 2^30 as 2^30 (shift 31 at most). Zero and
    // subnormals have e < -31: q = 0, shift = 0.
    uint64_t bits;
    memcpy(&bits, &m, sizeof(bits));
    int32_t e = (int32_t)((bits >> 52) & 0x7ff);
    uint64_t frac = bits & (((uint64_t)1 << 52) - 1u);
    *q = 0;
    *shift = 0;
    if ((e == 0x7ff && frac != 0) || e == 0) {
        return;
    }
    if (e > 1023 + 30 || (e == 1023 + 30 && frac != 0)) {
        e = 1023 + 30;
        frac = 0;
    }
    uint32_t qm = (uint32_t)(((frac | ((uint64_t)1 << 52)) + ((uint64_t)1 << 21)) >> 22);
    e -= 1022;
    if (qm == 1u << 31) {
        qm >>= 1;
        e++;
    }
    if (e < -31) {
        return;
    }
    *q = bits >> 63 ? -(int32_t)qm : (int32_t)qm;
    *shift = e;
}

// zero_point + round(real / scale) without overflow (scales of corrupted models may be 0).
static int64_t quantize_bound(float real, float scale, int32_t zero_point) {
    return (int64_t)zero_point + mml__round_to_i32(real / scale);
}

int mml__activation_range_q(int32_t act, float scale, int32_t zero_point, int32_t qmin,
    int32_t qmax, int32_t *lo, int32_t *hi) {
    int64_t a = qmin, b = qmax;
    if (act == MML_ACT_RELU || act == MML_ACT_RELU6) {
        a = quantize_bound(0.0f, scale, zero_point);
        if (act == MML_ACT_RELU6) {
            b = quantize_bound(6.0f, scale, zero_point);
        }
    } else if (act == MML_ACT_RELU_N1_TO_1) {
        a = quantize_bound(-1.0f, scale, zero_point);
        b = quantize_bound(1.0f, scale, zero_point);
    } else if (act != MML_ACT_NONE) {
        return 0;
    }
    a = a < qmin ? qmin : a;
    b = b > qmax ? qmax : b;
    *lo = (int32_t)a;
    *hi = (int32_t)(b < a ? a : b);
    return 1;
}

int mml__activation_range_f(int32_t act, float *lo, float *hi) {
    switch (act) {
        case MML_ACT_NONE:
            *lo = -FLT_MAX;
            *hi = FLT_MAX;
            return 1;
        case MML_ACT_RELU:
            *lo = 0.0f;
            *hi = FLT_MAX;
            return 1;
        case MML_ACT_RELU6:
            *lo = 0.0f;
            *hi = 6.0f;
            return 1;
        case MML_ACT_RELU_N1_TO_1:
            *lo = -1.0f;
            *hi = 1.0f;
            return 1;
        default:
            return 0;
    }
}

// TFLite's table of sigmoid(i / 24) in Q0.16, i = 0..255 (entry 255 saturates at 65535). The
// values are TFLite's own (they are not all round(65536 * sigmoid(i / 24))), needed bit for bit.
// clang-format off
static const uint16_t sigmoid_table_u16[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535,
};
// clang-format on

const uint16_t *mml__sigmoid_table_u16(void) {
    return sigmoid_table_u16;
}

// (x * multiplier + round) >> left_shift, see quant.h; int64 keeps the product defined.
static int32_t lut_input(int16_t x, int32_t multiplier, int32_t left_shift) {
    if (multiplier == 0) {
        multiplier = 3 << left_shift;
        left_shift = 0;
    }
    int64_t round = left_shift > 0 ? ((int64_t)1 << (left_shift - 1)) : 0;
    return (int32_t)(((int64_t)x * multiplier + round) >> left_shift);
}

int16_t mml__logistic_s16(int16_t x, int32_t multiplier, int32_t left_shift) {
    int32_t v = lut_input(x, multiplier, left_shift);
    uint32_t a = v < 0 ? (uint32_t)0 - (uint32_t)v : (uint32_t)v;
    // Table step 2^9 in this Q3.12-times-3/4 domain; interpolate on the low 9 bits, in Q0.25.
    uint32_t i = a >> 9, r;
    if (i >= 255) {
        r = 0x7FFFu << 10;
    } else {
        uint32_t lo = sigmoid_table_u16[i], hi = sigmoid_table_u16[i + 1];
        r = (lo << 9) + (a & 0x1FFu) * (hi - lo);
    }
    // sigmoid(-x) = 1 - sigmoid(x); round to Q0.15.
    r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
    return (int16_t)(r >> 10);
}

int16_t mml__tanh_s16(int16_t x, int32_t multiplier, int32_t left_shift) {
    int32_t v = lut_input(x, multiplier, left_shift);
    uint32_t a = v < 0 ? (uint32_t)0 - (uint32_t)v : (uint32_t)v;
    // tanh(x) = 2 * sigmoid(2x) - 1: the same table at half the step (2^8), result in Q0.24.
    uint32_t i = a >> 8;
    int32_t r;
    if (i >= 255) {
        r = 0xFFFF << 8;
    } else {
        uint32_t lo = sigmoid_table_u16[i], hi = sigmoid_table_u16[i + 1];
        r = (int32_t)((lo << 8) + (a & 0xFFu) * (hi - lo));
    }
    r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return (int16_t)(r >> 8); // arithmetic shift, as TFLite
}

int32_t mml__clz32(uint32_t x) {
    if (x == 0) {
        return 32;
    }
    int32_t n = 0;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

int32_t mml__clrsb32(int32_t x) {
    uint32_t u = x < 0 ? ~(uint32_t)x : (uint32_t)x;
    return mml__clz32(u) - 1;
}

int32_t mml__fp_mul_pot(int32_t x, int32_t exponent) {
    if (exponent == 0) {
        return x;
    }
    if (exponent < 0) {
        return mml__rdbpot(x, -exponent);
    }
    int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

// exp(a) for a in [-1/4, 0), Q0 in and out: Taylor series around -1/8 (gemmlowp).
static int32_t exp_quarter(int32_t a) {
    const int32_t exp_m1_8 = 1895147668; // exp(-1/8) in Q0
    const int32_t third = 715827883;     // 1/3 in Q0
    int32_t x = a + (1 << 28);
    int32_t x2 = mml__srdhm(x, x);
    int32_t x3 = mml__srdhm(x2, x);
    int32_t x4 = mml__srdhm(x2, x2);
    int32_t x4_over_4 = mml__rdbpot(x4, 2);
    int32_t poly = mml__rdbpot(mml__srdhm(x4_over_4 + x3, third) + x2, 1);
    return exp_m1_8 + mml__srdhm(exp_m1_8, x + poly);
}

int32_t mml__fp_exp_neg(int32_t a, int32_t int_bits) {
    // exp(-2^k) in Q0 for k = -2 .. 4, applied for each bit of the integer-and-quarters part.
    static const int32_t exp_neg_pot[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535,
        720401, 242};
    int32_t frac_bits = 31 - int_bits;
    int32_t quarter = (int32_t)1 << (frac_bits - 2);
    int32_t a_mod_quarter_minus_quarter = (a & (quarter - 1)) - quarter;
    int32_t result = exp_quarter(mml__fp_mul_pot(a_mod_quarter_minus_quarter, int_bits));
    int32_t remainder = a_mod_quarter_minus_quarter - a;
    for (int32_t k = 0; k < 7; k++) {
        int32_t exponent = k - 2;
        if (int_bits > exponent && (remainder & ((int32_t)1 << (frac_bits + exponent)))) {
            result = mml__srdhm(result, exp_neg_pot[k]);
        }
    }
    if (int_bits > 5 && a < -((int32_t)1 << (36 - int_bits))) {
        result = 0; // exp(x < -32) flushes to 0
    }
    return a == 0 ? INT32_MAX : result;
}

// Newton-Raphson for 1 / (2 * half_denominator), half_denominator in [1/2, 1), result in Q2.
static int32_t newton_reciprocal_q2(int32_t half_denominator) {
    int32_t x = 1515870810 + mml__srdhm(half_denominator, -1010580540); // 48/17 - 32/17 d
    for (int i = 0; i < 3; i++) {
        int32_t one_minus_dx = (1 << 29) - mml__srdhm(half_denominator, x);
        x += mml__fp_mul_pot(mml__srdhm(x, one_minus_dx), 2);
    }
    return x;
}

// gemmlowp RoundingHalfSum(a, 1.0 in Q0).
static int32_t half_sum_one(int32_t a) {
    int64_t sum = (int64_t)a + INT32_MAX;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

int32_t mml__fp_one_over_one_plus_x(int32_t a) {
    int32_t x = newton_reciprocal_q2(half_sum_one(a));
    return mml__fp_mul_pot(x, 1); // x / 2 in Q1 -> Q0
}

// (1 - a) / (1 + a) for a in (0, 1), Q0 in and out (gemmlowp).
static int32_t one_minus_x_over_one_plus_x(int32_t a) {
    int32_t x = newton_reciprocal_q2(half_sum_one(a));
    return mml__fp_mul_pot(x - (1 << 29), 2);
}

int32_t mml__fp_logistic(int32_t a, int32_t int_bits) {
    if (a == 0) {
        return 1 << 30;
    }
    uint32_t abs = a > 0 ? (uint32_t)a : 0u - (uint32_t)a;
    int32_t pos = mml__fp_one_over_one_plus_x(mml__fp_exp_neg((int32_t)(0u - abs), int_bits));
    return a > 0 ? pos : INT32_MAX - pos;
}

int32_t mml__fp_tanh(int32_t a, int32_t int_bits) {
    if (a == 0) {
        return 0;
    }
    int32_t n = a < 0 ? a : (int32_t)(0u - (uint32_t)a);
    // -tanh(n) = (1 - e^2n) / (1 + e^2n); 2n is the same raw value with one more integer bit.
    int32_t t = one_minus_x_over_one_plus_x(mml__fp_exp_neg(n, int_bits + 1));
    return a < 0 ? -t : t;
}

int32_t mml__fp_reciprocal(int32_t x, int32_t x_int_bits, int32_t *bits_over_unit) {
    int32_t headroom_plus_one = mml__clz32((uint32_t)x);
    *bits_over_unit = x_int_bits - headroom_plus_one;
    int32_t shifted_minus_one = (int32_t)(((uint32_t)x << headroom_plus_one) - (1u << 31));
    return mml__fp_one_over_one_plus_x(shifted_minus_one);
}

int mml__softmax_scaling(double beta, double input_scale, int32_t int_bits, int32_t *q,
    int32_t *left_shift) {
    double m = beta * input_scale * (double)((int32_t)1 << (31 - int_bits));
    if (m > 2147483647.0) {
        m = 2147483647.0;
    }
    if (!(m > 1.0)) {
        return 0;
    }
    mml__quantize_multiplier(m, q, left_shift);
    return 1;
}

int32_t mml__input_radius(int32_t int_bits, int32_t left_shift) {
    int64_t max_rescaled = (((int64_t)1 << int_bits) - 1) << (31 - int_bits);
    return left_shift >= 63 ? 0 : (int32_t)(max_rescaled >> left_shift);
}

static int8_t clamp_q(float v, int32_t lo, int32_t hi) {
    int32_t r = mml__round_to_i32(v);
    return (int8_t)(r < lo ? lo : r > hi ? hi : r);
}

void mml__hybrid_quantize(const float *x, uint32_t n, int symmetric, int8_t *q, float *factor,
    int32_t *offset) {
    float mn = n ? x[0] : 0.0f, mx = mn;
    for (uint32_t i = 1; i < n; i++) {
        mn = x[i] < mn ? x[i] : mn;
        mx = x[i] > mx ? x[i] : mx;
    }
    *offset = 0;
    *factor = 1.0f;
    if (symmetric) {
        float amn = mn < 0.0f ? -mn : mn, amx = mx < 0.0f ? -mx : mx;
        float range = amn > amx ? amn : amx;
        if (!(range > 0.0f)) {
            memset(q, 0, n);
            return;
        }
        *factor = range / 127.0f;
        const float inv = 127.0f / range;
        for (uint32_t i = 0; i < n; i++) {
            q[i] = clamp_q(x[i] * inv, -127, 127);
        }
        return;
    }
    double rmin = mn < 0.0f ? (double)mn : 0.0, rmax = mx > 0.0f ? (double)mx : 0.0;
    if (rmin == rmax) {
        memset(q, 0, n);
        return;
    }
    const double scale = (rmax - rmin) / 255.0;
    const double zp_min = -128.0 - rmin / scale, zp_max = 127.0 - rmax / scale;
    const double err_min = 128.0 + (rmin / scale < 0 ? -rmin / scale : rmin / scale);
    const double err_max = 127.0 + (rmax / scale < 0 ? -rmax / scale : rmax / scale);
    const double zp = err_min < err_max ? zp_min : zp_max;
    *offset = zp <= -128.0 ? -128 : zp >= 127.0 ? 127 : (int32_t)mml__round(zp);
    *factor = (float)scale;
    const float inv = (float)(1.0 / (double)*factor);
    for (uint32_t i = 0; i < n; i++) {
        q[i] = clamp_q((float)*offset + x[i] * inv, -128, 127);
    }
}
