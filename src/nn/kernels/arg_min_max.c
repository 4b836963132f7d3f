// SPDX-License-Identifier: MIT
// ARG_MAX and ARG_MIN: index of the largest / smallest element along one constant axis (the
// first one on ties, as TFLite's strict comparison keeps it), float32 / int8 / int16 / int32
// input, int32 or int64 output as the output tensor says.
#include <string.h>
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(ARG_MAX) || MML_OP_ON(ARG_MIN)

typedef struct {
    uint32_t input, output;
    uint32_t outer, axis_size, inner;
    uint8_t in_dtype, wide, is_max; // wide: int64 output
} arg_t;

// Integer element i (int8, int16 or int32 input).
static int32_t load_int(const uint8_t *in, uint8_t dtype, size_t i) {
    if (dtype == MML_INT8) {
        return ((const int8_t *)in)[i];
    }
    if (dtype == MML_INT16) {
        int16_t v;
        memcpy(&v, in + 2 * i, 2);
        return v;
    }
    int32_t v;
    memcpy(&v, in + 4 * i, 4);
    return v;
}

static void store(const arg_t *d, uint8_t *out, size_t j, uint32_t at) {
    if (d->wide) {
        int64_t w = at;
        memcpy(out + 8 * j, &w, 8);
    } else {
        int32_t w = (int32_t)at;
        memcpy(out + 4 * j, &w, 4);
    }
}

// A NaN element compares false both ways: never picked, as in TFLite.
static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const arg_t *d = (const arg_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->input);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    for (uint32_t o = 0; o < d->outer; o++) {
        for (uint32_t k = 0; k < d->inner; k++) {
            const float *row = in + (size_t)o * d->axis_size * d->inner + k;
            float best = row[0];
            uint32_t at = 0;
            for (uint32_t i = 1; i < d->axis_size; i++) {
                float v = row[(size_t)i * d->inner];
                if (d->is_max ? v > best : v < best) {
                    best = v;
                    at = i;
                }
            }
            store(d, out, (size_t)o * d->inner + k, at);
        }
    }
    return MML_OK;
}

static mml_status_t eval_int(const mml_eval_ctx_t *ctx, void *data) {
    const arg_t *d = (const arg_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->input);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    for (uint32_t o = 0; o < d->outer; o++) {
        for (uint32_t k = 0; k < d->inner; k++) {
            size_t base = (size_t)o * d->axis_size * d->inner + k;
            int32_t best = load_int(in, d->in_dtype, base);
            uint32_t at = 0;
            for (uint32_t i = 1; i < d->axis_size; i++) {
                int32_t v = load_int(in, d->in_dtype, base + (size_t)i * d->inner);
                if (d->is_max ? v > best : v < best) {
                    best = v;
                    at = i;
                }
            }
            store(d, out, (size_t)o * d->inner + k, at);
        }
    }
    return MML_OK;
}

static mml_status_t prepare_arg(mml_prep_t *p, uint8_t is_max) {
    mml__tensor_t in, out;
    int32_t axis[1];
    uint32_t n = 0;
    mml_status_t st = mml__prep_in_ints_out(p, 3, &in, &out, "axis", axis, 1, &n);
    if (st != MML_OK) {
        return st;
    }
    if (n != 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis must hold one value");
    }
    if (in.dtype != MML_FLOAT32 && in.dtype != MML_INT8 && in.dtype != MML_INT16 &&
        in.dtype != MML_INT32) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    if (out.dtype != MML_INT32 && out.dtype != MML_INT64) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output must be int32 or int64");
    }
    int32_t a = axis[0] < 0 ? axis[0] + in.rank : axis[0];
    if (a < 0 || a >= in.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis %d out of range", axis[0]);
    }
    uint32_t outer = 1, inner = 1;
    for (int32_t k = 0; k < in.rank; k++) {
        if (k < a) {
            outer *= (uint32_t)in.dims[k];
        } else if (k > a) {
            inner *= (uint32_t)in.dims[k];
        }
    }
    if (out.rank != in.rank - 1 || out.elems != outer * inner) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "output must be the input's shape without axis %d", a);
    }
    for (int32_t k = 0; k < out.rank; k++) {
        if (out.dims[k] != in.dims[k < a ? k : k + 1]) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "output must be the input's shape without axis %d", a);
        }
    }
    p->eval = in.dtype == MML_FLOAT32 ? eval_f32 : eval_int;
    p->macs = in.elems;
    arg_t *d = (arg_t *)mml__prep_persist(p, sizeof(arg_t));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->output = mml__prep_loc(p, &out);
    d->outer = outer;
    d->axis_size = (uint32_t)in.dims[a];
    d->inner = inner;
    d->in_dtype = in.dtype;
    d->wide = out.dtype == MML_INT64;
    d->is_max = is_max;
    return MML_OK;
}

mml_status_t mml__prepare_arg_max(mml_prep_t *p) {
    return prepare_arg(p, 1);
}

mml_status_t mml__prepare_arg_min(mml_prep_t *p) {
    return prepare_arg(p, 0);
}

#endif // MML_OP_ON(ARG_MAX) || MML_OP_ON(ARG_MIN)
