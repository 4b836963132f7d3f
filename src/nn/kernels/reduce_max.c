// SPDX-License-Identifier: MIT
// REDUCE_MAX: the largest element over constant axes (keep_dims or not), float32, int8 and int16
// (quantized: input and output quantization must be equal, as TFLite Micro requires).
#include <float.h>
#include "nn/kernels/reduce.h"
#include "nn/ops.h"

#if MML_OP_ON(REDUCE_MAX)

// Each output starts at the dtype's extreme and takes an element only if strictly larger, as
// TFLite's ReduceGeneric does (a NaN element is never taken).
static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const mml__reduce_t *d = (const mml__reduce_t *)data;
    const float *in = (const float *)mml__ptr(ctx, d->input);
    float *out = (float *)mml__ptr(ctx, d->output);
    mml__reduce_iter_t it;
    mml__reduce_start(&it);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = -FLT_MAX;
    }
    for (uint32_t i = 0; i < d->g.n_in; i++) {
        if (in[i] > out[it.o]) {
            out[it.o] = in[i];
        }
        mml__reduce_next(&d->g, &it);
    }
    return MML_OK;
}

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const mml__reduce_t *d = (const mml__reduce_t *)data;
    const int8_t *in = (const int8_t *)mml__ptr(ctx, d->input);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->output);
    mml__reduce_iter_t it;
    mml__reduce_start(&it);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = INT8_MIN;
    }
    for (uint32_t i = 0; i < d->g.n_in; i++) {
        if (in[i] > out[it.o]) {
            out[it.o] = in[i];
        }
        mml__reduce_next(&d->g, &it);
    }
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const mml__reduce_t *d = (const mml__reduce_t *)data;
    const int16_t *in = (const int16_t *)mml__ptr(ctx, d->input);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->output);
    mml__reduce_iter_t it;
    mml__reduce_start(&it);
    for (uint32_t o = 0; o < d->g.n_out; o++) {
        out[o] = INT16_MIN;
    }
    for (uint32_t i = 0; i < d->g.n_in; i++) {
        if (in[i] > out[it.o]) {
            out[it.o] = in[i];
        }
        mml__reduce_next(&d->g, &it);
    }
    return MML_OK;
}

mml_status_t mml__prepare_reduce_max(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__reduce_geom_t g;
    mml_status_t st = mml__reduce_prepare_pick(p, &in, &out, &g);
    if (st != MML_OK) {
        return st;
    }
    p->eval = in.dtype == MML_INT8 ? eval_s8 : in.dtype == MML_INT16 ? eval_s16 : eval_f32;
    mml__reduce_persist(p, &in, &out, &g, NULL);
    return MML_OK;
}

#endif // MML_OP_ON(REDUCE_MAX)
