// SPDX-License-Identifier: MIT
// The inner loops of the scalar variants (prim_scalar.h): int8 values plus the input offset widened
// to int32, four int8 weight rows against one int32 column (CONV_2D, FULLY_CONNECTED), and the
// 3x3 depthwise window of every channel of a pixel.
// On ARMv6-M (Cortex-M0/M0+: 8 low registers, no multiply-accumulate) hand-scheduled loops;
// elsewhere plain C.
#include "nn/kernels/prim_scalar.h"
#include "nn/ops.h"

#if MML_ARCH_SCALAR &&                                                                            \
    (MML_OP_ON(CONV_2D) || MML_OP_ON(DEPTHWISE_CONV_2D) || MML_OP_ON(FULLY_CONNECTED))

#if MML_ISA_ARM_V6M
// Four values a step: LDRB (immediate offsets) and SXTB, the offset added, one STM.
__attribute__((naked)) void mml__widen_s8(const int8_t *src, int32_t *dst, int32_t n,
    int32_t offset) {
    __asm__ volatile(
        ".syntax unified\n"
        "push {r4, r5, r6, r7, lr}\n"
        "subs r2, r2, #4\n"
        "blt 2f\n"
        "1:\n"
        "ldrb r4, [r0, #0]\n"
        "sxtb r4, r4\n"
        "adds r4, r4, r3\n"
        "ldrb r5, [r0, #1]\n"
        "sxtb r5, r5\n"
        "adds r5, r5, r3\n"
        "ldrb r6, [r0, #2]\n"
        "sxtb r6, r6\n"
        "adds r6, r6, r3\n"
        "ldrb r7, [r0, #3]\n"
        "sxtb r7, r7\n"
        "adds r7, r7, r3\n"
        "stm r1!, {r4, r5, r6, r7}\n"
        "adds r0, r0, #4\n"
        "subs r2, r2, #4\n"
        "bge 1b\n"
        "2:\n"
        "adds r2, r2, #4\n"
        "beq 4f\n"
        "3:\n"
        "ldrb r4, [r0]\n"
        "sxtb r4, r4\n"
        "adds r4, r4, r3\n"
        "stm r1!, {r4}\n"
        "adds r0, r0, #1\n"
        "subs r2, r2, #1\n"
        "bne 3b\n"
        "4:\n"
        "pop {r4, r5, r6, r7, pc}\n");
}

// Registers: r0-r3 and r4-r5 the rows' end pointers (w + r * stride + n), read at the common
// negative index r3 (-n up to 0: LDRSB's register offset sign-extends for free); r2 the column
// (LDM post-increments it); r6 the column value; r7 the product; r8-r11 the four sums (ADD takes
// high registers). acc: the fifth argument, on the stack.
__attribute__((naked)) void mml__dot_4r_s8_i32(const int8_t *w, int32_t stride, const int32_t *x,
    int32_t n, uint32_t *acc) {
    __asm__ volatile(
        ".syntax unified\n"
        "push {r4, r5, r6, r7, lr}\n"
        "mov r4, r8\n"
        "mov r5, r9\n"
        "mov r6, r10\n"
        "mov r7, r11\n"
        "push {r4, r5, r6, r7}\n"
        "ldr r7, [sp, #36]\n" // acc
        "ldr r4, [r7, #0]\n"
        "mov r8, r4\n"
        "ldr r4, [r7, #4]\n"
        "mov r9, r4\n"
        "ldr r4, [r7, #8]\n"
        "mov r10, r4\n"
        "ldr r4, [r7, #12]\n"
        "mov r11, r4\n"
        "adds r0, r0, r3\n" // row 0's end
        "adds r4, r0, r1\n" // row 1's
        "adds r5, r4, r1\n" // row 2's
        "adds r1, r5, r1\n" // row 3's
        "rsbs r3, r3, #0\n"
        "beq 2f\n"
        "1:\n"
        "ldm r2!, {r6}\n"
        "ldrsb r7, [r0, r3]\n"
        "muls r7, r6, r7\n"
        "add r8, r7\n"
        "ldrsb r7, [r4, r3]\n"
        "muls r7, r6, r7\n"
        "add r9, r7\n"
        "ldrsb r7, [r5, r3]\n"
        "muls r7, r6, r7\n"
        "add r10, r7\n"
        "ldrsb r7, [r1, r3]\n"
        "muls r7, r6, r7\n"
        "add r11, r7\n"
        "adds r3, r3, #1\n"
        "bne 1b\n"
        "2:\n"
        "ldr r7, [sp, #36]\n"
        "mov r4, r8\n"
        "str r4, [r7, #0]\n"
        "mov r4, r9\n"
        "str r4, [r7, #4]\n"
        "mov r4, r10\n"
        "str r4, [r7, #8]\n"
        "mov r4, r11\n"
        "str r4, [r7, #12]\n"
        "pop {r4, r5, r6, r7}\n"
        "mov r8, r4\n"
        "mov r9, r5\n"
        "mov r10, r6\n"
        "mov r11, r7\n"
        "pop {r4, r5, r6, r7, pc}\n");
}

// Registers: r0 and r1 the channel's input and filter taps (row by row, then back to the next
// channel), r2 = c and r3 = 2c the offsets of the second and third taps of a row (LDRSB's
// register offset; the first: LDRB and SXTB), r4 x, r5 f, r6 the sum, r7 sums (STM
// post-increments it); r8 row_step, r9 3c, r10 and r11 the rewinds to the next channel's first
// tap, r12 the end of sums. 52 instructions per channel (9 products).
__attribute__((naked)) void mml__dw3x3_s8(const int8_t *in, const int8_t *f, int32_t n, int32_t c,
    int32_t row_step, uint32_t *sums) {
    __asm__ volatile(
        ".syntax unified\n"
        "push {r4, r5, r6, r7, lr}\n"
        "mov r4, r8\n"
        "mov r5, r9\n"
        "mov r6, r10\n"
        "mov r7, r11\n"
        "push {r4, r5, r6, r7}\n"
        "ldr r4, [sp, #36]\n" // row_step
        "mov r8, r4\n"
        "lsls r5, r4, #1\n"
        "movs r6, #1\n"
        "subs r6, r6, r5\n" // 1 - 2 * row_step
        "mov r10, r6\n"
        "adds r5, r3, r3\n"
        "adds r5, r5, r3\n" // 3c
        "mov r9, r5\n"
        "lsls r6, r5, #1\n"
        "movs r4, #1\n"
        "subs r4, r4, r6\n" // 1 - 6c
        "mov r11, r4\n"
        "ldr r7, [sp, #40]\n" // sums
        "lsls r4, r2, #2\n"
        "adds r4, r7, r4\n"
        "mov r12, r4\n"
        "movs r2, r3\n"
        "adds r3, r3, r3\n"
        "cmp r7, r12\n"
        "beq 2f\n"
        "1:\n"
        "movs r6, #0\n"
        "ldrb r4, [r0]\n"
        "sxtb r4, r4\n"
        "ldrb r5, [r1]\n"
        "sxtb r5, r5\n"
        "muls r4, r5, r4\n"
        "adds r6, r6, r4\n"
        "ldrsb r4, [r0, r2]\n"
        "ldrsb r5, [r1, r2]\n"
        "muls r4, r5, r4\n"
        "adds r6, r6, r4\n"
        "ldrsb r4, [r0, r3]\n"
        "ldrsb r5, [r1, r3]\n"
        "muls r4, r5, r4\n"
        "adds r6, r6, r4\n"
        "add r0, r8\n"
        "add r1, r9\n"
        "ldrb r4, [r0]\n"
        "sxtb r4, r4\n"
        "ldrb r5, [r1]\n"
        "sxtb r5, r5\n"
        "muls r4, r5, r4\n"
        "adds r6, r6, r4\n"
        "ldrsb r4, [r0, r2]\n"
        "ldrsb r5, [r1, r2]\n"
        "muls r4, r5, r4\n"
        "adds r6, r6, r4\n"
        "ldrsb r4, [r0, r3]\n"
        "ldrsb r5, [r1, r3]\n"
        "muls r4, r5, r4\n"
        "adds r6, r6, r4\n"
        "add r0, r8\n"
        "add r1, r9\n"
        "ldrb r4, [r0]\n"
        "sxtb r4, r4\n"
        "ldrb r5, [r1]\n"
        "sxtb r5, r5\n"
        "muls r4, r5, r4\n"
        "adds r6, r6, r4\n"
        "ldrsb r4, [r0, r2]\n"
        "ldrsb r5, [r1, r2]\n"
        "muls r4, r5, r4\n"
        "adds r6, r6, r4\n"
        "ldrsb r4, [r0, r3]\n"
        "ldrsb r5, [r1, r3]\n"
        "muls r4, r5, r4\n"
        "adds r6, r6, r4\n"
        "add r0, r10\n"
        "add r1, r11\n"
        "stm r7!, {r6}\n"
        "cmp r7, r12\n"
        "bne 1b\n"
        "2:\n"
        "pop {r4, r5, r6, r7}\n"
        "mov r8, r4\n"
        "mov r9, r5\n"
        "mov r10, r6\n"
        "mov r11, r7\n"
        "pop {r4, r5, r6, r7, pc}\n");
}
#else
void mml__widen_s8(const int8_t *src, int32_t *dst, int32_t n, int32_t offset) {
    for (int32_t i = 0; i < n; i++) {
        dst[i] = (int32_t)src[i] + offset;
    }
}

void mml__dot_4r_s8_i32(const int8_t *w, int32_t stride, const int32_t *x, int32_t n,
    uint32_t *acc) {
    const int8_t *w0 = w, *w1 = w + stride, *w2 = w1 + stride, *w3 = w2 + stride;
    uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
#if MML_ISA_RISCV
    // Four values a step, each row's pointer bumped once per step: RISC-V has no register-plus-
    // register addressing (rv32imc, mlperf_kws: 1.29x fewer instructions than the loop below,
    // which on the Cortex-M3, 13 registers, beats this one by 1.16x).
    for (; n >= 4; n -= 4, x += 4, w0 += 4, w1 += 4, w2 += 4, w3 += 4) {
        const int32_t v0 = x[0], v1 = x[1], v2 = x[2], v3 = x[3];
        a0 += (uint32_t)(v0 * w0[0]) + (uint32_t)(v1 * w0[1]) + (uint32_t)(v2 * w0[2]) +
            (uint32_t)(v3 * w0[3]);
        a1 += (uint32_t)(v0 * w1[0]) + (uint32_t)(v1 * w1[1]) + (uint32_t)(v2 * w1[2]) +
            (uint32_t)(v3 * w1[3]);
        a2 += (uint32_t)(v0 * w2[0]) + (uint32_t)(v1 * w2[1]) + (uint32_t)(v2 * w2[2]) +
            (uint32_t)(v3 * w2[3]);
        a3 += (uint32_t)(v0 * w3[0]) + (uint32_t)(v1 * w3[1]) + (uint32_t)(v2 * w3[2]) +
            (uint32_t)(v3 * w3[3]);
    }
#endif
    for (int32_t i = 0; i < n; i++) {
        const int32_t v = x[i];
        a0 += (uint32_t)(v * w0[i]);
        a1 += (uint32_t)(v * w1[i]);
        a2 += (uint32_t)(v * w2[i]);
        a3 += (uint32_t)(v * w3[i]);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

void mml__dw3x3_s8(const int8_t *in, const int8_t *f, int32_t n, int32_t c, int32_t row_step,
    uint32_t *sums) {
    for (int32_t ch = 0; ch < n; ch++, in++, f++) {
        uint32_t s = 0;
        for (int32_t fy = 0; fy < 3; fy++) {
            const int8_t *ip = in + (size_t)fy * row_step, *fp = f + (size_t)fy * 3 * c;
            s += (uint32_t)((int32_t)ip[0] * fp[0]);
            s += (uint32_t)((int32_t)ip[c] * fp[c]);
            s += (uint32_t)((int32_t)ip[2 * c] * fp[2 * c]);
        }
        sums[ch] = s;
    }
}
#endif

#endif // MML_ARCH_SCALAR && the three ops
