// SPDX-License-Identifier: MIT
// SQUEEZE: drops size-1 dimensions (all, or those in squeeze_dims); the bytes are unchanged, so
// it runs in place like RESHAPE.
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(SQUEEZE)

enum { OPT_SQUEEZE_DIMS = 0 };

mml_status_t mml__prepare_squeeze(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 2)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    int32_t axes[MML_MAX_DIMS];
    uint32_t n = mml__opt_i32_vec(p, OPT_SQUEEZE_DIMS, axes, MML_MAX_DIMS);
    uint8_t drop[MML_MAX_DIMS] = {0};
    for (uint32_t i = 0; i < n; i++) {
        int32_t a = axes[i] < 0 ? axes[i] + in.rank : axes[i];
        if (a < 0 || a >= in.rank || in.dims[a] != 1) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "cannot squeeze dimension %d", axes[i]);
        }
        drop[a] = 1;
    }
    // The expected output shape: the input's, less the squeezed dimensions.
    uint32_t rank = 0;
    int ok = 1;
    for (uint32_t d = 0; d < in.rank; d++) {
        if (n ? drop[d] : in.dims[d] == 1) {
            continue;
        }
        ok = ok && rank < out.rank && out.dims[rank] == in.dims[d];
        rank++;
    }
    if (!ok || rank != out.rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output shape does not match");
    }
    return mml__prepare_same_bytes(p, &in, &out);
}
#endif // MML_OP_ON(SQUEEZE)
