// SPDX-License-Identifier: MIT
// SPACE_TO_DEPTH: [N,H,W,C] -> [N,H/b,W/b,b*b*C], each b x b block of pixels into the channels
// (row of the block, then column, then channel), any fixed-size dtype; a strided copy.
#include "nn/kernels/copy.h"
#include "nn/ops.h"

#if MML_OP_ON(SPACE_TO_DEPTH)

mml_status_t mml__prepare_space_to_depth(mml_prep_t *p) {
    mml__tensor_t in, out;
    int32_t b;
    mml_status_t st = mml__prep_block_io(p, &in, &out, &b);
    if (st != MML_OK) {
        return st;
    }
    int32_t n = in.dims[0], h = in.dims[1], w = in.dims[2], c = in.dims[3];
    if (b < 1 || h % b != 0 || w % b != 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "block size %d must divide height %d and width %d", b, h, w);
    }
    if (out.dims[0] != n || out.dims[1] != h / b || out.dims[2] != w / b ||
        out.dims[3] != (int64_t)b * b * c) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output shape is not [%d,%d,%d,%d]", n,
            h / b, w / b, b * b * c);
    }
    // Output order (n, y / b, x / b, y % b, x % b, c) walks the input with these steps.
    const uint32_t dims[6] = {(uint32_t)n, (uint32_t)(h / b), (uint32_t)(w / b), (uint32_t)b,
        (uint32_t)b, (uint32_t)c};
    const int32_t step[6] = {h * w * c, b * w * c, b * c, w * c, c, 1};
    mml__copy_t cp;
    mml__copy_init(&cp, 6, dims, step, 0, mml_dtype_size((mml_dtype_t)in.dtype));
    return mml__copy_finish(p, &cp, &in, &out, false);
}

#endif // MML_OP_ON(SPACE_TO_DEPTH)
