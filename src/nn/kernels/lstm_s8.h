// SPDX-License-Identifier: MIT
// The int8 UNIDIRECTIONAL_SEQUENCE_LSTM kernel interface: a params struct filled at prepare and
// explicit pointers. `_ref` (unidirectional_sequence_lstm_s8.c) is normative: TFLite Micro's
// integer LSTM step by step; `_arm` (Cortex-M DSP) and `_x86` (x86-64 SIMD, mml_arch.h) give the
// same bytes and are proven so by tests/c/test_kernels.c. The op (unidirectional_sequence_lstm.c)
// picks the build's `_opt` variant where there is one.
#ifndef MICROML_NN_KERNELS_LSTM_S8_H
#define MICROML_NN_KERNELS_LSTM_S8_H

#include <stdint.h>
#include "nn/kernels/mml_arch.h"
#include "nn/kernels/prim_s8.h"

// Gate order of the weight and bias tensors (TFLite's lstm_shared.h: input, forget, cell, output).
enum { MML_LSTM_INPUT = 0, MML_LSTM_FORGET = 1, MML_LSTM_CELL = 2, MML_LSTM_OUTPUT = 3 };

// A rescaling x * mult * 2^(shift - 31) (core/quant.h's mml__mul_by_qm): mult 0 or in
// [2^30, 2^31), shift in [-31, 30].
typedef struct {
    int32_t mult, shift;
} mml__lstm_qm_t;

// Sizes, layout and quantization. Input [batches, steps, in_dim] ([steps, batches, in_dim] when
// time_major), output the same with state in place of in_dim; hidden h [batches, state] int8 and
// cell c [batches, state] int16, read and updated (the recurrent state).
typedef struct {
    uint32_t batches, steps, in_dim, state;
    uint8_t time_major;
    uint8_t clip;                     // cell state clipped to +-cell_clip
    int16_t cell_clip;                // in the cell's scale, [0, 32767]
    int32_t input_offset;             // -(input zero point), [-127, 128]
    int32_t hidden_offset;            // -(hidden zero point), [-127, 128]
    int32_t hidden_zp;                // hidden (and output) zero point, [-128, 127]
    int32_t w_offset[4], r_offset[4]; // -(weights zero points), [-127, 128]; 0 in TFLite models
    // Each gate's two FCs into Q3.12: input x W_g (+ bias) and hidden x R_g.
    mml__lstm_qm_t w_q[4], r_q[4];
    // forget * cell -> cell scale, input * cell gate -> cell scale, tanh(cell) * output -> hidden.
    mml__lstm_qm_t forget_q, input_q, output_q;
    // tanh(c)'s input rescaling (quant.h's mml__tanh_s16 multiplier and left_shift): multiplier
    // 0 with left_shift in [0, 14], or 3 with left_shift in [1, 30].
    int32_t tanh_mult, tanh_shift;
} mml__lstm_s8_t;

// The constant tensors: w[g] [state, in_dim], r[g] [state, state] int8, bias[g] [state] int32.
typedef struct {
    const int8_t *w[4], *r[4];
    const int32_t *bias[4];
} mml__lstm_s8_weights_t;

// What every optimized variant prepares once per call besides its gate FCs' rescalings: the cell
// update's three rescalings, tanh(c)'s input rescaling as one multiply, add and shift
// (v = (c * tanh_m + tanh_round) >> tanh_shift, quant.h's mml__tanh_s16 in int32:
// |c * tanh_m| < 2^31), the new cell's bounds (the int16 range, or the clip), whether any weights have
// a zero point, and the sigmoid table.
typedef struct {
    mml__qm_prep_t forget_q, input_q, output_q;
    int32_t tanh_m, tanh_round, tanh_shift;
    int32_t lo, hi;
    int weight_offsets;
    const uint16_t *lut;
} mml__lstm_cell_prep_t;

static inline void mml__lstm_cell_prep(const mml__lstm_s8_t *p, mml__lstm_cell_prep_t *q) {
    q->forget_q = mml__qm_prep(p->forget_q.mult, p->forget_q.shift);
    q->input_q = mml__qm_prep(p->input_q.mult, p->input_q.shift);
    q->output_q = mml__qm_prep(p->output_q.mult, p->output_q.shift);
    if (p->tanh_mult == 0) { // quant.h: multiplier 3 << left_shift, no rounding shift
        q->tanh_m = 3 << p->tanh_shift;
        q->tanh_round = 0;
        q->tanh_shift = 0;
    } else {
        q->tanh_m = p->tanh_mult;
        q->tanh_shift = p->tanh_shift;
        q->tanh_round = p->tanh_shift > 0 ? 1 << (p->tanh_shift - 1) : 0;
    }
    // The reference saturates f * c + i * g to int16, then clips to +-cell_clip (<= 32767).
    q->hi = p->clip ? p->cell_clip : 32767;
    q->lo = p->clip ? -q->hi : -32768;
    q->weight_offsets = 0;
    for (uint32_t g = 0; g < 4; g++) {
        q->weight_offsets |= p->w_offset[g] != 0 || p->r_offset[g] != 0;
    }
    q->lut = mml__sigmoid_table_u16();
}

// The reference kernel: the whole sequence, step by step. scratch:
// mml__unidirectional_sequence_lstm_s8_ref_scratch bytes, 2-aligned (the gates of one step).
uint32_t mml__unidirectional_sequence_lstm_s8_ref_scratch(const mml__lstm_s8_t *p);
void mml__unidirectional_sequence_lstm_s8_ref(const mml__lstm_s8_t *p,
    const mml__lstm_s8_weights_t *wt, const int8_t *in, int8_t *h, int16_t *c, int8_t *out,
    void *scratch);

#if MML_ARCH_ARM_DSP
// Cortex-M DSP variant: per step the input and hidden vectors plus their offsets expanded once
// to int16, then four rows of a gate at a time against them (SMLAD), then the cell and hidden
// updates. scratch: mml__unidirectional_sequence_lstm_s8_arm_scratch bytes, 4-aligned (a step's
// gates, the expanded vectors and one gate's int32 sums).
uint32_t mml__unidirectional_sequence_lstm_s8_arm_scratch(const mml__lstm_s8_t *p);
void mml__unidirectional_sequence_lstm_s8_arm(const mml__lstm_s8_t *p,
    const mml__lstm_s8_weights_t *wt, const int8_t *in, int8_t *h, int16_t *c, int8_t *out,
    void *scratch);
#elif MML_ARCH_X86
// x86-64 SIMD variant (AVX2 or SSE4.1, prim_x86.h): per step the input and hidden vectors plus
// their offsets widened once to int16, then eight rows of a gate at a time against them
// (PMADDWD) and rescaled together, then the cell and hidden updates in vectors. scratch:
// mml__unidirectional_sequence_lstm_s8_x86_scratch bytes, 2-aligned (a step's gates and the
// widened vectors).
uint32_t mml__unidirectional_sequence_lstm_s8_x86_scratch(const mml__lstm_s8_t *p);
void mml__unidirectional_sequence_lstm_s8_x86(const mml__lstm_s8_t *p,
    const mml__lstm_s8_weights_t *wt, const int8_t *in, int8_t *h, int16_t *c, int8_t *out,
    void *scratch);
#endif

// The build's optimized variant under its generic name (as nn_s8.h's), where the build's ISA has
// one (MML_OPT_LSTM_S8: the Cortex-M DSP extension and x86-64 SIMD): the op and
// tests/c/test_kernels.c call only these. Each variant takes every parameter set whose scratch
// size fits in 32 bits (every real model: for mnist_lstm_int8 416 bytes with the DSP variant, 288
// with the x86 one).
#if MML_ARCH_ARM_DSP
#define MML_OPT_LSTM_S8 1
#define mml__unidirectional_sequence_lstm_s8_opt mml__unidirectional_sequence_lstm_s8_arm
#define mml__unidirectional_sequence_lstm_s8_opt_scratch                                           \
    mml__unidirectional_sequence_lstm_s8_arm_scratch
static inline int mml__unidirectional_sequence_lstm_s8_opt_suits(const mml__lstm_s8_t *p) {
    const uint64_t nb = p->time_major ? p->batches : 1u;
    return nb * ((uint64_t)p->in_dim + 5u * (uint64_t)p->state + 4u) < ((uint64_t)1 << 28);
}
#elif MML_ARCH_X86
#define MML_OPT_LSTM_S8 1
#define mml__unidirectional_sequence_lstm_s8_opt mml__unidirectional_sequence_lstm_s8_x86
#define mml__unidirectional_sequence_lstm_s8_opt_scratch                                           \
    mml__unidirectional_sequence_lstm_s8_x86_scratch
static inline int mml__unidirectional_sequence_lstm_s8_opt_suits(const mml__lstm_s8_t *p) {
    const uint64_t nb = p->time_major ? p->batches : 1u;
    return nb * ((uint64_t)p->in_dim + 5u * (uint64_t)p->state + 4u) < ((uint64_t)1 << 28);
}
#else
#define MML_OPT_LSTM_S8 0
#endif

#endif // MICROML_NN_KERNELS_LSTM_S8_H
