// SPDX-License-Identifier: MIT
// EXPAND_DIMS: inserts a size-1 dimension at a constant axis; the bytes are unchanged, so it
// runs in place like RESHAPE.
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(EXPAND_DIMS)

mml_status_t mml__prepare_expand_dims(mml_prep_t *p) {
    mml__tensor_t in, axis, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 1)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_input(p, 1, &axis)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    if ((axis.dtype != MML_INT32 && axis.dtype != MML_INT64) || axis.elems != 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis must be one int32 or int64");
    }
    if (!axis.is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant axis unsupported");
    }
    // The low 32 bits of an int64 (little-endian) are enough: the range check follows.
    int32_t a = (int32_t)mml__rd_u32(axis.data);
    if (axis.dtype == MML_INT64 && (int64_t)mml__rd_u64(axis.data) != (int64_t)a) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis out of range");
    }
    if (a < 0) {
        a += in.rank + 1;
    }
    if (a < 0 || a > in.rank || out.rank != in.rank + 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis or output rank out of range");
    }
    for (int32_t d = 0; d < out.rank; d++) {
        int32_t want = d < a ? in.dims[d] : d == a ? 1 : in.dims[d - 1];
        if (out.dims[d] != want) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output shape does not match");
        }
    }
    return mml__prepare_same_bytes(p, &in, &out);
}
#endif // MML_OP_ON(EXPAND_DIMS)
