// SPDX-License-Identifier: MIT
// MAXIMUM: output = input1 > input2 ? input1 : input2, NumPy broadcasting; int8, uint8, int16,
// int32, float32. Quantized values compare raw (TFLite assumes equal quantization everywhere).
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"
#if MML_OP_ON(MAXIMUM)

#define EVAL(NAME, T) MML_EW_BINARY_EVAL(NAME, mml__ew_binary_t, T, x > y ? x : y)
EVAL(eval_s8, int8_t)
EVAL(eval_u8, uint8_t)
EVAL(eval_s16, int16_t)
EVAL(eval_s32, int32_t)
EVAL(eval_f32, float)

mml_status_t mml__prepare_maximum(mml_prep_t *p) {
    static const mml__ew_evals_t evals = {eval_s8, eval_u8, eval_s16, eval_s32, eval_f32};
    return mml__ew_binary_raw_prepare(p, 4, &evals);
}
#endif // MML_OP_ON(MAXIMUM)
