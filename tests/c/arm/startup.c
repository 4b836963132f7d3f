// SPDX-License-Identifier: MIT
// Bare-metal start of the C tests built for QEMU's Cortex-M boards (mps2-an386: Cortex-M4F;
// mps2-an385: Cortex-M3; microbit: Cortex-M0): the vector table, and a reset handler that enables
// the FPU (if the build uses it), sets up .data and .bss and runs main with
// newlib's semihosting library (rdimon: stdio and exit through qemu -semihosting).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern uint32_t __stack_top, __etext, __data_start__, __data_end__, __bss_start__, __bss_end__;
extern void initialise_monitor_handles(void);
int main(void);

// newlib's exit() runs the .fini_array through _fini (crti.o, left out with the start files).
void _fini(void);
void _fini(void) {
}

void reset_handler(void);
void reset_handler(void) {
#if defined(__ARM_FP)
    // CPACR: full access to CP10 and CP11 (the FPU), before any float instruction.
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n isb");
#endif
    memcpy(&__data_start__, &__etext, (size_t)((char *)&__data_end__ - (char *)&__data_start__));
    memset(&__bss_start__, 0, (size_t)((char *)&__bss_end__ - (char *)&__bss_start__));
    initialise_monitor_handles();
    exit(main());
}

static void fault_handler(void) {
    // A fault ends the run through semihosting SYS_EXIT (reason: internal error).
    register uint32_t r0 __asm__("r0") = 0x18;
    register uint32_t r1 __asm__("r1") = 0x20024;
    __asm__ volatile("bkpt 0xab" : : "r"(r0), "r"(r1));
    for (;;) {
    }
}

__attribute__((section(".isr_vector"), used)) static void (*const vectors[16])(
    void) = {(void (*)(void))(&__stack_top), reset_handler, fault_handler, fault_handler,
    fault_handler, fault_handler, fault_handler, 0, 0, 0, 0, fault_handler, fault_handler, 0,
    fault_handler, fault_handler};
