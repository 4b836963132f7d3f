// SPDX-License-Identifier: MIT
// FULLY_CONNECTED int8, scalar variant for cores without DSP instructions (Cortex-M0/M0+/M3,
// RISC-V rv32imc; nn_s8.h): the input row plus its offset widened once to int32, four weight
// rows at a time against it; equal to mml__fully_connected_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_s8.h"
#include "nn/kernels/prim_scalar.h"
#include "nn/ops.h"

#if MML_ARCH_SCALAR && MML_OP_ON(FULLY_CONNECTED)

// The input row is widened FC_CHUNK values at a time (4 bytes each); with more than one chunk
// the units' running sums sit in scratch after it (4 * units bytes).
#define FC_CHUNK 128u

uint32_t mml__fully_connected_s8_scalar_scratch(const mml__fc_s8_t *p) {
    if (p->depth <= FC_CHUNK) {
        return 4u * p->depth;
    }
    return 4u * FC_CHUNK + 4u * p->units;
}

// The reference's output stage: the offset added without wrapping.
static inline int8_t out_s8(uint32_t acc, const mml__quant_s8_t *q, uint32_t qi) {
    int64_t v = (int64_t)mml__requant_i32(acc, q->mult[qi], q->shift[qi]) + q->output_offset;
    return (int8_t)(v < q->act_min ? q->act_min : v > q->act_max ? q->act_max : v);
}

void mml__fully_connected_s8_scalar(const mml__fc_s8_t *p, const int8_t *in,
    const int8_t *weights, const int32_t *bias, int8_t *out, void *scratch) {
    const int32_t depth = (int32_t)p->depth;
    const uint32_t units = p->units, pc = p->per_channel;
    int32_t *col = (int32_t *)scratch;
    uint32_t *sums = (uint32_t *)(col + FC_CHUNK); // only with more than one chunk
    const int chunked = depth > (int32_t)FC_CHUNK;
    for (uint32_t b = 0; b < p->batches; b++) {
        const int8_t *row = in + (size_t)b * depth;
        int8_t *o = out + (size_t)b * units;
        uint32_t *acc = chunked ? sums : NULL;
        if (chunked) {
            for (uint32_t u = 0; u < units; u++) {
                sums[u] = bias ? (uint32_t)bias[u] : 0u;
            }
        }
        for (int32_t k0 = 0; k0 < depth; k0 += (int32_t)FC_CHUNK) {
            const int32_t n = depth - k0 < (int32_t)FC_CHUNK ? depth - k0 : (int32_t)FC_CHUNK;
            mml__widen_s8(row + k0, col, n, p->q.input_offset);
            const int8_t *w = weights + k0;
            uint32_t u = 0;
            for (; u + 3 < units; u += 4, w += 4 * (size_t)depth) {
                uint32_t sum[4];
                for (uint32_t r = 0; r < 4; r++) {
                    sum[r] = acc ? acc[u + r] : bias ? (uint32_t)bias[u + r] : 0u;
                }
                mml__dot_4r_s8_i32(w, depth, col, n, sum);
                for (uint32_t r = 0; r < 4; r++) {
                    if (acc) {
                        acc[u + r] = sum[r];
                    } else {
                        o[u + r] = out_s8(sum[r], &p->q, pc * (u + r));
                    }
                }
            }
            for (; u < units; u++, w += depth) {
                uint32_t s = acc ? acc[u] : bias ? (uint32_t)bias[u] : 0u;
                s = mml__dot_1r_s8_i32(w, col, n, s);
                if (acc) {
                    acc[u] = s;
                } else {
                    o[u] = out_s8(s, &p->q, pc * u);
                }
            }
        }
        if (chunked) {
            for (uint32_t u = 0; u < units; u++) {
                o[u] = out_s8(sums[u], &p->q, pc * u);
            }
        }
    }
}
#endif // MML_ARCH_SCALAR && MML_OP_ON(FULLY_CONNECTED)
