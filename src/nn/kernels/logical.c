// SPDX-License-Identifier: MIT
// LOGICAL_AND, LOGICAL_OR (NumPy broadcasting) and LOGICAL_NOT on bool tensors, as TFLite Micro.
// Bools are read and written as bytes: any nonzero byte is true, outputs are 0 or 1.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(LOGICAL_AND) || MML_OP_ON(LOGICAL_OR) || MML_OP_ON(LOGICAL_NOT)

MML_EW_BINARY_EVAL(eval_and, mml__ew_binary_t, uint8_t, x != 0 && y != 0)
MML_EW_BINARY_EVAL(eval_or, mml__ew_binary_t, uint8_t, x != 0 || y != 0)
MML_EW_UNARY_EVAL(eval_not, mml__ew_unary_t, uint8_t, x == 0)

static mml_status_t prepare_binary(mml_prep_t *p, mml__eval_fn eval) {
    mml__tensor_t a, b, out;
    mml__ew_binary_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_binary(p, 1, &a, &b, &out, &r.bc);
    if (st != MML_OK || (st = mml__prep_check_dtype(p, &out, MML_BOOL)) != MML_OK) {
        return st;
    }
    p->eval = eval;
    return mml__ew_binary_store(p, &r, sizeof(r), &a, &b, &out);
}

mml_status_t mml__prepare_logical_and(mml_prep_t *p) {
    return prepare_binary(p, eval_and);
}

mml_status_t mml__prepare_logical_or(mml_prep_t *p) {
    return prepare_binary(p, eval_or);
}

mml_status_t mml__prepare_logical_not(mml_prep_t *p) {
    mml__tensor_t in, out;
    mml__ew_unary_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 1, &in, &out, &r);
    if (st != MML_OK || (st = mml__prep_check_dtype(p, &out, MML_BOOL)) != MML_OK) {
        return st;
    }
    p->eval = eval_not;
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}

#endif // MML_OP_ON(LOGICAL_AND) || MML_OP_ON(LOGICAL_OR) || MML_OP_ON(LOGICAL_NOT)
