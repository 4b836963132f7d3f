// SPDX-License-Identifier: MIT
// SignalOverlapAdd (TFLM signal library): the inverse of framing. Each frame of frame_size
// samples (input [..., frames, frame_size]) is added into a running buffer of frame_size samples,
// whose first frame_step samples then come out (output [..., frames * frame_step]) and leave it.
// int16 (sums saturated) or float32 (option T); the buffer is state kept across invocations.
#include <string.h>
#include "nn/kernels/signal.h"
#include "nn/ops.h"

#if MML_OP_ON(SIGNALOVERLAPADD)

enum { TT_FLOAT32 = 0, TT_INT16 = 7 }; // TFLite's TensorType codes of option T

typedef struct {
    uint32_t in, out, state; // locations
    uint32_t rows, frames, size, step;
} overlap_add_t;

static mml_status_t eval_overlap_add_s16(const mml_eval_ctx_t *ctx, void *data) {
    const overlap_add_t *d = (const overlap_add_t *)data;
    for (uint32_t r = 0; r < d->rows; r++) {
        int16_t *buf = (int16_t *)mml__ptr(ctx, d->state) + r * d->size;
        for (uint32_t f = 0; f < d->frames; f++) {
            const int16_t *in = (const int16_t *)mml__ptr(ctx, d->in) + (r * d->frames + f) * d->size;
            int16_t *out = (int16_t *)mml__ptr(ctx, d->out) + (r * d->frames + f) * d->step;
            for (uint32_t i = 0; i < d->size; i++) {
                const int32_t v = (int32_t)in[i] + buf[i];
                buf[i] = (int16_t)(v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : v);
            }
            memcpy(out, buf, d->step * sizeof(int16_t));
            memmove(buf, buf + d->step, (d->size - d->step) * sizeof(int16_t));
            memset(buf + (d->size - d->step), 0, d->step * sizeof(int16_t));
        }
    }
    return MML_OK;
}

#if MML_ENABLE_FLOAT
static mml_status_t eval_overlap_add_f32(const mml_eval_ctx_t *ctx, void *data) {
    const overlap_add_t *d = (const overlap_add_t *)data;
    for (uint32_t r = 0; r < d->rows; r++) {
        float *buf = (float *)mml__ptr(ctx, d->state) + r * d->size;
        for (uint32_t f = 0; f < d->frames; f++) {
            const float *in = (const float *)mml__ptr(ctx, d->in) + (r * d->frames + f) * d->size;
            float *out = (float *)mml__ptr(ctx, d->out) + (r * d->frames + f) * d->step;
            for (uint32_t i = 0; i < d->size; i++) {
                buf[i] += in[i];
            }
            memcpy(out, buf, d->step * sizeof(float));
            memmove(buf, buf + d->step, (d->size - d->step) * sizeof(float));
            memset(buf + (d->size - d->step), 0, d->step * sizeof(float));
        }
    }
    return MML_OK;
}
#endif

mml_status_t mml__prepare_signal_overlap_add(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__flex_t map;
    int32_t type, step;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__signal_options(p, &map)) != MML_OK ||
        (st = mml__signal_int(p, &map, "T", INT32_MIN, INT32_MAX, &type)) != MML_OK ||
        (st = mml__signal_int(p, &map, "frame_step", 1, 1 << 20, &step)) != MML_OK) {
        return st;
    }
    if (type != TT_INT16 && (type != TT_FLOAT32 || !MML_ENABLE_FLOAT)) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
            "option 'T' is %d, expected %d (int16) or %d (float32)", type, TT_INT16, TT_FLOAT32);
    }
    const mml_dtype_t dtype = type == TT_INT16 ? MML_INT16 : MML_FLOAT32;
    if ((st = mml__signal_tensor(p, 0, 0, dtype, -1, &in)) != MML_OK ||
        (st = mml__signal_tensor(p, 1, 0, dtype, in.rank - 1, &out)) != MML_OK) {
        return st;
    }
    if (in.rank < 2) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input has rank %u, expected at least 2",
            in.rank);
    }
    const uint32_t size = (uint32_t)in.dims[in.rank - 1], frames = (uint32_t)in.dims[in.rank - 2];
    const uint32_t rows = size && frames ? in.elems / (size * frames) : 0;
    if (size < (uint32_t)step || (uint64_t)out.elems != (uint64_t)rows * frames * (uint32_t)step) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "frames of %u samples, %u outputs: expected frame_step %d at most the frame size and "
            "%u outputs", size, out.elems, step, rows * frames * (uint32_t)step);
    }
    const uint32_t elem = mml_dtype_size(dtype);
    if ((uint64_t)rows * size * elem > INT32_MAX) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "state too large");
    }
#if MML_ENABLE_FLOAT
    p->eval = dtype == MML_INT16 ? eval_overlap_add_s16 : eval_overlap_add_f32;
#else
    p->eval = eval_overlap_add_s16;
#endif
    mml__prep_state(p, rows * size * elem);
    overlap_add_t *d = (overlap_add_t *)mml__prep_persist(p, sizeof(overlap_add_t));
    if (d) {
        d->in = mml__prep_loc(p, &in);
        d->out = mml__prep_loc(p, &out);
        d->state = mml__prep_state_loc(p);
        d->rows = rows;
        d->frames = frames;
        d->size = size;
        d->step = (uint32_t)step;
    }
    return MML_OK;
}

#endif // MML_OP_ON(SIGNALOVERLAPADD)
