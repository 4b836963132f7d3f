// SPDX-License-Identifier: MIT
// SELECT_V2: output = condition ? x : y elementwise, the three inputs broadcast onto the output
// (NumPy rules). Values are copied raw (any dtype of 1, 2, 4 or 8 bytes; quantized values are not
// rescaled, as TFLite Micro). The condition is bool: any nonzero byte is true.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(SELECT_V2)

enum { IN_COND = 0, IN_X, IN_Y };

typedef struct {
    uint32_t cond, x, y, out; // locations
    uint32_t n, elem;         // output elements, bytes per element
    uint32_t dims[MML_MAX_DIMS];
    uint32_t sc[MML_MAX_DIMS], sx[MML_MAX_DIMS], sy[MML_MAX_DIMS]; // element strides (0: broadcast)
} select_v2_t;

// Copies out[i] = c[i] ? x[i] : y[i] for elements of type T, walking the broadcast.
#define SELECT_EVAL(NAME, T)                                                                       \
    static mml_status_t NAME(const mml_eval_ctx_t *ctx, void *data) {                              \
        const select_v2_t *d = (const select_v2_t *)data;                                          \
        const uint8_t *c = (const uint8_t *)mml__ptr(ctx, d->cond);                                \
        const T *x = (const T *)mml__ptr(ctx, d->x);                                               \
        const T *y = (const T *)mml__ptr(ctx, d->y);                                               \
        T *out = (T *)mml__ptr(ctx, d->out);                                                       \
        uint32_t idx[MML_MAX_DIMS] = {0}, ic = 0, ix = 0, iy = 0;                                  \
        for (uint32_t i = 0; i < d->n; i++) {                                                      \
            out[i] = c[ic] ? x[ix] : y[iy];                                                        \
            for (uint32_t k = MML_MAX_DIMS; k-- > 0;) {                                            \
                ic += d->sc[k];                                                                    \
                ix += d->sx[k];                                                                    \
                iy += d->sy[k];                                                                    \
                if (++idx[k] < d->dims[k]) {                                                       \
                    break;                                                                         \
                }                                                                                  \
                idx[k] = 0;                                                                        \
                ic -= d->sc[k] * d->dims[k];                                                       \
                ix -= d->sx[k] * d->dims[k];                                                       \
                iy -= d->sy[k] * d->dims[k];                                                       \
            }                                                                                      \
        }                                                                                          \
        return MML_OK;                                                                             \
    }

SELECT_EVAL(eval_1, uint8_t)
SELECT_EVAL(eval_2, uint16_t)
SELECT_EVAL(eval_4, uint32_t)
SELECT_EVAL(eval_8, uint64_t)

// Right-aligned dims of t (leading 1s) and its element strides along them (0 where t has 1).
static void extend_strides(const mml__tensor_t *t, uint32_t *dims, uint32_t *strides) {
    uint32_t pad = MML_MAX_DIMS - t->rank, step = 1;
    for (uint32_t k = MML_MAX_DIMS; k-- > 0;) {
        dims[k] = k < pad ? 1 : (uint32_t)t->dims[k - pad];
        strides[k] = dims[k] == 1 ? 0 : step;
        step *= dims[k];
    }
}

mml_status_t mml__prepare_select_v2(mml_prep_t *p) {
    mml__tensor_t c, x, y, out;
    select_v2_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 3, 3, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 2)) != MML_OK ||
        (st = mml__prep_input(p, IN_COND, &c)) != MML_OK ||
        (st = mml__prep_input(p, IN_X, &x)) != MML_OK ||
        (st = mml__prep_input(p, IN_Y, &y)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK ||
        (st = mml__prep_check_dtype(p, &c, MML_BOOL)) != MML_OK) {
        return st;
    }
    if (x.dtype != out.dtype || y.dtype != out.dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "x, y and output dtypes differ");
    }
    r.elem = mml_dtype_size((mml_dtype_t)out.dtype);
    p->eval = r.elem == 1 ? eval_1
        : r.elem == 2     ? eval_2
        : r.elem == 4     ? eval_4
        : r.elem == 8     ? eval_8
                          : NULL;
    if (!p->eval) {
        return mml__ew_fail_dtype(p, out.dtype);
    }
    if (c.rank > MML_MAX_DIMS || x.rank > MML_MAX_DIMS || y.rank > MML_MAX_DIMS ||
        out.rank > MML_MAX_DIMS) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "rank above %d", MML_MAX_DIMS);
    }
    uint32_t dc[MML_MAX_DIMS], dx[MML_MAX_DIMS], dy[MML_MAX_DIMS], so[MML_MAX_DIMS];
    extend_strides(&c, dc, r.sc);
    extend_strides(&x, dx, r.sx);
    extend_strides(&y, dy, r.sy);
    extend_strides(&out, r.dims, so);
    for (uint32_t k = 0; k < MML_MAX_DIMS; k++) {
        uint32_t want = dc[k] != 1 ? dc[k] : dx[k] != 1 ? dx[k] : dy[k];
        if ((dc[k] != 1 && dc[k] != want) || (dx[k] != 1 && dx[k] != want) ||
            (dy[k] != 1 && dy[k] != want) || r.dims[k] != want) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "shapes do not broadcast to the output (dim %u)", k);
        }
    }
    r.n = out.elems;
    p->macs = 0;
    select_v2_t *d = (select_v2_t *)mml__prep_persist(p, sizeof(r));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->cond = mml__prep_loc(p, &c);
    d->x = mml__prep_loc(p, &x);
    d->y = mml__prep_loc(p, &y);
    d->out = mml__prep_loc(p, &out);
    return MML_OK;
}

#endif // MML_OP_ON(SELECT_V2)
