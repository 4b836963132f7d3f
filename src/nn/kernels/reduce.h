// SPDX-License-Identifier: MIT
// Shared pieces of the reductions (MEAN, SUM, REDUCE_MAX, REDUCE_MIN): the axis checks of
// prepare, the walk from each input element to the output element it reduces into, and the
// quantized output stage of MEAN and SUM (TFLite's QuantizedMeanOrSum).
#ifndef MICROML_NN_KERNELS_REDUCE_H
#define MICROML_NN_KERNELS_REDUCE_H

#include "nn/kernel.h"

// Which input elements reduce into which output element. The output holds the kept
// dimensions in order (keep_dims only adds 1s: the same layout).
typedef struct {
    uint32_t rank;                     // input rank (0 for a scalar)
    uint32_t n_in, n_out, count;       // count: input elements per output element
    uint32_t dims[MML_MAX_DIMS];       // input dimensions
    uint32_t out_stride[MML_MAX_DIMS]; // output element stride per input dimension (0: reduced)
} mml__reduce_geom_t;

// Position of the walk: input element i (row-major) reduces into output element o.
typedef struct {
    uint32_t idx[MML_MAX_DIMS];
    uint32_t o;
} mml__reduce_iter_t;

static inline void mml__reduce_start(mml__reduce_iter_t *it) {
    for (uint32_t k = 0; k < MML_MAX_DIMS; k++) {
        it->idx[k] = 0;
    }
    it->o = 0;
}

// Moves to the next input element in row-major order.
static inline void mml__reduce_next(const mml__reduce_geom_t *g, mml__reduce_iter_t *it) {
    for (uint32_t k = g->rank; k-- > 0;) {
        it->o += g->out_stride[k];
        if (++it->idx[k] < g->dims[k]) {
            return;
        }
        it->o -= g->out_stride[k] * g->dims[k];
        it->idx[k] = 0;
    }
}

// Prepare of a reduction: 2 inputs (data, constant int32 axis vector), 1 output of the input's
// dtype; every axis in range (negative counts from the end, repeats allowed); keep_dims (option
// 0 of ReducerOptions) gives the input's rank; the output has one element per kept position.
// Fills in, out and g.
MML__PREPARE mml_status_t mml__reduce_prepare(mml_prep_t *p, int32_t max_version, mml__tensor_t *in,
    mml__tensor_t *out, mml__reduce_geom_t *g);

// Quantized MEAN and SUM (TFLite's QuantizedMeanOrSum): the int32 sums wrap on overflow; the
// zero-point-corrected sum is rescaled by (mult, shift) from in_scale / out_scale, with 1/count
// folded in for MEAN; then out_zp is added and the result clamped to the output dtype.
typedef struct {
    int32_t in_zp, out_zp, mult, shift;
} mml__reduce_q_t;

// Checks the tensors' quantization and computes q (fold_count: MEAN's 1/count).
MML__PREPARE mml_status_t mml__reduce_prepare_q(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *out, uint32_t count, bool fold_count, mml__reduce_q_t *q);

// int32 sums of int8 / int16 input elements per output element (sum: n_out int32, caller's).
void mml__reduce_sum_s8(const mml__reduce_geom_t *g, const int8_t *in, int32_t *sum);
void mml__reduce_sum_s16(const mml__reduce_geom_t *g, const int16_t *in, int32_t *sum);
// The quantized output stage: sum[o] -> rescaled, clamped to [lo, hi], written back to sum[o].
void mml__reduce_requantize(const mml__reduce_geom_t *g, const mml__reduce_q_t *q, int32_t lo,
    int32_t hi, int32_t *sum);
// float32 sums in input order (TFLite's ReduceGeneric with 0 and +).
void mml__reduce_sum_f32(const mml__reduce_geom_t *g, const float *in, float *out);

// The persistent record of every reduction.
typedef struct {
    uint32_t input, output, scratch; // scratch: int32 sums, one per output (integer MEAN, SUM)
    mml__reduce_geom_t g;
    mml__reduce_q_t q;
} mml__reduce_t;

// Allocates and fills the record (NULL while planning).
mml__reduce_t *mml__reduce_persist(mml_prep_t *p, const mml__tensor_t *in, const mml__tensor_t *out,
    const mml__reduce_geom_t *g, const mml__reduce_q_t *q);

// MEAN / SUM prepare: float32 (eval_f32, the op's own), or int8/int16 through the quantized
// output stage (fold_count: MEAN's 1/count) with an int32 scratch sum per output; sets p->eval
// and fills the record.
MML__PREPARE mml_status_t mml__reduce_prepare_mean_sum(mml_prep_t *p, bool fold_count,
    mml__eval_fn eval_f32);

// REDUCE_MAX / REDUCE_MIN prepare: float32, or int8/int16 with equal input and output scale and
// zero point (TFLite Micro requires it: the op only picks elements); sets p->eval to the eval of
// the input's dtype and fills the record (no q).
MML__PREPARE mml_status_t mml__reduce_prepare_pick(mml_prep_t *p, mml__eval_fn eval_f32,
    mml__eval_fn eval_s8, mml__eval_fn eval_s16);

// REDUCE_MAX (largest) / REDUCE_MIN (!largest) eval of the record d: per output element the
// largest or smallest input element reducing into it (a NaN is never picked).
mml_status_t mml__reduce_pick_f32(const mml_eval_ctx_t *ctx, const mml__reduce_t *d, bool largest);
mml_status_t mml__reduce_pick_s8(const mml_eval_ctx_t *ctx, const mml__reduce_t *d, bool largest);
mml_status_t mml__reduce_pick_s16(const mml_eval_ctx_t *ctx, const mml__reduce_t *d, bool largest);

#endif // MICROML_NN_KERNELS_REDUCE_H
