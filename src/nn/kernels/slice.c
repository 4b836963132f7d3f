// SPDX-License-Identifier: MIT
// SLICE: input[begin : begin + size] per axis with constant begin and size (int32 or int64;
// size -1: to the end), any fixed-size dtype; a strided copy that may run in place.
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(SLICE)

mml_status_t mml__prepare_slice(mml_prep_t *p) {
    mml__tensor_t in, out;
    int32_t begin[MML_MAX_DIMS], size[MML_MAX_DIMS];
    uint32_t nb = 0, ns = 0;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 3, 3, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 6)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK ||
        (st = mml__prep_check_elems(p, &in)) != MML_OK ||
        (st = mml__prep_check_elems(p, &out)) != MML_OK ||
        (st = mml__prep_const_ints(p, 1, "begin", begin, MML_MAX_DIMS, &nb)) != MML_OK ||
        (st = mml__prep_const_ints(p, 2, "size", size, MML_MAX_DIMS, &ns)) != MML_OK) {
        return st;
    }
    if (out.dtype != in.dtype || mml_dtype_size((mml_dtype_t)in.dtype) == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if (nb != in.rank || ns != in.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "begin and size need %u values",
            (uint32_t)in.rank);
    }
    if (out.rank != in.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output rank differs from input");
    }
    uint32_t dims[MML_MAX_DIMS];
    int32_t step[MML_MAX_DIMS];
    uint32_t base = 0, stride = 1;
    for (uint32_t k = in.rank; k-- > 0;) {
        int32_t d = in.dims[k], b = begin[k];
        int64_t n = size[k] == -1 ? (int64_t)d - b : size[k];
        if (b < 0 || b > d || n < 0 || n > (int64_t)d - b) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "axis %u: begin %d size %d outside dimension %d", k, b, size[k], d);
        }
        if (out.dims[k] != n) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "output dimension %u is %d, expected %d", k, out.dims[k], (int32_t)n);
        }
        dims[k] = (uint32_t)n;
        step[k] = (int32_t)stride;
        base += (uint32_t)b * stride;
        stride *= (uint32_t)d;
    }
    mml__copy_t c;
    mml__copy_init(&c, in.rank, dims, step, base, mml_dtype_size((mml_dtype_t)in.dtype));
    return mml__copy_finish(p, &c, &in, &out, true);
}

#endif // MML_OP_ON(SLICE)
