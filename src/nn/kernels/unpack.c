// SPDX-License-Identifier: MIT
// UNPACK: splits a tensor into its N slices along one axis (dropping that axis), any fixed-size
// dtype (bytes are copied).
#include "nn/kernels/split.h"
#include "nn/ops.h"
#if MML_OP_ON(UNPACK)

enum { OPT_NUM = 0, OPT_AXIS = 1 };

mml_status_t mml__prepare_unpack(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml_status_t st;
    uint32_t n = mml__prep_n_outputs(p);
    if ((st = mml__prep_check_io(p, 1, 1, n)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK) {
        return st;
    }
    int32_t axis = mml__opt_i32(p, OPT_AXIS, 0);
    if (axis < 0) {
        axis += in.rank;
    }
    if (axis < 0 || axis >= in.rank || n == 0 || (uint32_t)in.dims[axis] != n) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "axis %d or %u outputs invalid",
            mml__opt_i32(p, OPT_AXIS, 0), n);
    }
    int32_t num = mml__opt_i32(p, OPT_NUM, 0);
    if (num != 0 && (uint32_t)num != n) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "num %d differs from %u outputs", num, n);
    }
    for (uint32_t i = 0; i < n; i++) {
        if ((st = mml__prep_output(p, i, &out)) != MML_OK) {
            return st;
        }
        int same = out.dtype == in.dtype && out.rank + 1 == in.rank;
        for (int32_t d = 0; same && d < out.rank; d++) {
            same = out.dims[d] == in.dims[d < axis ? d : d + 1];
        }
        if (!same) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output %u shape or dtype invalid", i);
        }
    }
    return mml__split_finish(p, &in, axis, 1, n);
}
#endif // MML_OP_ON(UNPACK)
