// SPDX-License-Identifier: MIT
// ELU: x < 0 ? exp(x) - 1 : x. float32 (expm1) and int8 through TFLite Micro's 256-entry table,
// built at prepare.
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(ELU)

typedef struct {
    mml__ew_unary_t io;
    int8_t lut[256]; // output for input value v at lut[v + 128]
} elu_t;

// TFLite Micro's table transform (exp(x) - 1, not expm1).
static float elu_table_fn(float x) {
    return x < 0.0f ? mml__expf(x) - 1.0f : x;
}

MML_EW_UNARY_EVAL(eval_s8, elu_t, int8_t, d->lut[x + 128])
MML_EW_UNARY_EVAL(eval_f32, elu_t, float, x < 0.0f ? mml__expm1f(x) : x)

mml_status_t mml__prepare_elu(mml_prep_t *p) {
    mml__tensor_t in, out;
    elu_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 2, &in, &out, &r.io);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype == MML_INT8) {
        if ((st = mml__ew_lut_s8(p, &in, &out, elu_table_fn, r.lut)) != MML_OK) {
            return st;
        }
        p->eval = eval_s8;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}

#endif // MML_OP_ON(ELU)
