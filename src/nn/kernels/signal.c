// SPDX-License-Identifier: MIT
// Shared pieces of the signal-library ops (see signal.h): options, tensor checks, and TFLM's
// signal/src integer arithmetic. Built when any signal op is. No allocation, no libm.
#include <string.h>
#include "nn/kernels/signal.h"

#if MML_OP_ON(SIGNALWINDOW) || MML_OP_ON(SIGNALFFTAUTOSCALE) || MML_OP_ON(SIGNALRFFT) ||          \
    MML_OP_ON(SIGNALIRFFT) || MML_OP_ON(SIGNALENERGY) || MML_OP_ON(SIGNALFILTERBANK) ||            \
    MML_OP_ON(SIGNALFILTERBANKSQUAREROOT) || MML_OP_ON(SIGNALFILTERBANKSPECTRALSUBTRACTION) ||     \
    MML_OP_ON(SIGNALPCAN) || MML_OP_ON(SIGNALFILTERBANKLOG) || MML_OP_ON(SIGNALFRAMER) ||          \
    MML_OP_ON(SIGNALSTACKER) || MML_OP_ON(SIGNALDELAY) || MML_OP_ON(SIGNALOVERLAPADD)

mml_status_t mml__signal_options(mml_prep_t *p, mml__flex_t *map) {
#if MML_ENABLE_FLEXBUF
    const mml__op_t *op = p->op;
    if (!op->custom_options || op->custom_options_len == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "options missing");
    }
    if (!mml__flex_root(op->custom_options, op->custom_options_len, map) ||
        map->type != MML__FLEX_MAP) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "options are not a FlexBuffers map");
    }
    return MML_OK;
#else
    (void)map;
    return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
        "options reader not in this build (MML_ENABLE_FLEXBUF = 0)");
#endif
}

#if MML_ENABLE_FLEXBUF
// The value of key, required; fails with the key's name.
static mml_status_t find(mml_prep_t *p, const mml__flex_t *map, const char *key, mml__flex_t *v) {
    int r = mml__flex_find(map, key, v);
    if (r == MML__FLEX_ABSENT) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "option '%s' missing", key);
    }
    if (r != MML__FLEX_FOUND) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "options map malformed");
    }
    return MML_OK;
}
#endif

mml_status_t mml__signal_int(mml_prep_t *p, const mml__flex_t *map, const char *key, int32_t lo,
    int32_t hi, int32_t *v) {
    *v = 0;
#if MML_ENABLE_FLEXBUF
    mml__flex_t r;
    int64_t x;
    mml_status_t st = find(p, map, key, &r);
    if (st != MML_OK) {
        return st;
    }
    if (r.type == MML__FLEX_FLOAT || r.type == MML__FLEX_INDIRECT_FLOAT || !mml__flex_int(&r, &x)) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "option '%s' is not an integer", key);
    }
    if (x < lo || x > hi) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "option '%s' is %d, expected %d to %d",
            key, (int32_t)(x < INT32_MIN ? INT32_MIN : x > INT32_MAX ? INT32_MAX : x), lo, hi);
    }
    *v = (int32_t)x;
    return MML_OK;
#else
    (void)map, (void)lo, (void)hi;
    return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "option '%s' unreadable in this build", key);
#endif
}

mml_status_t mml__signal_bool(mml_prep_t *p, const mml__flex_t *map, const char *key, bool *v) {
    *v = false;
#if MML_ENABLE_FLEXBUF
    mml__flex_t r;
    mml_status_t st = find(p, map, key, &r);
    if (st != MML_OK) {
        return st;
    }
    if (!mml__flex_bool(&r, v)) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "option '%s' is not a bool", key);
    }
    return MML_OK;
#else
    (void)map;
    return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "option '%s' unreadable in this build", key);
#endif
}

mml_status_t mml__signal_tensor(mml_prep_t *p, int out, uint32_t i, mml_dtype_t dtype,
    int32_t rank, mml__tensor_t *t) {
    mml_status_t st = out ? mml__prep_output(p, i, t) : mml__prep_input(p, i, t);
    if (st != MML_OK) {
        return st;
    }
    if (t->dtype != dtype) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "%s %u is %s, expected %s",
            out ? "output" : "input", i, mml_dtype_name((mml_dtype_t)t->dtype),
            mml_dtype_name(dtype));
    }
    if (rank >= 0 ? t->rank != (uint32_t)rank : t->rank < 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%s %u has rank %u, expected %s%d",
            out ? "output" : "input", i, t->rank, rank >= 0 ? "" : "at least ",
            rank >= 0 ? rank : 1);
    }
    return MML_OK;
}

// Digit-by-digit square root of x below 2^bits (32 or 64), rounded up when the remainder
// exceeds the root and the root is below its maximum, as TFLM's Sqrt32 / Sqrt64.
static uint64_t isqrt(uint64_t x, int bits, uint64_t max_root) {
    uint64_t res = 0;
    int top = bits - (int)(x >> 32 ? 32 + mml__signal_msb32((uint32_t)(x >> 32))
                                    : mml__signal_msb32((uint32_t)x));
    top |= 1;
    uint64_t bit = (uint64_t)1 << (bits - 1 - top);
    for (int it = (bits - 1 - top) / 2 + 1; it > 0; it--) {
        if (x >= res + bit) {
            x -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (x > res && res != max_root) {
        res++;
    }
    return res;
}

uint32_t mml__signal_sqrt64(uint64_t x) {
    if ((x >> 32) == 0) {
        return x == 0 ? 0 : (uint32_t)(uint16_t)isqrt(x, 32, 0xFFFFu);
    }
    return (uint32_t)isqrt(x, 64, 0xFFFFFFFFu);
}

// round(65536 * (log2(1 + i / 128) - i / 128)) for i = 0..128, then a 0: the correction that
// turns the linear fraction of log2 into the true one, interpolated between segments.
static const uint16_t log_lut[130] = {
    0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163,
    2329, 2490, 2646, 2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848,
    3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934,
    5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507,
    5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
    5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370,
    5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762,
    4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848,
    3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659,
    2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
    1094, 963, 830, 695, 559, 421, 282, 142, 0, 0,
};

#define LOG_SCALE_BITS 16
#define LOG_SEGMENT_BITS 7
#define LOG_LN2_Q16 45426 // ln 2 * 65536, rounded

uint32_t mml__signal_log32(uint32_t x, uint32_t out_scale) {
    const uint32_t integer = mml__signal_msb32(x) - 1;
    int32_t frac = (int32_t)(x - ((uint32_t)1 << integer));
    if (integer < LOG_SCALE_BITS) {
        frac = (int32_t)((uint32_t)frac << (LOG_SCALE_BITS - integer));
    } else {
        frac >>= integer - LOG_SCALE_BITS;
    }
    const uint32_t seg = (uint32_t)frac >> (LOG_SCALE_BITS - LOG_SEGMENT_BITS);
    const uint32_t seg_unit = (1u << LOG_SCALE_BITS) >> LOG_SEGMENT_BITS;
    const int32_t c0 = log_lut[seg], c1 = log_lut[seg + 1];
    const int32_t rel = ((c1 - c0) * (frac - (int32_t)(seg_unit * seg))) >> LOG_SCALE_BITS;
    const uint32_t log2 = (integer << LOG_SCALE_BITS) + (uint32_t)(frac + c0 + rel);
    const uint32_t round = 1u << (LOG_SCALE_BITS - 1);
    const uint32_t ln = (uint32_t)(((uint64_t)LOG_LN2_Q16 * log2 + round) >> LOG_SCALE_BITS);
    return (out_scale * ln + round) >> LOG_SCALE_BITS;
}

#endif // any signal op
