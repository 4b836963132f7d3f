// SPDX-License-Identifier: MIT
// DEPTH_TO_SPACE: [N,H,W,b*b*C] -> [N,H*b,W*b,C], the inverse of SPACE_TO_DEPTH (channel groups
// become b x b blocks of pixels), any fixed-size dtype; a strided copy.
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(DEPTH_TO_SPACE)

mml_status_t mml__prepare_depth_to_space(mml_prep_t *p) {
    mml__tensor_t in, out;
    int32_t b;
    mml_status_t st = mml__prep_block_io(p, &in, &out, &b);
    if (st != MML_OK) {
        return st;
    }
    int32_t n = in.dims[0], h = in.dims[1], w = in.dims[2], cin = in.dims[3];
    if (b < 1 || cin % ((int64_t)b * b) != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "block size %d squared must divide depth %d", b, cin);
    }
    int32_t c = cin / (b * b);
    if (out.dims[0] != n || out.dims[1] != (int64_t)h * b || out.dims[2] != (int64_t)w * b ||
        out.dims[3] != c) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output shape is not [%d,%d,%d,%d]", n,
            h * b, w * b, c);
    }
    // Output order (n, y / b, y % b, x / b, x % b, c) walks the input with these steps.
    const uint32_t dims[6] = {(uint32_t)n, (uint32_t)h, (uint32_t)b, (uint32_t)w, (uint32_t)b,
        (uint32_t)c};
    const int32_t step[6] = {h * w * cin, w * cin, b * c, cin, c, 1};
    mml__copy_t cp;
    mml__copy_init(&cp, 6, dims, step, 0, mml_dtype_size((mml_dtype_t)in.dtype));
    return mml__copy_finish(p, &cp, &in, &out, false);
}

#endif // MML_OP_ON(DEPTH_TO_SPACE)
