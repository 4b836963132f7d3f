// SPDX-License-Identifier: MIT
// FULLY_CONNECTED int8, x86-64 SIMD variant (nn_s8.h; AVX2 or SSE4.1, prim_x86.h), weights
// offset 0: eight weight rows at a time against the input row, widened to int16 with the input
// offset added as it is read (PMADDWD), eight units requantized together; no scratch. Equal to
// mml__fully_connected_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_x86.h"
#include "nn/ops.h"

#if MML_ARCH_X86 && MML_OP_ON(FULLY_CONNECTED)

uint32_t mml__fully_connected_s8_x86_scratch(const mml__fc_s8_t *p) {
    return 0;
}

void mml__fully_connected_s8_x86(const mml__fc_s8_t *p, const int8_t *in, const int8_t *weights,
    const int32_t *bias, int8_t *out, void *scratch) {
    const int32_t depth = (int32_t)p->depth, units = (int32_t)p->units;
    const int32_t dfull = depth - depth % MML_X86_K; // the rest scalar: no load past a row's end
    const int32_t in_offset = p->q.input_offset;
    const mml__x86_v off16 = mml__x86_set1_16(in_offset);
    const int32_t off = p->q.output_offset, lo = p->q.act_min, hi = p->q.act_max;
    for (uint32_t b = 0; b < p->batches; b++) {
        const int8_t *row = in + (size_t)b * depth;
        int8_t *o = out + (size_t)b * units;
        for (int32_t u0 = 0; u0 < units; u0 += 8) {
            const int32_t n = units - u0 < 8 ? units - u0 : 8;
            const int8_t *r[8];
            int32_t acc[8], m8[8];
            int8_t s8[8];
            for (int32_t j = 0; j < 8; j++) { // past units: the last row again (not stored)
                const int32_t u = u0 + (j < n ? j : n - 1);
                r[j] = weights + (size_t)u * depth;
                acc[j] = bias ? bias[u] : 0;
                const int32_t qi = p->per_channel ? u : 0;
                m8[j] = p->q.mult[qi];
                s8[j] = p->q.shift[qi];
            }
            mml__x86_v v[8];
            for (int32_t j = 0; j < 8; j++) {
                v[j] = mml__x86_zero();
            }
            for (int32_t kb = 0; kb < dfull; kb += MML_X86_K) {
                const mml__x86_v x = mml__x86_widen(row + kb, off16);
                for (int32_t j = 0; j < 8; j++) {
                    v[j] = mml__x86_madd_v(v[j], x, r[j] + kb);
                }
            }
            mml__x86_hsum8(v, acc, acc);
            for (int32_t k = dfull; k < depth; k++) {
                const int32_t x = row[k] + in_offset;
                for (int32_t j = 0; j < n; j++) {
                    acc[j] = (int32_t)((uint32_t)acc[j] + (uint32_t)(r[j][k] * x));
                }
            }
            mml__x86_requant8(acc, m8, s8, off, lo, hi, 0, o + u0, n);
        }
    }
}
#endif // MML_ARCH_X86 && MML_OP_ON(FULLY_CONNECTED)
