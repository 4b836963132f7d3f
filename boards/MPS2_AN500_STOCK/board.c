// SPDX-License-Identifier: MIT
// MPS2_AN500_STOCK board support: FPU enable at reset (hard-float firmware on a Cortex-M7).
#include <stdint.h>

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88)

void __real_uart_init(void);

// Runs first thing after reset (linked with --wrap=uart_init), before any float instruction.
void __wrap_uart_init(void) {
    SCB_CPACR |= 0xFu << 20; // CP10, CP11: full access
    __asm volatile ("dsb\n\tisb" ::: "memory");
    __real_uart_init();
}
