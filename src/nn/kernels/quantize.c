// SPDX-License-Identifier: MIT
// QUANTIZE: float32 -> int8/int16 (round(x / scale) + zero point, half away from zero), and
// requantization between integer types (int8, uint8, int16, int32) as TFLite Micro's Requantize.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(QUANTIZE)

typedef struct {
    uint32_t in, out; // locations
    uint32_t n;
    float scale; // float input: output scale
    int32_t in_zp, out_zp, mult, shift;
    int32_t lo, hi; // output dtype range
    uint8_t in_dtype, out_dtype;
} quantize_t;

static int32_t load(const void *p, uint8_t dtype, uint32_t i) {
    switch (dtype) {
        case MML_INT8:
            return ((const int8_t *)p)[i];
        case MML_UINT8:
            return ((const uint8_t *)p)[i];
        case MML_INT16:
            return ((const int16_t *)p)[i];
        default:
            return ((const int32_t *)p)[i];
    }
}

static void store(void *p, uint8_t dtype, uint32_t i, int32_t v) {
    switch (dtype) {
        case MML_INT8:
            ((int8_t *)p)[i] = (int8_t)v;
            break;
        case MML_UINT8:
            ((uint8_t *)p)[i] = (uint8_t)v;
            break;
        case MML_INT16:
            ((int16_t *)p)[i] = (int16_t)v;
            break;
        default:
            ((int32_t *)p)[i] = v;
            break;
    }
}

// TFLite AffineQuantize: clamp(round(x / scale) + zero_point).
static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const quantize_t *d = (const quantize_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->in);
    void *out = mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        int64_t v = (int64_t)mml__round_to_i32(in[i] / d->scale) + d->out_zp;
        store(out, d->out_dtype, i, (int32_t)(v < d->lo ? d->lo : v > d->hi ? d->hi : v));
    }
    return MML_OK;
}

// TFLite Requantize: clamp(MultiplyByQuantizedMultiplier(x - in_zp) + out_zp).
static mml_status_t eval_int(const mml_eval_ctx_t *ctx, void *data) {
    const quantize_t *d = (const quantize_t *)data;
    const void *in = mml__ptr(ctx, d->in);
    void *out = mml__ptr(ctx, d->out);
    for (uint32_t i = 0; i < d->n; i++) {
        int32_t x = mml__wrap_sub(load(in, d->in_dtype, i), d->in_zp);
        int32_t v = mml__wrap_add(mml__mul_by_qm(x, d->mult, d->shift), d->out_zp);
        store(out, d->out_dtype, i, mml__clamp_i32(v, d->lo, d->hi));
    }
    return MML_OK;
}

// The (input, output) dtype pairs TFLite Micro's QUANTIZE runs.
static int supported(uint8_t in, uint8_t out) {
    switch (in) {
        case MML_FLOAT32:
            return out == MML_INT8 || out == MML_INT16;
        case MML_INT8:
            return out == MML_INT8 || out == MML_UINT8 || out == MML_INT16 || out == MML_INT32;
        case MML_UINT8:
            return out == MML_INT8;
        case MML_INT16:
            return out == MML_INT8 || out == MML_INT16 || out == MML_INT32;
        case MML_INT32:
            return out == MML_INT8 || out == MML_INT16;
        default:
            return 0;
    }
}

mml_status_t mml__prepare_quantize(mml_prep_t *p) {
    mml__tensor_t in, out;
    quantize_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary(p, 3, &in, &out);
    if (st != MML_OK) {
        return st;
    }
    if (!supported(in.dtype, out.dtype)) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "%s -> %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype), mml_dtype_name((mml_dtype_t)out.dtype));
    }
    float so;
    if ((st = mml__ew_quant(p, &out, &so, &r.out_zp)) != MML_OK) {
        return st;
    }
    r.n = out.elems;
    r.in_dtype = in.dtype;
    r.out_dtype = out.dtype;
    r.lo = out.dtype == MML_INT8 ? -128
        : out.dtype == MML_UINT8 ? 0
        : out.dtype == MML_INT16 ? -32768
                                 : INT32_MIN;
    r.hi = out.dtype == MML_INT8 ? 127
        : out.dtype == MML_UINT8 ? 255
        : out.dtype == MML_INT16 ? 32767
                                 : INT32_MAX;
    if (in.dtype == MML_FLOAT32) {
        r.scale = so;
        p->eval = eval_f32;
    } else {
        float si;
        if ((st = mml__ew_quant(p, &in, &si, &r.in_zp)) != MML_OK ||
            (st = mml__ew_multiplier(p, (double)si / (double)so, &r.mult, &r.shift, -31, 31)) !=
                MML_OK) {
            return st;
        }
        p->eval = eval_int;
    }
    uint32_t in_size = mml_dtype_size((mml_dtype_t)in.dtype);
    uint32_t out_size = mml_dtype_size((mml_dtype_t)out.dtype);
    if (in_size == out_size) {
        p->inplace = 1;
    } else if (in_size == 1 || out_size == 1) {
        mml__prep_allow_elementwise_overlap(p, out.elems, in_size, out_size);
    }
    quantize_t *d = (quantize_t *)mml__prep_persist(p, sizeof(quantize_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->in = mml__prep_loc(p, &in);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}
#endif // MML_OP_ON(QUANTIZE)
