// SPDX-License-Identifier: MIT
// Shared pieces of the reductions (MEAN, SUM, REDUCE_MAX, REDUCE_MIN): axis checks, the walk from
// input to output elements, and TFLite's quantized mean/sum output stage. See reduce.h.
#include <float.h>
#include <string.h>
#include "nn/kernels/reduce.h"

enum { OPT_KEEP_DIMS = 0 };

mml_status_t mml__reduce_prepare(mml_prep_t *p, int32_t max_version, mml__tensor_t *in,
    mml__tensor_t *out, mml__reduce_geom_t *g) {
    mml__tensor_t axis_t;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, max_version)) != MML_OK ||
        (st = mml__prep_input(p, 0, in)) != MML_OK ||
        (st = mml__prep_input(p, 1, &axis_t)) != MML_OK ||
        (st = mml__prep_output(p, 0, out)) != MML_OK) {
        return st;
    }
    if (axis_t.dtype != MML_INT32 || axis_t.rank > 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis must be an int32 vector");
    }
    if (!axis_t.is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant axis unsupported");
    }
    if (out->dtype != in->dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if (in->elems == 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "empty input unsupported");
    }
    uint8_t reduced[MML_MAX_DIMS] = {0};
    for (uint32_t i = 0; i < axis_t.elems; i++) {
        int32_t a = (int32_t)mml__rd_u32(axis_t.data + 4 * i);
        int32_t r = a < 0 ? a + in->rank : a;
        if (r < 0 || r >= in->rank) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis %d out of range", a);
        }
        reduced[r] = 1;
    }
    memset(g, 0, sizeof(*g));
    g->rank = in->rank;
    g->n_in = in->elems;
    g->n_out = 1;
    g->count = 1;
    for (uint32_t k = in->rank; k-- > 0;) {
        g->dims[k] = (uint32_t)in->dims[k];
        g->out_stride[k] = reduced[k] ? 0 : g->n_out;
        if (reduced[k]) {
            g->count *= g->dims[k];
        } else {
            g->n_out *= g->dims[k];
        }
    }
    if (mml__opt_u8(p, OPT_KEEP_DIMS, 0) && out->rank != in->rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "keep_dims output must have rank %u",
            (uint32_t)in->rank);
    }
    if (out->elems != g->n_out) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output has %u elements, expected %u",
            out->elems, g->n_out);
    }
    p->macs = in->elems;
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

mml_status_t mml__reduce_prepare_q(mml_prep_t *p, const mml__tensor_t *in, const mml__tensor_t *out,
    uint32_t count, bool fold_count, mml__reduce_q_t *q) {
    if (in->scales.n != 1 || out->scales.n != 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "missing quantization parameters");
    }
    float in_scale = mml__tensor_scale(p->m, in, 0);
    float out_scale = mml__tensor_scale(p->m, out, 0);
    if (!(out_scale > 0.0f) || !(in_scale > 0.0f)) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "scales must be positive");
    }
    q->in_zp = mml__tensor_zero_point(p->m, in, 0);
    q->out_zp = mml__tensor_zero_point(p->m, out, 0);
    mml__quantize_multiplier((double)in_scale / (double)out_scale, &q->mult, &q->shift);
    if (fold_count) {
        // Fold 1/count into the multiplier: shift up by floor(log2(count)) (at most 32, and no
        // further than a total shift of -31), then divide by count, truncating.
        int32_t up = 63 - clz64(count);
        up = up < 32 ? up : 32;
        up = up < 31 + q->shift ? up : 31 + q->shift;
        up = up > 0 ? up : 0;
        q->mult = (int32_t)(((int64_t)q->mult << up) / (int64_t)count);
        q->shift -= up;
    }
    return MML_OK;
}

void mml__reduce_sum_s8(const mml__reduce_geom_t *g, const int8_t *in, int32_t *sum) {
    mml__reduce_iter_t it;
    mml__reduce_start(&it);
    memset(sum, 0, 4 * (size_t)g->n_out);
    for (uint32_t i = 0; i < g->n_in; i++) {
        sum[it.o] = (int32_t)((uint32_t)sum[it.o] + (uint32_t)(int32_t)in[i]);
        mml__reduce_next(g, &it);
    }
}

void mml__reduce_sum_s16(const mml__reduce_geom_t *g, const int16_t *in, int32_t *sum) {
    mml__reduce_iter_t it;
    mml__reduce_start(&it);
    memset(sum, 0, 4 * (size_t)g->n_out);
    for (uint32_t i = 0; i < g->n_in; i++) {
        sum[it.o] = (int32_t)((uint32_t)sum[it.o] + (uint32_t)(int32_t)in[i]);
        mml__reduce_next(g, &it);
    }
}

void mml__reduce_requantize(const mml__reduce_geom_t *g, const mml__reduce_q_t *q, int32_t lo,
    int32_t hi, int32_t *sum) {
    for (uint32_t o = 0; o < g->n_out; o++) {
        // sum - in_zp * count, wrapped to int32 as TFLite's cast does.
        int32_t shifted = (int32_t)((uint32_t)sum[o] - (uint32_t)q->in_zp * g->count);
        int32_t v = mml__mul_by_qm(shifted, q->mult, q->shift) + q->out_zp;
        sum[o] = v < lo ? lo : v > hi ? hi : v;
    }
}

void mml__reduce_sum_f32(const mml__reduce_geom_t *g, const float *in, float *out) {
    mml__reduce_iter_t it;
    mml__reduce_start(&it);
    for (uint32_t o = 0; o < g->n_out; o++) {
        out[o] = 0.0f;
    }
    for (uint32_t i = 0; i < g->n_in; i++) {
        out[it.o] = in[i] + out[it.o];
        mml__reduce_next(g, &it);
    }
}

mml__reduce_t *mml__reduce_persist(mml_prep_t *p, const mml__tensor_t *in, const mml__tensor_t *out,
    const mml__reduce_geom_t *g, const mml__reduce_q_t *q) {
    mml__reduce_t *d = (mml__reduce_t *)mml__prep_persist(p, sizeof(mml__reduce_t));
    if (!d) {
        return NULL;
    }
    d->input = mml__prep_loc(p, in);
    d->output = mml__prep_loc(p, out);
    d->scratch = p->scratch_bytes ? mml__prep_scratch_loc(p) : 0;
    d->g = *g;
    if (q) {
        d->q = *q;
    }
    return d;
}

// The integer eval of MEAN and SUM: int32 sums in the scratch buffer, requantized and clamped
// there, then narrowed to the output.
static mml_status_t eval_mean_sum_s8(const mml_eval_ctx_t *ctx, void *data) {
    const mml__reduce_t *d = (const mml__reduce_t *)data;
    int8_t *out = (int8_t *)mml__ptr(ctx, d->output);
    int32_t *sum = (int32_t *)mml__ptr(ctx, d->scratch);
    mml__reduce_sum_s8(&d->g, (const int8_t *)mml__ptr(ctx, d->input), sum);
    mml__reduce_requantize(&d->g, &d->q, -128, 127, sum);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = (int8_t)sum[o];
    }
    return MML_OK;
}

static mml_status_t eval_mean_sum_s16(const mml_eval_ctx_t *ctx, void *data) {
    const mml__reduce_t *d = (const mml__reduce_t *)data;
    int16_t *out = (int16_t *)mml__ptr(ctx, d->output);
    int32_t *sum = (int32_t *)mml__ptr(ctx, d->scratch);
    mml__reduce_sum_s16(&d->g, (const int16_t *)mml__ptr(ctx, d->input), sum);
    mml__reduce_requantize(&d->g, &d->q, -32768, 32767, sum);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = (int16_t)sum[o];
    }
    return MML_OK;
}

mml_status_t mml__reduce_prepare_mean_sum(mml_prep_t *p, bool fold_count, mml__eval_fn eval_f32) {
    mml__tensor_t in, out;
    mml__reduce_geom_t g;
    mml__reduce_q_t q = {0, 0, 0, 0};
    mml_status_t st = mml__reduce_prepare(p, 3, &in, &out, &g);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        if ((st = mml__reduce_prepare_q(p, &in, &out, g.count, fold_count, &q)) != MML_OK) {
            return st;
        }
        mml__prep_scratch(p, 4 * g.n_out);
        p->eval = in.dtype == MML_INT8 ? eval_mean_sum_s8 : eval_mean_sum_s16;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    mml__reduce_persist(p, &in, &out, &g, &q);
    return MML_OK;
}

mml_status_t mml__reduce_prepare_pick(mml_prep_t *p, mml__eval_fn eval_f32, mml__eval_fn eval_s8,
    mml__eval_fn eval_s16) {
    mml__tensor_t in, out;
    mml__reduce_geom_t g;
    mml_status_t st = mml__reduce_prepare(p, 3, &in, &out, &g);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8 || in.dtype == MML_INT16) {
        if (in.scales.n != 1 || out.scales.n != 1) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "missing quantization parameters");
        }
        if (mml__tensor_scale(p->m, &in, 0) != mml__tensor_scale(p->m, &out, 0) ||
            mml__tensor_zero_point(p->m, &in, 0) != mml__tensor_zero_point(p->m, &out, 0)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                "input and output quantization must be equal");
        }
    } else if (in.dtype != MML_FLOAT32) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    p->eval = in.dtype == MML_INT8 ? eval_s8 : in.dtype == MML_INT16 ? eval_s16 : eval_f32;
    mml__reduce_persist(p, &in, &out, &g, NULL);
    return MML_OK;
}

// Each output starts at the dtype's extreme (lowest when picking the largest, highest when
// picking the smallest) and takes an element only if strictly larger (smaller), as TFLite's
// ReduceGeneric does: a NaN element is never taken.
mml_status_t mml__reduce_pick_f32(const mml_eval_ctx_t *ctx, const mml__reduce_t *d, bool largest) {
    const float *in = (const float *)mml__ptr(ctx, d->input);
    float *out = (float *)mml__ptr(ctx, d->output);
    mml__reduce_iter_t it;
    mml__reduce_start(&it);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = largest ? -FLT_MAX : FLT_MAX;
    }
    for (uint32_t i = 0; i < d->g.n_in; i++) {
        if (largest ? in[i] > out[it.o] : in[i] < out[it.o]) {
            out[it.o] = in[i];
        }
        mml__reduce_next(&d->g, &it);
    }
    return MML_OK;
}

mml_status_t mml__reduce_pick_s8(const mml_eval_ctx_t *ctx, const mml__reduce_t *d, bool largest) {
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->input);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->output);
    mml__reduce_iter_t it;
    mml__reduce_start(&it);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = largest ? INT8_MIN : INT8_MAX;
    }
    for (uint32_t i = 0; i < d->g.n_in; i++) {
        if (largest ? in[i] > out[it.o] : in[i] < out[it.o]) {
            out[it.o] = in[i];
        }
        mml__reduce_next(&d->g, &it);
    }
    return MML_OK;
}

mml_status_t mml__reduce_pick_s16(const mml_eval_ctx_t *ctx, const mml__reduce_t *d, bool largest) {
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->input);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->output);
    mml__reduce_iter_t it;
    mml__reduce_start(&it);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = largest ? INT16_MIN : INT16_MAX;
    }
    for (uint32_t i = 0; i < d->g.n_in; i++) {
        if (largest ? in[i] > out[it.o] : in[i] < out[it.o]) {
            out[it.o] = in[i];
        }
        mml__reduce_next(&d->g, &it);
    }
    return MML_OK;
}
