// SPDX-License-Identifier: MIT
// NEG: -x on float32, int32 and int64 (wrapping), as TFLite's reference kernel.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(NEG)

MML_EW_UNARY_EVAL(eval_f32, mml__ew_unary_t, float, -x)
MML_EW_UNARY_EVAL(eval_s32, mml__ew_unary_t, int32_t, (int32_t)(0u - (uint32_t)x))
MML_EW_UNARY_EVAL(eval_s64, mml__ew_unary_t, int64_t, (int64_t)(0u - (uint64_t)x))

mml_status_t mml__prepare_neg(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__ew_unary_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 2, &in, &out, &r);
    if (st != MML_OK) {
        return st;
    }
    if (in.scales.n) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "quantized NEG unsupported");
    }
    p->eval = in.dtype == MML_FLOAT32 ? eval_f32
        : in.dtype == MML_INT32       ? eval_s32
        : in.dtype == MML_INT64       ? eval_s64
                                      : NULL;
    if (!p->eval) {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}

#endif // MML_OP_ON(NEG)
