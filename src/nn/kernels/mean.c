// SPDX-License-Identifier: MIT
// MEAN: average over constant axes (keep_dims or not). float32, and int8/int16 as TFLite Micro's
// reference: with equal input/output scale and zero point the raw values' int32 sum is divided
// (truncating), else the zero-point-corrected sum is rescaled by a multiplier folded with 1/count.
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(MEAN)

enum { OPT_KEEP_DIMS = 0 };

typedef struct {
    uint32_t input, output, scratch;   // scratch: int32 sums, one per output (integer dtypes)
    uint32_t rank, n_out, count;       // count: input elements per output
    uint32_t dims[MML_MAX_DIMS];       // input dimensions
    uint32_t out_stride[MML_MAX_DIMS]; // output element stride per input dimension (0: reduced)
    int32_t in_zp, out_zp, mult, shift;
    uint8_t same_scale;
} mean_t;

// Calls visit(i, o) for every input element i in row-major order, o its output element.
#define FOR_EACH_INPUT(d, BODY)                                                                    \
    do {                                                                                           \
        uint32_t idx_[MML_MAX_DIMS] = {0};                                                         \
        uint32_t n_ = 1;                                                                           \
        for (uint32_t k_ = 0; k_ < (d)->rank; k_++) {                                              \
            n_ *= (d)->dims[k_];                                                                   \
        }                                                                                          \
        uint32_t o = 0;                                                                            \
        for (uint32_t i = 0; i < n_; i++) {                                                        \
            BODY;                                                                                  \
            for (uint32_t k_ = (d)->rank; k_-- > 0;) {                                             \
                o += (d)->out_stride[k_];                                                          \
                if (++idx_[k_] < (d)->dims[k_]) {                                                  \
                    break;                                                                         \
                }                                                                                  \
                o -= (d)->out_stride[k_] * (d)->dims[k_];                                          \
                idx_[k_] = 0;                                                                      \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const mean_t *d = (const mean_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->input);
    float *out = (float *)mml__ptr(ctx, d->output);
    for (uint32_t o = 0; o < d->n_out; o++) {
        out[o] = 0.0f;
    }
    FOR_EACH_INPUT(d, out[o] += in[i]);
    for (uint32_t o = 0; o < d->n_out; o++) {
        out[o] = out[o] / (float)d->count;
    }
    return MML_OK;
}

// The int32 sums wrap on overflow, as TFLite's reduce does.
static void finish_int(const mean_t *d, const int32_t *sum, int32_t lo, int32_t hi, int32_t *res) {
    for (uint32_t o = 0; o < d->n_out; o++) {
        int32_t v;
        if (d->same_scale) {
            v = sum[o] / (int32_t)d->count;
        } else {
            int32_t shifted = (int32_t)((uint32_t)sum[o] - (uint32_t)d->in_zp * d->count);
            v = mml__mul_by_qm(shifted, d->mult, d->shift) + d->out_zp;
            v = v < lo ? lo : v > hi ? hi : v;
        }
        res[o] = v;
    }
}

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const mean_t *d = (const mean_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->input);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->output);
    int32_t *sum = (int32_t *)mml__ptr(ctx, d->scratch);
    memset(sum, 0, 4 * (size_t)d->n_out);
    FOR_EACH_INPUT(d, sum[o] = (int32_t)((uint32_t)sum[o] + (uint32_t)(int32_t)in[i]));
    finish_int(d, sum, -128, 127, sum);
    for (uint32_t o = 0; o < d->n_out; o++) {
        out[o] = (int8_t)sum[o];
    }
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const mean_t *d = (const mean_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->input);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->output);
    int32_t *sum = (int32_t *)mml__ptr(ctx, d->scratch);
    memset(sum, 0, 4 * (size_t)d->n_out);
    FOR_EACH_INPUT(d, sum[o] = (int32_t)((uint32_t)sum[o] + (uint32_t)(int32_t)in[i]));
    finish_int(d, sum, -32768, 32767, sum);
    for (uint32_t o = 0; o < d->n_out; o++) {
        out[o] = (int16_t)sum[o];
    }
    return MML_OK;
}

// Number of leading zeros of a nonzero 64-bit value.
static int32_t clz64(uint64_t x) {
    int32_t n = 0;
    while (!(x & ((uint64_t)1 << 63))) {
        x <<= 1;
        n++;
    }
    return n;
}

mml_status_t mml__prepare_mean(mml_prep_t *p) {
    mml__tensor_t in, axis_t, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 3)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_input(p, 1, &axis_t)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    if (axis_t.dtype != MML_INT32 || axis_t.rank > 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis must be an int32 vector");
    }
    if (!axis_t.is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant axis unsupported");
    }
    if (out.dtype != in.dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if (in.elems == 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "empty input unsupported");
    }
    uint8_t reduced[MML_MAX_DIMS] = {0};
    for (uint32_t i = 0; i < axis_t.elems; i++) {
        int32_t a = (int32_t)mml__rd_u32(axis_t.data + 4 * i);
        int32_t r = a < 0 ? a + in.rank : a;
        if (r < 0 || r >= in.rank) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis %d out of range", a);
        }
        reduced[r] = 1;
    }
    // Output elements: the kept dimensions in order (keep_dims only adds 1s, same layout).
    uint32_t n_out = 1, count = 1, out_stride[MML_MAX_DIMS];
    for (uint32_t k = in.rank; k-- > 0;) {
        out_stride[k] = reduced[k] ? 0 : n_out;
        if (reduced[k]) {
            count *= (uint32_t)in.dims[k];
        } else {
            n_out *= (uint32_t)in.dims[k];
        }
    }
    if (mml__opt_u8(p, OPT_KEEP_DIMS, 0) && out.rank != in.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "keep_dims output must have rank %u",
            (uint32_t)in.rank);
    }
    if (out.elems != n_out) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output has %u elements, expected %u",
            out.elems, n_out);
    }
    int32_t mult = 0, shift = 0;
    uint8_t same_scale = 0;
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        if (in.scales.n != 1 || out.scales.n != 1) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "missing quantization parameters");
        }
        float in_scale = mml__tensor_scale(p->m, &in, 0);
        float out_scale = mml__tensor_scale(p->m, &out, 0);
        if (!(out_scale > 0.0f) || !(in_scale > 0.0f)) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "scales must be positive");
        }
        same_scale = in_scale == out_scale &&
            mml__tensor_zero_point(p->m, &in, 0) == mml__tensor_zero_point(p->m, &out, 0);
        mml__quantize_multiplier((double)in_scale / (double)out_scale, &mult, &shift);
        // Fold 1/count into the multiplier: shift up by floor(log2(count)) (at most 32, and no
        // further than a total shift of -31), then divide by count, truncating.
        int32_t up = 63 - clz64(count);
        up = up < 32 ? up : 32;
        up = up < 31 + shift ? up : 31 + shift;
        up = up > 0 ? up : 0;
        mult = (int32_t)(((int64_t)mult << up) / (int64_t)count);
        shift -= up;
        mml__prep_scratch(p, 4 * n_out);
        p->eval = in.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    p->macs = in.elems;
    mean_t *d = (mean_t *)mml__prep_persist(p, sizeof(mean_t));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->output = mml__prep_loc(p, &out);
    d->scratch = mml__prep_scratch_loc(p);
    d->rank = in.rank;
    d->n_out = n_out;
    d->count = count;
    for (uint32_t k = 0; k < in.rank; k++) {
        d->dims[k] = (uint32_t)in.dims[k];
        d->out_stride[k] = out_stride[k];
    }
    d->same_scale = same_scale;
    d->mult = mult;
    d->shift = shift;
    if (in.dtype != MML_FLOAT32) {
        d->in_zp = mml__tensor_zero_point(p->m, &in, 0);
        d->out_zp = mml__tensor_zero_point(p->m, &out, 0);
    }
    return MML_OK;
}
#endif // MML_OP_ON(MEAN)
