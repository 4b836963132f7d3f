// SPDX-License-Identifier: MIT
// Every optimized int8 kernel variant against its `_ref` (src/nn/kernels/nn_s8.h) on random
// shapes, strides, dilations, paddings, offsets and quantization parameters: outputs must be
// byte-equal. The variants are called by their generic names (`_opt`, nn_s8.h), so the same file
// tests whichever ISA's variants a build maps them to, on cases their `_suits` accepts. On the
// host the Cortex-M DSP variants are compiled here with portable stand-ins for the intrinsics
// (MML_ARM_DSP_EMULATE); built for a Cortex-M4 (tests/c/arm/, the QEMU MPS2_AN386 board) the same
// file runs the real instructions. With MML_ARCH_SCALAR_EMULATE=1 (build/tests/test_kernels_scalar),
// or built for a core without DSP instructions (Cortex-M0/M3, RISC-V: tests/c/arm/, tests/c/riscv/),
// the same cases run the scalar variants (*_s8_scalar.c) instead. With MML_KERNELS_TEST_X86
// (mk/core.mk: once with -msse4.1, once with -mavx2) it tests the x86-64 SIMD variants instead,
// if the CPU running it has them.
#if !defined(__ARM_FEATURE_DSP) && !defined(MML_KERNELS_TEST_X86) &&                           \
    !(defined(MML_ARCH_SCALAR_EMULATE) && MML_ARCH_SCALAR_EMULATE) && !defined(__ARM_ARCH_6M__) && \
    !defined(__ARM_ARCH_7M__) && !defined(__riscv)
#define MML_ARM_DSP_EMULATE 1
#endif
#include <stdint.h>
#include <string.h>
#include "mml_test.h"
#include "core/quant.h"
#include "nn/kernels/conv2d_s8_arm.c"
#include "nn/kernels/depthwise_conv2d_s8_arm.c"
#include "nn/kernels/fully_connected_s8_arm.c"
#include "nn/kernels/unidirectional_sequence_lstm_s8_arm.c"
#include "nn/kernels/conv2d_s8_scalar.c"
#include "nn/kernels/depthwise_conv2d_s8_scalar.c"
#include "nn/kernels/fully_connected_s8_scalar.c"
#include "nn/kernels/prim_scalar.c"
#include "nn/kernels/conv2d_s8_x86.c"
#include "nn/kernels/depthwise_conv2d_s8_x86.c"
#include "nn/kernels/fully_connected_s8_x86.c"
#include "nn/kernels/unidirectional_sequence_lstm_s8_x86.c"
#if defined(MML_KERNELS_TEST_X86) && !MML_ARCH_X86
#error "MML_KERNELS_TEST_X86 needs -msse4.1 or -mavx2"
#endif
#ifdef MML_KERNELS_TEST_STANDALONE
// The bare Cortex-M4 build links the reference kernels from their own files.
#include "core/quant.c"
#include "nn/kernels/conv2d_s8.c"
#include "nn/kernels/depthwise_conv2d_s8.c"
#include "nn/kernels/fully_connected_s8.c"
#include "nn/kernels/unidirectional_sequence_lstm_s8.c"
#endif

#ifndef KERNEL_CASES
#define KERNEL_CASES 400
#endif

static uint32_t rng_state = 12345u;

static uint32_t rnd(void) { // xorshift32
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

// Uniform in [lo, hi].
static int32_t rnd_in(int32_t lo, int32_t hi) {
    return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}

// A Q0.31 multiplier in [0.5, 1), as TFLite's QuantizeMultiplier gives.
static int32_t rnd_mult(void) {
    return (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
}

// An int32 sum for the requantization tests: random, and every 7th case an extreme or a small one.
static uint32_t rnd_acc(int i) {
    const uint32_t acc = rnd();
    if (i % 7 != 0) {
        return acc;
    }
    return (uint32_t)(i % 3 == 0 ? INT32_MIN : i % 3 == 1 ? INT32_MAX : (int32_t)rnd() >> 12);
}

static void fill_s8(int8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        p[i] = (int8_t)rnd();
    }
}

// Random requantization: multipliers in [2^30, 2^31), shifts mostly negative (as real models)
// with some positive; offsets anywhere in range; a clamp range inside int8 (sometimes narrow).
// Half the calls keep every shift in [-23, -2] (real layers: the range the Cortex-M DSP
// variants' requantization table takes, prim_rq_arm.h), the others mix in shifts it refuses.
static void random_quant(mml__quant_s8_t *q, int32_t *mult, int8_t *shift, int32_t n) {
    const int table = rnd() & 1;
    for (int32_t c = 0; c < n; c++) {
        mult[c] = rnd_mult();
        shift[c] = (int8_t)(table ? rnd_in(-23, -2) : rnd_in(-14, 2));
    }
    q->mult = mult;
    q->shift = shift;
    q->input_offset = rnd_in(-127, 128);
    q->output_offset = rnd_in(-128, 127);
    q->act_min = rnd() % 3 == 0 ? rnd_in(-128, 0) : -128;
    q->act_max = rnd() % 3 == 0 ? rnd_in(q->act_min, 127) : 127;
}

// A window as TFLite's padding computes it; 0 if the output would be empty.
static int random_window(mml__window_t *w, int max_hw) {
    w->batches = rnd_in(1, 2);
    w->in_h = rnd_in(1, max_hw);
    w->in_w = rnd_in(1, max_hw);
    const int k3 = rnd() % 3 == 0; // the common 3x3 filter (the depthwise variant's fast case)
    w->filt_h = k3 ? 3 : rnd_in(1, 5);
    w->filt_w = k3 ? 3 : rnd_in(1, 5);
    w->stride_h = rnd_in(1, 3);
    w->stride_w = rnd_in(1, 3);
    w->dil_h = rnd() % 4 == 0 ? 2 : 1;
    w->dil_w = rnd() % 4 == 0 ? 2 : 1;
    const int same = rnd() & 1;
    const int32_t eh = (w->filt_h - 1) * w->dil_h + 1, ew = (w->filt_w - 1) * w->dil_w + 1;
    if (same) {
        w->out_h = (w->in_h + w->stride_h - 1) / w->stride_h;
        w->out_w = (w->in_w + w->stride_w - 1) / w->stride_w;
        int32_t ph = (w->out_h - 1) * w->stride_h + eh - w->in_h;
        int32_t pw = (w->out_w - 1) * w->stride_w + ew - w->in_w;
        w->pad_h = ph > 0 ? ph / 2 : 0;
        w->pad_w = pw > 0 ? pw / 2 : 0;
    } else {
        if (w->in_h < eh || w->in_w < ew) {
            return 0;
        }
        w->out_h = (w->in_h - eh) / w->stride_h + 1;
        w->out_w = (w->in_w - ew) / w->stride_w + 1;
        w->pad_h = w->pad_w = 0;
    }
    return 1;
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

// A buffer of n bytes starting at an odd offset into its allocation half of the time, so that
// the variants' word loads meet unaligned rows (the arena only promises 4-byte alignment).
static int8_t *alloc_s8(size_t n, void **base) {
    *base = xmalloc(n + 4);
    return (int8_t *)*base + (rnd() & 1 ? 1 : 0);
}

static void test_requant(void) {
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        const uint32_t acc = rnd_acc(i);
        int32_t mult = i % 11 == 0 ? 0 : rnd_mult();
        int32_t shift = rnd_in(-31, 31);
        if (i % 5 != 0) {
            shift = rnd_in(-12, 4);
        }
        int32_t a = mml__mul_by_qm((int32_t)acc, mult, shift);
        int32_t b = mml__requant_i32(acc, mult, shift);
        if (a != b) {
            if (bad++ < 5) {
                fprintf(stderr, "acc %d mult %d shift %d: %d != %d\n", (int)(int32_t)acc, (int)mult,
                    (int)shift, (int)a, (int)b);
            }
        }
    }
    CHECK(bad == 0, "mml__requant_i32 differs from mml__mul_by_qm %d times", bad);
    // mml__mul_hi (on ARMv6-M and in the scalar host build: from 16-bit pieces) against int64.
    static const int32_t edge[] = {INT32_MIN, INT32_MIN + 1, -65536, -65535, -1, 0, 1, 65535,
        65536, 0x40000000, INT32_MAX};
    const int n_edge = (int)(sizeof(edge) / sizeof(edge[0]));
    bad = 0;
    for (int i = 0; i < 200000; i++) {
        const int32_t a = i % 3 == 0 ? edge[i % n_edge] : (int32_t)rnd();
        const int32_t m = i % 5 == 0 ? edge[(i / 5) % n_edge] : (int32_t)rnd();
        const int32_t c = i % 7 == 0 ? edge[(i / 7) % n_edge] : (int32_t)rnd();
        const int32_t want = (int32_t)(((int64_t)a * m + c) >> 32);
        const int32_t got = mml__mul_hi(a, m, c);
        if (got != want && bad++ < 5) {
            fprintf(stderr, "mul_hi(%ld, %ld, %ld): %ld != %ld\n", (long)a, (long)m, (long)c,
                (long)got, (long)want);
        }
    }
    CHECK(bad == 0, "mml__mul_hi differs from the int64 product %d times", bad);
}

#if MML_ARCH_ARM_DSP
// The Cortex-M DSP variants' table-driven output stage (prim_rq_arm.h) against mml__requant_s8
// (itself checked against core/quant.h above), on the shifts the table takes, and its refusal of
// the others.
static void test_requant_table(void) {
    int bad = 0;
    uint32_t scratch[64];
    for (int i = 0; i < 100000; i++) {
        const uint32_t acc = rnd_acc(i);
        int32_t mult = i % 11 == 0 ? 0 : rnd_mult();
        int8_t shift = (int8_t)rnd_in(-23, -2);
        mml__quant_s8_t q;
        q.mult = &mult;
        q.shift = &shift;
        q.output_offset = rnd_in(-128, 127);
        q.act_min = rnd() & 1 ? -128 : rnd_in(-128, 0);
        q.act_max = rnd() & 1 ? 127 : rnd_in(q.act_min, 127);
        const int full = q.act_min == -128 && q.act_max == 127;
        mml__rq_t *rq;
        uint8_t *sh;
        if (!mml__rq_build(&q, 1, scratch, &rq, &sh)) {
            bad++;
            continue;
        }
        int8_t a = mml__requant_s8(acc, mult, shift, q.output_offset, q.act_min, q.act_max);
        int8_t b = mml__rq_s8(acc, rq, sh[0], full, q.act_min, q.act_max);
        int8_t c = mml__rq_s8(acc, rq, sh[0], 0, q.act_min, q.act_max);
        if ((a != b || a != c) && bad++ < 5) {
            fprintf(stderr, "acc %d mult %d shift %d offset %d [%d, %d]: %d, table %d %d\n",
                (int)(int32_t)acc, (int)mult, shift, (int)q.output_offset, (int)q.act_min,
                (int)q.act_max, a, b, c);
        }
    }
    CHECK(bad == 0, "the requantization table differs from mml__requant_s8 %d times", bad);
    // Shifts outside [-23, -2] and negative multipliers: refused.
    static const int8_t refused[] = {-1, 0, 3, -24, -31};
    for (size_t i = 0; i < sizeof(refused); i++) {
        int32_t mult = 0x50000000;
        int8_t shift = refused[i];
        mml__quant_s8_t q = {0, 0, -128, 127, &mult, &shift};
        mml__rq_t *rq;
        uint8_t *sh;
        CHECK(!mml__rq_build(&q, 1, scratch, &rq, &sh), "table took shift %d", shift);
    }
    int32_t mult = -5;
    int8_t shift = -7;
    mml__quant_s8_t q = {0, 0, -128, 127, &mult, &shift};
    mml__rq_t *rq;
    uint8_t *sh;
    CHECK(!mml__rq_build(&q, 1, scratch, &rq, &sh), "table took a negative multiplier");
    mult = 0x50000000;
    q.output_offset = 128; // not an int8 zero point: the addend's range no longer holds
    CHECK(!mml__rq_build(&q, 1, scratch, &rq, &sh), "table took output offset 128");
}
#endif

#if MML_ARCH_X86
// The vectorized requantization of eight sums against the scalar definitions (core/quant.h):
// every shift in [-31, 31], sums anywhere in int32 (extremes too), offsets and clamps at random,
// both output stages (CONV_2D's wrapping offset, FULLY_CONNECTED's exact one).
static void test_requant_x86(void) {
    int bad = 0;
    for (int i = 0; i < 40000; i++) {
        int32_t acc[8], mult[8];
        int8_t shift[8], got[8], want[8];
        for (int j = 0; j < 8; j++) {
            acc[j] = (int32_t)rnd();
            if (rnd() % 5 == 0) {
                const uint32_t r = rnd() % 4;
                acc[j] = r == 0 ? INT32_MIN : r == 1 ? INT32_MAX : (int32_t)rnd() >> rnd_in(1, 30);
            }
            mult[j] = rnd() % 13 == 0 ? 0 : rnd_mult();
            shift[j] = (int8_t)(rnd() % 3 == 0 ? rnd_in(-31, 31) : rnd_in(-14, 3));
        }
        const int32_t off = rnd_in(-128, 127), lo = rnd_in(-128, 0), hi = rnd_in(lo, 127);
        const int wrap = (int)(rnd() & 1);
        const int32_t n = rnd() % 4 == 0 ? rnd_in(1, 8) : 8;
        memset(got, 0x5A, sizeof got);
        memset(want, 0x5A, sizeof want);
        for (int32_t j = 0; j < n; j++) {
            const int32_t r = mml__mul_by_qm(acc[j], mult[j], shift[j]);
            if (wrap) {
                want[j] = mml__conv_out_s8((uint32_t)acc[j], mult[j], shift[j], off, lo, hi);
            } else {
                const int64_t v = (int64_t)r + off;
                want[j] = (int8_t)(v < lo ? lo : v > hi ? hi : v);
            }
        }
        mml__x86_requant8(acc, mult, shift, off, lo, hi, wrap, got, n);
        if (memcmp(got, want, sizeof got) != 0 && bad++ < 5) {
            fprintf(stderr, "requant8: acc %d mult %d shift %d wrap %d\n", (int)acc[0],
                (int)mult[0], (int)shift[0], wrap);
        }
    }
    CHECK(bad == 0, "mml__x86_requant8 differs from core/quant.h %d times", bad);
}
#endif

static void test_conv(void) {
    int cases = 0, bad = 0;
    while (cases < KERNEL_CASES) {
        mml__conv_s8_t p;
        if (!random_window(&p.w, 10)) {
            continue;
        }
        const int wide = rnd() % 4 == 0; // sometimes a real layer's channel counts
        p.in_c = wide ? 4 * rnd_in(1, 16) : rnd_in(1, 9);
        p.out_c = wide ? rnd_in(1, 40) : rnd_in(1, 9);
        p.filt_c = p.in_c;
        p.depth_multiplier = 1;
        if (rnd() % 3 == 0) { // some 1x1 convolutions (the matrix-product case)
            p.w.filt_h = p.w.filt_w = 1;
            p.w.dil_h = p.w.dil_w = 1;
            p.w.pad_h = p.w.pad_w = 0;
            p.w.out_h = (p.w.in_h - 1) / p.w.stride_h + 1;
            p.w.out_w = (p.w.in_w - 1) / p.w.stride_w + 1;
        }
        const size_t k = (size_t)p.w.filt_h * p.w.filt_w * p.in_c;
        const size_t n_in = (size_t)p.w.batches * p.w.in_h * p.w.in_w * p.in_c;
        const size_t n_out = (size_t)p.w.batches * p.w.out_h * p.w.out_w * p.out_c;
        void *b_in, *b_f;
        int8_t *in = alloc_s8(n_in, &b_in), *filter = alloc_s8(k * p.out_c, &b_f);
        int8_t *o_ref = xmalloc(n_out), *o_opt = xmalloc(n_out);
        int32_t *bias = xmalloc(4 * (size_t)p.out_c);
        int32_t *mult = xmalloc(4 * (size_t)p.out_c);
        int8_t *shift = xmalloc((size_t)p.out_c);
        fill_s8(in, n_in);
        fill_s8(filter, k * p.out_c);
        random_quant(&p.q, mult, shift, p.out_c);
        const int has_bias = rnd() % 4 != 0;
        for (int32_t c = 0; c < p.out_c; c++) {
            bias[c] = (int32_t)(rnd() % 200001u) - 100000;
        }
        void *scratch = xmalloc(mml__conv2d_s8_opt_scratch(&p));
        mml__conv2d_s8_ref(&p, in, filter, has_bias ? bias : NULL, o_ref);
        memset(o_opt, 0x5A, n_out);
        mml__conv2d_s8_opt(&p, in, filter, has_bias ? bias : NULL, o_opt, scratch);
        if (memcmp(o_ref, o_opt, n_out) != 0 && bad++ < 5) {
            fprintf(stderr,
                "conv: N%d %dx%dx%d -> %dx%dx%d filter %dx%d stride %d,%d dil %d,%d pad %d,%d\n",
                (int)p.w.batches, (int)p.w.in_h, (int)p.w.in_w, (int)p.in_c, (int)p.w.out_h,
                (int)p.w.out_w, (int)p.out_c, (int)p.w.filt_h, (int)p.w.filt_w, (int)p.w.stride_h,
                (int)p.w.stride_w, (int)p.w.dil_h, (int)p.w.dil_w, (int)p.w.pad_h, (int)p.w.pad_w);
        }
        free(b_in);
        free(b_f);
        free(o_ref);
        free(o_opt);
        free(bias);
        free(mult);
        free(shift);
        free(scratch);
        cases++;
    }
    CHECK(bad == 0, "conv2d_s8_opt differs from _ref in %d of %d cases", bad, cases);
}

static void test_depthwise(void) {
    int cases = 0, bad = 0;
    while (cases < KERNEL_CASES) {
        mml__conv_s8_t p;
        if (!random_window(&p.w, 10)) {
            continue;
        }
        if (rnd() % 5 == 0) { // a long filter along time, width 1 (mlperf_sww: 1x3 to 1x15)
            p.w.in_w = p.w.filt_w = p.w.out_w = 1;
            p.w.filt_h = rnd_in(3, 15);
            p.w.in_h = p.w.filt_h + rnd_in(0, 14);
            p.w.stride_h = p.w.stride_w = p.w.dil_w = 1;
            p.w.pad_h = p.w.pad_w = 0;
            p.w.out_h = (p.w.in_h - (p.w.filt_h - 1) * p.w.dil_h - 1) + 1;
            if (p.w.out_h < 1) {
                continue;
            }
        }
        p.in_c = p.out_c = rnd() % 4 == 0 ? 4 * rnd_in(1, 16) : rnd_in(1, 13);
        p.filt_c = 1;
        p.depth_multiplier = 1;
        if (rnd() % 3 == 0) { // the variant's other case: depth multiplier 4, 8 or 12
            p.depth_multiplier = 4 * rnd_in(1, 3);
            p.in_c = rnd_in(1, 5);
            p.out_c = p.in_c * p.depth_multiplier;
        }
        if (!mml__depthwise_conv2d_s8_opt_suits(&p)) { // x86: depth multiplier 4 and 12 are not
            continue;
        }
        const size_t n_f = (size_t)p.w.filt_h * p.w.filt_w * p.out_c;
        const size_t n_in = (size_t)p.w.batches * p.w.in_h * p.w.in_w * p.in_c;
        const size_t n_out = (size_t)p.w.batches * p.w.out_h * p.w.out_w * p.out_c;
        void *b_in, *b_f;
        int8_t *in = alloc_s8(n_in, &b_in), *filter = alloc_s8(n_f, &b_f);
        int8_t *o_ref = xmalloc(n_out), *o_opt = xmalloc(n_out);
        int32_t *bias = xmalloc(4 * (size_t)p.out_c), *mult = xmalloc(4 * (size_t)p.out_c);
        int8_t *shift = xmalloc((size_t)p.out_c);
        fill_s8(in, n_in);
        fill_s8(filter, n_f);
        random_quant(&p.q, mult, shift, p.out_c);
        const int has_bias = rnd() % 4 != 0;
        for (int32_t c = 0; c < p.out_c; c++) {
            bias[c] = (int32_t)(rnd() % 200001u) - 100000;
        }
        mml__depthwise_conv2d_s8_ref(&p, in, filter, has_bias ? bias : NULL, o_ref);
        memset(o_opt, 0x5A, n_out);
        void *scratch = xmalloc(mml__depthwise_conv2d_s8_opt_scratch(&p));
        mml__depthwise_conv2d_s8_opt(&p, in, filter, has_bias ? bias : NULL, o_opt, scratch);
        free(scratch);
        if (memcmp(o_ref, o_opt, n_out) != 0 && bad++ < 5) {
            fprintf(stderr,
                "depthwise: %dx%dx%d x%d filter %dx%d stride %d,%d dil %d,%d pad %d,%d\n",
                (int)p.w.in_h, (int)p.w.in_w, (int)p.in_c, (int)p.depth_multiplier, (int)p.w.filt_h,
                (int)p.w.filt_w, (int)p.w.stride_h, (int)p.w.stride_w, (int)p.w.dil_h,
                (int)p.w.dil_w, (int)p.w.pad_h, (int)p.w.pad_w);
        }
        free(b_in);
        free(b_f);
        free(o_ref);
        free(o_opt);
        free(bias);
        free(mult);
        free(shift);
        cases++;
    }
    CHECK(bad == 0, "depthwise_conv2d_s8_opt differs from _ref in %d of %d cases", bad, cases);
}

static void test_fully_connected(void) {
    int bad = 0;
    for (int cases = 0; cases < KERNEL_CASES; cases++) {
        mml__fc_s8_t p;
        p.batches = (uint32_t)rnd_in(1, 3);
        // Long rows too: the variant expands the input 256 values at a time.
        p.depth = (uint32_t)(rnd() % 4 == 0 ? rnd_in(64, 1300) : rnd_in(1, 40));
        p.units = (uint32_t)rnd_in(1, 12);
        p.weights_offset = 0;
        p.per_channel = rnd() & 1;
        const size_t n_w = (size_t)p.units * p.depth, n_in = (size_t)p.batches * p.depth;
        const size_t n_out = (size_t)p.batches * p.units;
        void *b_in, *b_w;
        int8_t *in = alloc_s8(n_in, &b_in), *weights = alloc_s8(n_w, &b_w);
        int8_t *o_ref = xmalloc(n_out), *o_opt = xmalloc(n_out);
        int32_t *bias = xmalloc(4 * (size_t)p.units);
        int32_t *mult = xmalloc(4 * (size_t)p.units);
        int8_t *shift = xmalloc(p.units);
        fill_s8(in, n_in);
        fill_s8(weights, n_w);
        random_quant(&p.q, mult, shift, (int32_t)p.units);
        const int has_bias = rnd() % 4 != 0;
        for (uint32_t c = 0; c < p.units; c++) {
            bias[c] = (int32_t)(rnd() % 200001u) - 100000;
        }
        void *scratch = xmalloc(mml__fully_connected_s8_opt_scratch(&p));
        mml__fully_connected_s8_ref(&p, in, weights, has_bias ? bias : NULL, o_ref);
        memset(o_opt, 0x5A, n_out);
        mml__fully_connected_s8_opt(&p, in, weights, has_bias ? bias : NULL, o_opt, scratch);
        if (memcmp(o_ref, o_opt, n_out) != 0 && bad++ < 5) {
            fprintf(stderr, "fully connected: %u x %u -> %u\n", (unsigned)p.batches,
                (unsigned)p.depth, (unsigned)p.units);
        }
        free(b_in);
        free(b_w);
        free(o_ref);
        free(o_opt);
        free(bias);
        free(mult);
        free(shift);
        free(scratch);
    }
    CHECK(bad == 0, "fully_connected_s8_opt differs from _ref in %d of %d cases", bad,
        KERNEL_CASES);
}

// ---- UNIDIRECTIONAL_SEQUENCE_LSTM ----

// mml__requant_i32p (prepared multipliers) against mml__mul_by_qm: every shift, extreme sums.
static void test_requant_prep(void) {
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        const uint32_t acc = rnd_acc(i);
        const int32_t mult = i % 11 == 0 ? 0 : rnd_mult();
        const int32_t shift = rnd_in(-31, 30);
        const mml__qm_prep_t q = mml__qm_prep(mult, shift);
        const int32_t a = mml__mul_by_qm((int32_t)acc, mult, shift);
        const int32_t b = mml__requant_i32p(acc, &q);
        if (a != b && bad++ < 5) {
            fprintf(stderr, "acc %d mult %d shift %d: %d != %d\n", (int)(int32_t)acc, (int)mult,
                (int)shift, (int)a, (int)b);
        }
    }
    CHECK(bad == 0, "mml__requant_i32p differs from mml__mul_by_qm %d times", bad);
}

// The inline int16 sigmoid and tanh (prim_s8.h) against quant.h's on every int16 input, tanh
// with each input rescaling the LSTM's cell state can have.
static void test_lut_s16(void) {
    const uint16_t *t = mml__sigmoid_table_u16();
    int bad = 0;
    for (int32_t x = -32768; x <= 32767; x++) {
        bad += mml__logistic_q312_s16(x, t) != mml__logistic_s16((int16_t)x, 0, 0);
        bad += mml__tanh_lut_s16(3 * x, t) != mml__tanh_s16((int16_t)x, 0, 0);
    }
    for (int32_t shift = 0; shift <= 30; shift += 3) {
        for (int32_t x = -32768; x <= 32767; x += 7) {
            if (shift <= 14) {
                bad +=
                    mml__tanh_lut_s16(x * (3 << shift), t) != mml__tanh_s16((int16_t)x, 0, shift);
            }
            if (shift >= 1) {
                const int32_t v = (x * 3 + (1 << (shift - 1))) >> shift;
                bad += mml__tanh_lut_s16(v, t) != mml__tanh_s16((int16_t)x, 3, shift);
            }
        }
    }
    CHECK(bad == 0, "inline int16 sigmoid/tanh differ from quant.h's %d times", bad);
}

#if MML_OPT_LSTM_S8
static mml__lstm_qm_t random_qm(int32_t shift_lo, int32_t shift_hi) {
    mml__lstm_qm_t q;
    q.mult = rnd_mult();
    q.shift = rnd_in(shift_lo, shift_hi);
    return q;
}

// Random LSTM parameters: sizes around the real models' (state 20 and 80, input 28 and 257), odd
// ones and ones at the x86 variant's block edges (multiples of 8 and 16 and one either side: its
// whole blocks, the last partial one, depths below one block); rescalings in the ranges real scales
// give (gate FCs 2^-10..2^1, forget 2^-15, the input and output products 2^-24..2^-16) and
// sometimes anywhere; some weights zero points.
static void random_lstm(mml__lstm_s8_t *p) {
    memset(p, 0, sizeof(*p));
    p->batches = (uint32_t)rnd_in(1, 3);
    p->steps = (uint32_t)rnd_in(1, 5);
    static const uint8_t edges[] = {1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 64, 65};
    const uint32_t kind = rnd() % 5;
    if (kind == 0) {
        p->in_dim = (uint32_t)rnd_in(200, 300);
        p->state = (uint32_t)rnd_in(60, 80);
    } else if (kind == 1) {
        p->in_dim = 28;
        p->state = 20;
    } else if (kind == 4) {
        p->in_dim = edges[rnd() % sizeof(edges)];
        p->state = edges[rnd() % sizeof(edges)];
    } else {
        p->in_dim = (uint32_t)rnd_in(1, 40);
        p->state = (uint32_t)rnd_in(1, 24);
    }
    p->time_major = rnd() & 1;
    p->clip = rnd() % 3 == 0;
    p->cell_clip = (int16_t)rnd_in(0, 32767);
    p->input_offset = rnd_in(-127, 128);
    p->hidden_offset = rnd_in(-127, 128);
    p->hidden_zp = -p->hidden_offset;
    const int zero_points = rnd() % 4 == 0, wide = rnd() % 5 == 0;
    for (int g = 0; g < 4; g++) {
        p->w_offset[g] = zero_points ? rnd_in(-127, 128) : 0;
        p->r_offset[g] = zero_points ? rnd_in(-127, 128) : 0;
        p->w_q[g] = wide ? random_qm(-31, 8) : random_qm(-10, 1);
        p->r_q[g] = wide ? random_qm(-31, 8) : random_qm(-10, 1);
    }
    p->forget_q = wide ? random_qm(-31, 4) : random_qm(-15, -14);
    p->input_q = wide ? random_qm(-31, 4) : random_qm(-20, -16);
    p->output_q = wide ? random_qm(-31, 4) : random_qm(-24, -18);
    if (rnd() & 1) {
        p->tanh_mult = 0;
        p->tanh_shift = rnd_in(0, 14);
    } else {
        p->tanh_mult = 3;
        p->tanh_shift = rnd_in(1, 30);
    }
}

static void test_lstm(void) {
    int bad = 0;
    const int n_cases = KERNEL_CASES / 2;
    for (int cases = 0; cases < n_cases; cases++) {
        mml__lstm_s8_t p;
        random_lstm(&p);
        const size_t n = p.in_dim, s = p.state;
        const size_t n_in = (size_t)p.batches * p.steps * n,
                     n_out = (size_t)p.batches * p.steps * s;
        const size_t n_state = (size_t)p.batches * s;
        void *b_w[4], *b_r[4], *b_in;
        int32_t *bias[4];
        mml__lstm_s8_weights_t wt;
        for (int g = 0; g < 4; g++) {
            int8_t *w = alloc_s8(s * n, &b_w[g]), *r = alloc_s8(s * s, &b_r[g]);
            fill_s8(w, s * n);
            fill_s8(r, s * s);
            bias[g] = xmalloc(4 * s);
            for (size_t o = 0; o < s; o++) {
                bias[g][o] = (int32_t)(rnd() % 400001u) - 200000;
            }
            wt.w[g] = w;
            wt.r[g] = r;
            wt.bias[g] = bias[g];
        }
        int8_t *in = alloc_s8(n_in, &b_in);
        fill_s8(in, n_in);
        // The same random state for both (a later invocation of a stateful model).
        int8_t *h_ref = xmalloc(n_state), *h_opt = xmalloc(n_state);
        int16_t *c_ref = xmalloc(2 * n_state), *c_opt = xmalloc(2 * n_state);
        fill_s8(h_ref, n_state);
        for (size_t i = 0; i < n_state; i++) {
            c_ref[i] = (int16_t)rnd();
        }
        memcpy(h_opt, h_ref, n_state);
        memcpy(c_opt, c_ref, 2 * n_state);
        int8_t *o_ref = xmalloc(n_out), *o_opt = xmalloc(n_out);
        void *s_ref = xmalloc(mml__unidirectional_sequence_lstm_s8_ref_scratch(&p));
        void *s_opt = xmalloc(mml__unidirectional_sequence_lstm_s8_opt_scratch(&p));
        memset(o_opt, 0x5A, n_out);
        mml__unidirectional_sequence_lstm_s8_ref(&p, &wt, in, h_ref, c_ref, o_ref, s_ref);
        mml__unidirectional_sequence_lstm_s8_opt(&p, &wt, in, h_opt, c_opt, o_opt, s_opt);
        if ((memcmp(o_ref, o_opt, n_out) != 0 || memcmp(h_ref, h_opt, n_state) != 0 ||
                memcmp(c_ref, c_opt, 2 * n_state) != 0) &&
            bad++ < 5) {
            fprintf(stderr, "lstm: batches %u steps %u input %u state %u time major %d\n",
                (unsigned)p.batches, (unsigned)p.steps, (unsigned)p.in_dim, (unsigned)p.state,
                (int)p.time_major);
        }
        for (int g = 0; g < 4; g++) {
            free(b_w[g]);
            free(b_r[g]);
            free(bias[g]);
        }
        free(b_in);
        free(h_ref);
        free(h_opt);
        free(c_ref);
        free(c_opt);
        free(o_ref);
        free(o_opt);
        free(s_ref);
        free(s_opt);
    }
    CHECK(bad == 0, "unidirectional_sequence_lstm_s8_opt differs from _ref in %d of %d cases", bad,
        n_cases);
}
#endif

int main(void) {
#if MML_ARCH_X86
    // The variants' instructions are compiled in; run them only on a CPU that has them.
#if MML_ISA_X86_AVX2
    const char *level = "AVX2";
    const int has = __builtin_cpu_supports("avx2");
#else
    const char *level = "SSE4.1";
    const int has = __builtin_cpu_supports("sse4.1");
#endif
    if (!has) {
        printf("test_kernels: skipped: this CPU has no %s\n", level);
        return 0;
    }
    printf("test_kernels: the x86-64 %s variants\n", level);
#endif
    test_requant();
#if MML_ARCH_ARM_DSP
    test_requant_table();
#endif
#if MML_ARCH_X86
    test_requant_x86();
#endif
    test_conv();
    test_depthwise();
    test_fully_connected();
    test_requant_prep();
    test_lut_s16();
#if MML_OPT_LSTM_S8
    test_lstm();
#endif
    return mml_test_done("test_kernels");
}
