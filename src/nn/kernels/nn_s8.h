// SPDX-License-Identifier: MIT
// The int8 kernel interface of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: plain functions
// with a small params struct and explicit pointers. `_ref` is normative (TFLite's reference
// loops, always built); the variants beside it (`_arm`: Cortex-M DSP, `_x86`: x86-64 SIMD,
// mml_arch.h) give the same bytes and are proven so by tests/c/test_kernels.c. The ops' prepare
// functions (conv2d.c, depthwise_conv2d.c, fully_connected.c) pick a variant when the op suits it.
#ifndef MICROML_NN_KERNELS_NN_S8_H
#define MICROML_NN_KERNELS_NN_S8_H

#include <stdint.h>
#include "nn/kernels/mml_arch.h"
#include "nn/kernels/window.h"

// Requantization of an int8 output channel c: the sum (bias included) times mult[c] * 2^shift[c]
// (core/quant.h), plus output_offset, clamped to [act_min, act_max].
typedef struct {
    int32_t input_offset;  // -(input zero point), [-127, 128]
    int32_t output_offset; // output zero point, [-128, 127]
    int32_t act_min, act_max;
    const int32_t *mult; // [channels] Q0.31 multipliers
    const int8_t *shift; // [channels] exponents in [-31, 31]
} mml__quant_s8_t;

// CONV_2D and DEPTHWISE_CONV_2D: input [N,H,W,in_c], output [N,OH,OW,out_c] (geometry in w).
// Conv filter [out_c,KH,KW,filt_c] (filt_c = in_c / groups, out_c a multiple of the groups);
// depthwise filter [1,KH,KW,out_c] with out_c = in_c * depth_multiplier.
typedef struct {
    mml__window_t w;
    int32_t in_c, out_c;
    int32_t filt_c;           // conv only
    int32_t depth_multiplier; // depthwise only
    mml__quant_s8_t q;        // channels = out_c
} mml__conv_s8_t;

// FULLY_CONNECTED: input [batches, depth], weights [units, depth], output [batches, units].
typedef struct {
    uint32_t batches, depth, units;
    int32_t weights_offset; // -(weights zero point), per-tensor weights only (else 0)
    uint8_t per_channel;    // q.mult/q.shift: units entries (1), or one for all (0)
    mml__quant_s8_t q;
} mml__fc_s8_t;

// The reference kernels. bias: [out_c] int32, or NULL for none. Sums wrap as TFLite's int32.
void mml__conv2d_s8_ref(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out);
void mml__depthwise_conv2d_s8_ref(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out);
void mml__fully_connected_s8_ref(const mml__fc_s8_t *p, const int8_t *in, const int8_t *weights,
    const int32_t *bias, int8_t *out);

#if MML_ARCH_ARM_DSP
// Cortex-M DSP CONV_2D (groups 1 only, any size, stride, dilation, padding): output pixels two at
// a time, each one's window plus the input offset gathered into an int16 column (taps in the
// padding: 0), then two filter rows at a time against both columns (SMLAD). bias as the
// reference's. scratch: mml__conv2d_s8_arm_scratch bytes, 4-aligned (the columns, and the
// requantization table of prim_rq_arm.h, built at the start of each call).
uint32_t mml__conv2d_s8_arm_scratch(const mml__conv_s8_t *p);
void mml__conv2d_s8_arm(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, void *scratch);
// Cortex-M DSP DEPTHWISE_CONV_2D (depth multiplier 1 or a multiple of 4): four channels at a
// time with SXTAB16 (input plus offset) and SMLABB/SMLATT (eight for multiples of 8); bias as
// the reference's (NULL: none). 3x3 filters with depth multiplier 1 take every pixel through one
// unrolled path. scratch (mml__depthwise_conv2d_s8_arm_scratch bytes, 4-aligned): the
// requantization table (prim_rq_arm.h, 9 bytes per channel), and for the 3x3 path a row of the
// input zero point for the taps in the padding and the biases with the offset folded in (14
// bytes per channel in all).
uint32_t mml__depthwise_conv2d_s8_arm_scratch(const mml__conv_s8_t *p);
void mml__depthwise_conv2d_s8_arm(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, void *scratch);
// Cortex-M DSP FULLY_CONNECTED (weights_offset 0): each input row plus the input offset
// expanded to int16 (256 values at a time), then four weight rows at a time (SMLAD). bias as the
// reference's. scratch: mml__fully_connected_s8_arm_scratch bytes, 4-aligned (with the
// requantization table: 9 bytes per unit, or 12 for a per-tensor quantization).
uint32_t mml__fully_connected_s8_arm_scratch(const mml__fc_s8_t *p);
void mml__fully_connected_s8_arm(const mml__fc_s8_t *p, const int8_t *in, const int8_t *weights,
    const int32_t *bias, int8_t *out, void *scratch);
#endif

#if MML_ARCH_SCALAR
// Scalar CONV_2D (groups 1 only) for cores without DSP instructions: output pixels two at a time,
// each one's window plus the input offset gathered into an int32 column (taps in the padding: 0;
// the two columns interleaved), then each filter row against both (each weight loaded once).
// bias as the reference's. scratch: mml__conv2d_s8_scalar_scratch bytes (8 per window value).
uint32_t mml__conv2d_s8_scalar_scratch(const mml__conv_s8_t *p);
void mml__conv2d_s8_scalar(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, void *scratch);
// Scalar DEPTHWISE_CONV_2D (any depth multiplier): windows wholly inside the input sum x * f with
// the input offset folded into the bias (depth multiplier 1: every channel of the pixel tap by
// tap, 3x3 in one call), the others as the reference. bias as the reference's. scratch: 8 bytes
// per output channel (the biases plus offset times the sum of the channel's taps; a pixel's sums).
uint32_t mml__depthwise_conv2d_s8_scalar_scratch(const mml__conv_s8_t *p);
void mml__depthwise_conv2d_s8_scalar(const mml__conv_s8_t *p, const int8_t *in,
    const int8_t *filter, const int32_t *bias, int8_t *out, void *scratch);
// Scalar FULLY_CONNECTED (weights_offset 0): each input row plus the input offset widened to
// int32 (128 values at a time), then two weight rows at a time against it. bias as the
// reference's. scratch: mml__fully_connected_s8_scalar_scratch bytes.
uint32_t mml__fully_connected_s8_scalar_scratch(const mml__fc_s8_t *p);
void mml__fully_connected_s8_scalar(const mml__fc_s8_t *p, const int8_t *in,
    const int8_t *weights, const int32_t *bias, int8_t *out, void *scratch);
#endif

#if MML_ARCH_X86
// x86-64 SIMD CONV_2D (groups 1 only; AVX2 or SSE4.1, prim_x86.h): each output pixel's window
// plus the input offset gathered into an int16 column, eight filter rows at a time against it
// (PMADDWD). bias as the reference's. scratch: mml__conv2d_s8_x86_scratch bytes: the column, the
// window and the last filter rows' partial blocks of weights.
uint32_t mml__conv2d_s8_x86_scratch(const mml__conv_s8_t *p);
void mml__conv2d_s8_x86(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, void *scratch);
// x86-64 SIMD DEPTHWISE_CONV_2D (depth multiplier 1 or a multiple of 8): output channels in the
// vector lanes, the taps inside the input only. bias as the reference's. No scratch
// (mml__depthwise_conv2d_s8_x86_scratch: 0).
uint32_t mml__depthwise_conv2d_s8_x86_scratch(const mml__conv_s8_t *p);
void mml__depthwise_conv2d_s8_x86(const mml__conv_s8_t *p, const int8_t *in, const int8_t *filter,
    const int32_t *bias, int8_t *out, void *scratch);
// x86-64 SIMD FULLY_CONNECTED (weights_offset 0): eight weight rows at a time against the input
// row, widened with the offset added as it is read (PMADDWD). bias as the reference's. No
// scratch (mml__fully_connected_s8_x86_scratch: 0).
uint32_t mml__fully_connected_s8_x86_scratch(const mml__fc_s8_t *p);
void mml__fully_connected_s8_x86(const mml__fc_s8_t *p, const int8_t *in, const int8_t *weights,
    const int32_t *bias, int8_t *out, void *scratch);
#endif

// The build's optimized variants (MML_ARCH_OPT): the ops and tests/c/test_kernels.c call only
// these names. Each ISA maps them onto its own functions and says which parameters its
// variants take (`_suits`, checked once at prepare; the others run `_ref`). `_scratch` gives the
// arena scratch a variant needs for those parameters (bytes, 4-aligned; 0 for none).
#if MML_ARCH_ARM_DSP
#define mml__conv2d_s8_opt mml__conv2d_s8_arm
#define mml__conv2d_s8_opt_scratch mml__conv2d_s8_arm_scratch
#define mml__depthwise_conv2d_s8_opt mml__depthwise_conv2d_s8_arm
#define mml__depthwise_conv2d_s8_opt_scratch mml__depthwise_conv2d_s8_arm_scratch
#define mml__fully_connected_s8_opt mml__fully_connected_s8_arm
#define mml__fully_connected_s8_opt_scratch mml__fully_connected_s8_arm_scratch
static inline int mml__conv2d_s8_opt_suits(const mml__conv_s8_t *p) {
    return p->filt_c == p->in_c; // no groups
}
static inline int mml__depthwise_conv2d_s8_opt_suits(const mml__conv_s8_t *p) {
    return p->depth_multiplier == 1 || p->depth_multiplier % 4 == 0;
}
static inline int mml__fully_connected_s8_opt_suits(const mml__fc_s8_t *p) {
    return p->weights_offset == 0; // TFLite's int8 models
}
#elif MML_ARCH_SCALAR
#define mml__conv2d_s8_opt mml__conv2d_s8_scalar
#define mml__conv2d_s8_opt_scratch mml__conv2d_s8_scalar_scratch
#define mml__depthwise_conv2d_s8_opt mml__depthwise_conv2d_s8_scalar
#define mml__depthwise_conv2d_s8_opt_scratch mml__depthwise_conv2d_s8_scalar_scratch
#define mml__fully_connected_s8_opt mml__fully_connected_s8_scalar
#define mml__fully_connected_s8_opt_scratch mml__fully_connected_s8_scalar_scratch
static inline int mml__conv2d_s8_opt_suits(const mml__conv_s8_t *p) {
    return p->filt_c == p->in_c; // no groups
}
static inline int mml__depthwise_conv2d_s8_opt_suits(const mml__conv_s8_t *p) {
    (void)p;
    return 1;
}
static inline int mml__fully_connected_s8_opt_suits(const mml__fc_s8_t *p) {
    return p->weights_offset == 0; // TFLite's int8 models
}
#elif MML_ARCH_X86
#define mml__conv2d_s8_opt mml__conv2d_s8_x86
#define mml__conv2d_s8_opt_scratch mml__conv2d_s8_x86_scratch
#define mml__depthwise_conv2d_s8_opt mml__depthwise_conv2d_s8_x86
#define mml__depthwise_conv2d_s8_opt_scratch mml__depthwise_conv2d_s8_x86_scratch
#define mml__fully_connected_s8_opt mml__fully_connected_s8_x86
#define mml__fully_connected_s8_opt_scratch mml__fully_connected_s8_x86_scratch
static inline int mml__conv2d_s8_opt_suits(const mml__conv_s8_t *p) {
    return p->filt_c == p->in_c; // no groups
}
static inline int mml__depthwise_conv2d_s8_opt_suits(const mml__conv_s8_t *p) {
    return p->depth_multiplier == 1 || p->depth_multiplier % 8 == 0;
}
static inline int mml__fully_connected_s8_opt_suits(const mml__fc_s8_t *p) {
    return p->weights_offset == 0; // TFLite's int8 models
}
#endif

#endif // MICROML_NN_KERNELS_NN_S8_H
