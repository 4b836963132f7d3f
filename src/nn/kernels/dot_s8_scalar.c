// SPDX-License-Identifier: MIT
// The inner loop of the scalar CONV_2D and FULLY_CONNECTED variants (prim_scalar.h): four int8
// weight rows against one int32 column. On ARMv6-M (Cortex-M0/M0+: 8 low registers, no
// multiply-accumulate) a hand-scheduled loop, 15 instructions per 4 products; elsewhere plain C.
#include "nn/kernels/prim_scalar.h"
#include "nn/ops.h"

#if MML_ARCH_SCALAR && (MML_OP_ON(CONV_2D) || MML_OP_ON(FULLY_CONNECTED))

#if defined(__ARM_ARCH_6M__)
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
#else
void mml__dot_4r_s8_i32(const int8_t *w, int32_t stride, const int32_t *x, int32_t n,
    uint32_t *acc) {
    const int8_t *w0 = w, *w1 = w + stride, *w2 = w1 + stride, *w3 = w2 + stride;
    uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (int32_t i = 0; i < n; i++) {
        const int32_t v = x[i];
        a0 += (uint32_t)(v * (int32_t)w0[i]);
        a1 += (uint32_t)(v * (int32_t)w1[i]);
        a2 += (uint32_t)(v * (int32_t)w2[i]);
        a3 += (uint32_t)(v * (int32_t)w3[i]);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}
#endif

#endif // MML_ARCH_SCALAR && (MML_OP_ON(CONV_2D) || MML_OP_ON(FULLY_CONNECTED))
