// SPDX-License-Identifier: MIT
// BROADCAST_TO: the input broadcast (numpy rules, right-aligned) to a constant shape, any
// fixed-size dtype; a strided copy with step 0 along broadcast axes.
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(BROADCAST_TO)

mml_status_t mml__prepare_broadcast_to(mml_prep_t *p) {
    mml__tensor_t in, out;
    int32_t shape[MML_MAX_DIMS];
    uint32_t n = 0;
    mml_status_t st = mml__prep_in_ints_out(p, 3, &in, &out, "shape", shape, MML_MAX_DIMS, &n);
    if (st != MML_OK) {
        return st;
    }
    if (out.dtype != in.dtype || mml_dtype_size((mml_dtype_t)in.dtype) == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if (n != out.rank || in.rank > out.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "shape must give the output's %u dimensions, at least the input's %u",
            (uint32_t)out.rank, (uint32_t)in.rank);
    }
    uint32_t dims[MML_MAX_DIMS];
    int32_t step[MML_MAX_DIMS];
    uint32_t stride = 1, lead = out.rank - in.rank;
    for (uint32_t k = out.rank; k-- > 0;) {
        int32_t d = k >= lead ? in.dims[k - lead] : 1;
        if (shape[k] != out.dims[k] || (d != out.dims[k] && d != 1)) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "cannot broadcast dimension %u (%d) to %d", k, d, shape[k]);
        }
        dims[k] = (uint32_t)out.dims[k];
        step[k] = d == 1 ? 0 : (int32_t)stride;
        stride *= (uint32_t)d;
    }
    mml__copy_t c;
    mml__copy_init(&c, out.rank, dims, step, 0, mml_dtype_size((mml_dtype_t)in.dtype));
    return mml__copy_finish(p, &c, &in, &out, false);
}

#endif // MML_OP_ON(BROADCAST_TO)
