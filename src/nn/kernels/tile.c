// SPDX-License-Identifier: MIT
// TILE: the input repeated multiples[k] times along each axis (constant int32/int64 multiples),
// any fixed-size dtype; a strided copy walking (tile, element) per axis.
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(TILE)

mml_status_t mml__prepare_tile(mml_prep_t *p) {
    mml__tensor_t in, out;
    int32_t mult[MML_MAX_DIMS];
    uint32_t n = 0;
    mml_status_t st = mml__prep_in_ints_out(p, 3, &in, &out, "multiples", mult, MML_MAX_DIMS, &n);
    if (st != MML_OK) {
        return st;
    }
    if (out.dtype != in.dtype || mml_dtype_size((mml_dtype_t)in.dtype) == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if (n != in.rank || out.rank != in.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "multiples and output need the input's rank %u", (uint32_t)in.rank);
    }
    uint32_t dims[MML_COPY_DIMS];
    int32_t step[MML_COPY_DIMS];
    uint32_t stride = 1;
    for (uint32_t k = in.rank; k-- > 0;) {
        if (mult[k] < 1 || out.dims[k] != (int64_t)in.dims[k] * mult[k]) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "output dimension %u is %d, not %d x multiple %d", k, out.dims[k], in.dims[k],
                mult[k]);
        }
        dims[2 * k] = (uint32_t)mult[k];
        step[2 * k] = 0;
        dims[2 * k + 1] = (uint32_t)in.dims[k];
        step[2 * k + 1] = (int32_t)stride;
        stride *= (uint32_t)in.dims[k];
    }
    mml__copy_t c;
    mml__copy_init(&c, 2 * in.rank, dims, step, 0, mml_dtype_size((mml_dtype_t)in.dtype));
    return mml__copy_finish(p, &c, &in, &out, false);
}

#endif // MML_OP_ON(TILE)
