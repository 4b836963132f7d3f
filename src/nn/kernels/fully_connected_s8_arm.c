// SPDX-License-Identifier: MIT
// FULLY_CONNECTED int8, Cortex-M DSP variant (nn_s8.h), weights offset 0: each input row
// expanded once to int16, two weight rows at a time by SMLAD, the input offset folded into
// kbias; equal to mml__fully_connected_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_arm.h"
#include "nn/kernels/prim_s8.h"
#include "nn/ops.h"

#if MML_ARCH_ARM_DSP && MML_OP_ON(FULLY_CONNECTED)

uint32_t mml__fully_connected_s8_arm_scratch(const mml__fc_s8_t *p) {
    return 2u * ((p->depth + 1u) & ~1u);
}

// The reference's output stage: the offset added without wrapping.
static inline int8_t out_s8(uint32_t acc, const mml__quant_s8_t *q, uint32_t qi) {
    int64_t v = (int64_t)mml__requant_i32(acc, q->mult[qi], q->shift[qi]) + q->output_offset;
    return (int8_t)(v < q->act_min ? q->act_min : v > q->act_max ? q->act_max : v);
}

void mml__fully_connected_s8_arm(const mml__fc_s8_t *p, const int8_t *in, const int8_t *weights,
    const int32_t *kbias, int8_t *out, void *scratch) {
    const int32_t depth = (int32_t)p->depth;
    const uint32_t units = p->units, pc = p->per_channel;
    int16_t *col = (int16_t *)scratch;
    for (uint32_t b = 0; b < p->batches; b++) {
        mml__expand_q15r(in + (size_t)b * depth, col, depth, 0);
        int8_t *o = out + (size_t)b * units;
        const int8_t *w = weights;
        uint32_t u = 0;
        for (; u + 1 < units; u += 2, w += 2 * (size_t)depth) {
            uint32_t acc[2] = {(uint32_t)kbias[u], (uint32_t)kbias[u + 1]};
            mml__dot_2x1_s8_q15r(w, w + depth, col, depth, acc);
            o[u] = out_s8(acc[0], &p->q, pc * u);
            o[u + 1] = out_s8(acc[1], &p->q, pc * (u + 1));
        }
        if (u < units) {
            o[u] = out_s8(mml__dot_1x1_s8_q15r(w, col, depth, (uint32_t)kbias[u]), &p->q, pc * u);
        }
    }
}
#endif // MML_ARCH_ARM_DSP && MML_OP_ON(FULLY_CONNECTED)
