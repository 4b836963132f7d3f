// SPDX-License-Identifier: MIT
// REDUCE_MIN: the smallest element over constant axes (keep_dims or not), float32, int8 and int16
// (quantized: input and output quantization must be equal, as TFLite Micro requires). The
// walk is shared with REDUCE_MAX (reduce.c).
#include "nn/kernels/reduce.h"
#include "nn/ops.h"

#if MML_OP_ON(REDUCE_MIN)

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    return mml__reduce_pick_f32(ctx, (const mml__reduce_t *)data, false);
}

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    return mml__reduce_pick_s8(ctx, (const mml__reduce_t *)data, false);
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    return mml__reduce_pick_s16(ctx, (const mml__reduce_t *)data, false);
}

mml_status_t mml__prepare_reduce_min(mml_prep_t *p) {
    return mml__reduce_prepare_pick(p, eval_f32, eval_s8, eval_s16);
}

#endif // MML_OP_ON(REDUCE_MIN)
