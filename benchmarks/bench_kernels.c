// SPDX-License-Identifier: MIT
// Bare-metal Cortex-M4F benchmark of the int8 kernels (nn_s8.h): instructions per call and per
// MAC of `_ref` and of the DSP variant on layer shapes of the benchmark models, outputs compared
// byte for byte. Run by benchmarks/kernels on QEMU mps2-an386 with -icount: the CMSDK timer0
// (25 MHz) then advances 2^shift ns of virtual time per instruction.
#include <stdio.h>
#include <string.h>
#include "core/quant.c"
#include "nn/kernels/conv2d_s8.c"
#include "nn/kernels/conv2d_s8_arm.c"
#include "nn/kernels/depthwise_conv2d_s8.c"
#include "nn/kernels/depthwise_conv2d_s8_arm.c"
#include "nn/kernels/fully_connected_s8.c"
#include "nn/kernels/fully_connected_s8_arm.c"
#include "nn/kernels/unidirectional_sequence_lstm_s8.c"
#include "nn/kernels/unidirectional_sequence_lstm_s8_arm.c"

#ifndef ICOUNT_SHIFT
#define ICOUNT_SHIFT 6
#endif
#define TIMER0 ((volatile uint32_t *)0x40000000u) // CMSDK timer: CTRL, VALUE, RELOAD

static int8_t in[64 * 1024], out_ref[32 * 1024], out_arm[32 * 1024], weights[64 * 1024];
static int32_t bias[1024], mult[1024];
static int8_t shift[1024];
static uint32_t scratch[4096];
static int all_equal = 1;

static uint32_t now(void) {
    return TIMER0[1];
}

// Timer ticks (40 ns) to instructions (2^shift ns each).
static unsigned long insns(uint32_t ticks) {
    return (unsigned long)(((uint64_t)ticks * 40u + (1u << (ICOUNT_SHIFT - 1))) >> ICOUNT_SHIFT);
}

static void report(const char *op, const char *shape, unsigned long macs, uint32_t t_ref,
    uint32_t t_arm, size_t n_out) {
    const int same = memcmp(out_ref, out_arm, n_out) == 0;
    all_equal &= same;
    printf("| %s | %s | %lu | %lu | %.2f | %lu | %.2f | %.2f | %s |\n", op, shape, macs,
        insns(t_ref), (double)insns(t_ref) / (double)macs, insns(t_arm),
        (double)insns(t_arm) / (double)macs, (double)insns(t_ref) / (double)insns(t_arm),
        same ? "yes" : "**NO**");
}

static void quant(mml__quant_s8_t *q, int32_t channels) {
    for (int32_t c = 0; c < channels; c++) {
        mult[c] = 0x50000000 + 977 * c;
        shift[c] = (int8_t)(-7 - (c & 3));
        bias[c] = 300 * c - 9000;
    }
    q->input_offset = 5;
    q->output_offset = -3;
    q->act_min = -128;
    q->act_max = 127;
    q->mult = mult;
    q->shift = shift;
}

static void conv(const char *shape, int32_t h, int32_t w, int32_t in_c, int32_t out_c, int32_t k_h,
    int32_t k_w, int32_t stride, int32_t pad_h, int32_t pad_w, int32_t out_h, int32_t out_w) {
    mml__conv_s8_t p;
    memset(&p, 0, sizeof(p));
    p.w = (mml__window_t){1, h, w, out_h, out_w, k_h, k_w, stride, stride, 1, 1, pad_h, pad_w};
    p.in_c = p.filt_c = in_c;
    p.out_c = out_c;
    p.depth_multiplier = 1;
    quant(&p.q, out_c);
    const uint32_t k = (uint32_t)(k_h * k_w * in_c);
    const size_t n_out = (size_t)out_h * out_w * out_c;
    uint32_t t = now();
    mml__conv2d_s8_ref(&p, in, weights, bias, out_ref);
    const uint32_t t_ref = t - now();
    t = now();
    mml__conv2d_s8_arm(&p, in, weights, bias, out_arm, scratch);
    const uint32_t t_arm = t - now();
    report("CONV_2D", shape, (unsigned long)n_out * k, t_ref, t_arm, n_out);
}

static void dwconv(const char *shape, int32_t h, int32_t w, int32_t in_c, int32_t dm, int32_t k_h,
    int32_t k_w, int32_t stride, int32_t pad_h, int32_t pad_w, int32_t out_h, int32_t out_w) {
    mml__conv_s8_t p;
    memset(&p, 0, sizeof(p));
    p.w = (mml__window_t){1, h, w, out_h, out_w, k_h, k_w, stride, stride, 1, 1, pad_h, pad_w};
    p.in_c = in_c;
    p.out_c = in_c * dm;
    p.filt_c = 1;
    p.depth_multiplier = dm;
    quant(&p.q, p.out_c);
    const size_t n_out = (size_t)out_h * out_w * p.out_c;
    uint32_t t = now();
    mml__depthwise_conv2d_s8_ref(&p, in, weights, bias, out_ref);
    const uint32_t t_ref = t - now();
    t = now();
    mml__depthwise_conv2d_s8_arm(&p, in, weights, bias, out_arm, scratch);
    const uint32_t t_arm = t - now();
    report("DEPTHWISE_CONV_2D", shape, (unsigned long)n_out * k_h * k_w, t_ref, t_arm, n_out);
}

static void fc(const char *shape, uint32_t depth, uint32_t units) {
    mml__fc_s8_t p;
    memset(&p, 0, sizeof(p));
    p.batches = 1;
    p.depth = depth;
    p.units = units;
    p.per_channel = 0;
    quant(&p.q, (int32_t)units);
    uint32_t t = now();
    mml__fully_connected_s8_ref(&p, in, weights, bias, out_ref);
    const uint32_t t_ref = t - now();
    t = now();
    mml__fully_connected_s8_arm(&p, in, weights, bias, out_arm, scratch);
    const uint32_t t_arm = t - now();
    report("FULLY_CONNECTED", shape, (unsigned long)depth * units, t_ref, t_arm, units);
}

// A whole UNIDIRECTIONAL_SEQUENCE_LSTM sequence (batch 1) from zero state, with rescalings in
// the ranges of mnist_lstm_int8's.
static void lstm(const char *shape, uint32_t steps, uint32_t in_dim, uint32_t state) {
    static int8_t h[2][128];
    static int16_t c[2][128];
    mml__lstm_s8_t p;
    memset(&p, 0, sizeof(p));
    p.batches = 1;
    p.steps = steps;
    p.in_dim = in_dim;
    p.state = state;
    p.input_offset = 128;
    p.hidden_offset = 0;
    for (int g = 0; g < 4; g++) {
        p.w_q[g] = (mml__lstm_qm_t){0x60000000 + 1000 * g, -2};
        p.r_q[g] = (mml__lstm_qm_t){0x48000000 + 1000 * g, -1};
    }
    p.forget_q = (mml__lstm_qm_t){0x7FFF4000, -14};
    p.input_q = (mml__lstm_qm_t){0x7FFF4000, -18};
    p.output_q = (mml__lstm_qm_t){0x4188C000, -22};
    mml__lstm_s8_weights_t wt;
    for (int g = 0; g < 4; g++) { // overlapping, inside weights[] (64 KB) for state * in_dim < 28 KB
        wt.w[g] = weights + 1024u * g;
        wt.r[g] = weights + 32768u + 1024u * g;
        wt.bias[g] = bias + g * state;
    }
    memset(h, 0, sizeof(h));
    memset(c, 0, sizeof(c));
    uint32_t t = now();
    mml__unidirectional_sequence_lstm_s8_ref(&p, &wt, in, h[0], c[0], out_ref, scratch);
    const uint32_t t_ref = t - now();
    t = now();
    mml__unidirectional_sequence_lstm_s8_arm(&p, &wt, in, h[1], c[1], out_arm, scratch);
    const uint32_t t_arm = t - now();
    report("UNIDIRECTIONAL_SEQUENCE_LSTM", shape,
        (unsigned long)steps * 4u * state * (in_dim + state), t_ref, t_arm, steps * state);
}

int main(void) {
    TIMER0[2] = 0xFFFFFFFFu;
    TIMER0[1] = 0xFFFFFFFFu;
    TIMER0[0] = 1;
    uint32_t seed = 1;
    for (size_t i = 0; i < sizeof(in); i++) {
        seed = seed * 1103515245u + 12345u;
        in[i] = (int8_t)(seed >> 24);
    }
    for (size_t i = 0; i < sizeof(weights); i++) {
        seed = seed * 1103515245u + 12345u;
        weights[i] = (int8_t)(seed >> 24);
    }
    printf("| op | shape (model) | MACs | _ref instr | /MAC | DSP instr | /MAC | speed-up | same "
           "bytes |\n");
    printf("|---|---|---:|---:|---:|---:|---:|---:|:-:|\n");
    conv("1x1, 25x5x64 -> 64 (mlperf_kws)", 25, 5, 64, 64, 1, 1, 1, 0, 0, 25, 5);
    conv("1x1, 12x12x128 -> 128 (person_detection)", 12, 12, 128, 128, 1, 1, 1, 0, 0, 12, 12);
    conv("3x3, 16x16x16 -> 32, same (mlperf_ic-like)", 16, 16, 16, 32, 3, 3, 1, 1, 1, 16, 16);
    conv("10x4 stride 2, 49x10x1 -> 64 (mlperf_kws)", 49, 10, 1, 64, 10, 4, 2, 4, 1, 25, 5);
    dwconv("3x3, 25x5x64, same (mlperf_kws)", 25, 5, 64, 1, 3, 3, 1, 1, 1, 25, 5);
    dwconv("3x3, 24x24x32, same (person_detection)", 24, 24, 32, 1, 3, 3, 1, 1, 1, 24, 24);
    dwconv("3x3 stride 2, 24x24x64 (person_detection)", 24, 24, 64, 1, 3, 3, 2, 0, 0, 12, 12);
    dwconv("10x8 x8 stride 2, 49x40x1 (micro_speech)", 49, 40, 1, 8, 10, 8, 2, 4, 3, 25, 20);
    fc("640 -> 128 (mlperf_ad)", 640, 128);
    fc("128 -> 128 (mlperf_ad)", 128, 128);
    fc("4000 -> 4 (micro_speech)", 4000, 4);
    lstm("28 steps, 28 -> 20 (mnist_lstm_int8)", 28, 28, 20);
    lstm("49 steps, 257 -> 80 (micro_speech_lstm)", 49, 257, 80);
    printf("%s\n", all_equal ? "all outputs equal" : "OUTPUTS DIFFER");
    return all_equal ? 0 : 1;
}
