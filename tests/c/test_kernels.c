// SPDX-License-Identifier: MIT
// Every optimized int8 kernel variant against its `_ref` (src/nn/kernels/nn_s8.h) on random
// shapes, strides, dilations, paddings, offsets and quantization parameters: outputs must be
// byte-equal. The variants are called by their generic names (`_opt`, nn_s8.h), so the same file
// tests whichever ISA's variants a build maps them to, on cases their `_suits` accepts. On the
// host the Cortex-M DSP variants are compiled here with portable stand-ins for the intrinsics
// (MML_ARM_DSP_EMULATE); built for a Cortex-M4 (tests/c/arm/, the QEMU MPS2_AN386 board) the same
// file runs the real instructions.
#if !defined(__ARM_FEATURE_DSP)
#define MML_ARM_DSP_EMULATE 1
#endif
#include <stdint.h>
#include <string.h>
#include "mml_test.h"
#include "core/quant.h"
#include "nn/kernels/conv2d_s8_arm.c"
#include "nn/kernels/depthwise_conv2d_s8_arm.c"
#include "nn/kernels/fully_connected_s8_arm.c"
#ifdef MML_KERNELS_TEST_STANDALONE
// The bare Cortex-M4 build links the reference kernels from their own files.
#include "core/quant.c"
#include "nn/kernels/conv2d_s8.c"
#include "nn/kernels/depthwise_conv2d_s8.c"
#include "nn/kernels/fully_connected_s8.c"
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

static void fill_s8(int8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        p[i] = (int8_t)rnd();
    }
}

// Random requantization: multipliers in [2^30, 2^31), shifts mostly negative (as real models)
// with some positive; offsets anywhere in range; a clamp range inside int8 (sometimes narrow).
static void random_quant(mml__quant_s8_t *q, int32_t *mult, int8_t *shift, int32_t n) {
    for (int32_t c = 0; c < n; c++) {
        mult[c] = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
        shift[c] = (int8_t)rnd_in(-14, 2);
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
        uint32_t acc = rnd();
        if (i % 7 == 0) {
            acc = (uint32_t)(i % 3 == 0 ? INT32_MIN
                    : i % 3 == 1        ? INT32_MAX
                                        : (int32_t)rnd() >> 12);
        }
        int32_t mult = i % 11 == 0 ? 0 : (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
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
}

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
        p.in_c = p.out_c = rnd() % 4 == 0 ? 4 * rnd_in(1, 16) : rnd_in(1, 13);
        p.filt_c = 1;
        p.depth_multiplier = 1;
        if (rnd() % 3 == 0) { // the variant's other case: depth multiplier 4, 8 or 12
            p.depth_multiplier = 4 * rnd_in(1, 3);
            p.in_c = rnd_in(1, 5);
            p.out_c = p.in_c * p.depth_multiplier;
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
        // Long rows too: the variant expands the input 512 values at a time.
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

int main(void) {
    test_requant();
    test_conv();
    test_depthwise();
    test_fully_connected();
    return mml_test_done("test_kernels");
}
