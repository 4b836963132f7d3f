// SPDX-License-Identifier: MIT
// FULLY_CONNECTED int8, Cortex-M DSP variant (nn_s8.h), weights offset 0: each input row plus
// the input offset expanded once to int16, four weight rows at a time by SMLAD (the last
// units % 4 one at a time); equal to mml__fully_connected_s8_ref.
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_arm.h"
#include "nn/kernels/prim_rq_arm.h"
#include "nn/kernels/prim_s8.h"
#include "nn/ops.h"

#if MML_ARCH_ARM_DSP && MML_OP_ON(FULLY_CONNECTED)

// The input row is expanded FC_CHUNK values at a time, so that a long row (micro_speech: 4000)
// does not cost 2 bytes of scratch per value; with more than one chunk the units' running sums
// sit in scratch too (2 * 256 + 4 * units bytes). The requantization table (prim_rq_arm.h, one
// entry per unit or one for all) comes first.
#define FC_CHUNK 256u

static uint32_t rq_entries(const mml__fc_s8_t *p) {
    return p->per_channel ? p->units : 1u;
}

uint32_t mml__fully_connected_s8_arm_scratch(const mml__fc_s8_t *p) {
    const uint32_t rq = mml__rq_bytes(rq_entries(p));
    if (p->depth <= FC_CHUNK) {
        return rq + 2u * ((p->depth + 1u) & ~1u);
    }
    return rq + 2u * FC_CHUNK + 4u * p->units;
}

// The reference's output stage, the offset added without wrapping: for layers the
// requantization table refuses (out of line: rare, and its code once).
__attribute__((noinline)) static int8_t fc_out_ref(uint32_t acc, const mml__quant_s8_t *q,
    uint32_t qi) {
    int64_t v = (int64_t)mml__requant_i32(acc, q->mult[qi], q->shift[qi]) + q->output_offset;
    return (int8_t)(v < q->act_min ? q->act_min : v > q->act_max ? q->act_max : v);
}

// One output: the table's (fast), else the reference's.
static inline int8_t out_s8(uint32_t acc, const mml__quant_s8_t *q, uint32_t qi, int fast,
    const mml__rq_t *rq, const uint8_t *sh) {
    if (fast) {
        return mml__rq_s8(acc, rq + qi, sh[qi], 0, q->act_min, q->act_max);
    }
    return fc_out_ref(acc, q, qi);
}

// The dot products, out of line: used by both the chunks and the last (or only) one.
__attribute__((noinline)) static void dot4(const int8_t *w, int32_t stride, int32_t n,
    const int16_t *c, uint32_t acc[4]) {
    mml__dot_4x1_s8_q15r(w, stride, n, c, acc);
}

__attribute__((noinline)) static uint32_t dot1(const int8_t *w, const int16_t *c, int32_t n,
    uint32_t acc) {
    return mml__dot_1x1_s8_q15r(w, c, n, acc);
}

void mml__fully_connected_s8_arm(const mml__fc_s8_t *p, const int8_t *in, const int8_t *weights,
    const int32_t *bias, int8_t *out, void *scratch) {
    const int32_t depth = (int32_t)p->depth;
    const uint32_t units = p->units, pc = p->per_channel;
    mml__rq_t *rq;
    uint8_t *sh;
    const int fast = mml__rq_build(&p->q, rq_entries(p), scratch, &rq, &sh);
    const int32_t lo = p->q.act_min, hi = p->q.act_max;
    const int full = lo == -128 && hi == 127;
    int16_t *col = (int16_t *)(void *)((uint8_t *)scratch + mml__rq_bytes(rq_entries(p)));
    uint32_t *sums = (uint32_t *)(void *)(col + FC_CHUNK); // only with more than one chunk
    for (uint32_t b = 0; b < p->batches; b++) {
        const int8_t *row = in + (size_t)b * depth;
        int8_t *o = out + (size_t)b * units;
        // A long row: every chunk but the last summed into sums (from the bias), which then
        // stand in for the bias of the last chunk, taken as a short row is.
        const int32_t *init = bias;
        if (depth > (int32_t)FC_CHUNK) {
            for (uint32_t u = 0; u < units; u++) {
                sums[u] = bias ? (uint32_t)bias[u] : 0u;
            }
            init = (const int32_t *)sums;
        }
        int32_t k0 = 0, n;
        const int8_t *w;
        for (;; k0 += (int32_t)FC_CHUNK) {
            n = depth - k0 < (int32_t)FC_CHUNK ? depth - k0 : (int32_t)FC_CHUNK;
            mml__expand_q15r(row + k0, col, n, p->q.input_offset);
            w = weights + k0;
            if (depth - k0 == n) {
                break; // the last chunk
            }
            uint32_t u = 0;
            for (; u + 3 < units; u += 4, w += 4 * (size_t)depth) {
                dot4(w, depth, n, col, sums + u);
            }
            for (; u < units; u++, w += depth) {
                sums[u] = dot1(w, col, n, sums[u]);
            }
        }
        uint32_t u = 0;
        for (; u + 3 < units; u += 4, w += 4 * (size_t)depth) {
            uint32_t acc[4] = {0, 0, 0, 0};
            if (init) {
                memcpy(acc, init + u, sizeof(acc));
            }
            dot4(w, depth, n, col, acc);
            if (fast) { // per tensor (pc 0): one entry for all four
                const mml__rq_t *r = rq + pc * u;
                const uint8_t *s = sh + pc * u;
                o[u] = mml__rq_s8(acc[0], r, s[0], full, lo, hi);
                o[u + 1] = mml__rq_s8(acc[1], r + pc, s[pc], full, lo, hi);
                o[u + 2] = mml__rq_s8(acc[2], r + 2 * pc, s[2 * pc], full, lo, hi);
                o[u + 3] = mml__rq_s8(acc[3], r + 3 * pc, s[3 * pc], full, lo, hi);
                continue;
            }
            for (uint32_t i = 0; i < 4; i++) {
                o[u + i] = fc_out_ref(acc[i], &p->q, pc * (u + i));
            }
        }
        for (; u < units; u++, w += depth) { // the last units % 4
            o[u] = out_s8(dot1(w, col, n, init ? (uint32_t)init[u] : 0u), &p->q, pc * u, fast, rq,
                sh);
        }
    }
}
#endif // MML_ARCH_ARM_DSP && MML_OP_ON(FULLY_CONNECTED)
