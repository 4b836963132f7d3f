// SPDX-License-Identifier: MIT
// MPS2_AN386 board support: FPU enable at reset, and time.ticks_*() from CMSDK APB timer0.
// Timer0 counts down from 0xffffffff at the 25 MHz system clock, so ticks_cpu() is 25 MHz ticks;
// under qemu -icount shift=N, one tick is 40 ns = 40 / 2^N guest instructions.
#include <stdint.h>
#include "py/mphal.h"

#define MPS2_CPU_HZ (25000000u)
#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88)
#define TIMER0_CTRL (*(volatile uint32_t *)0x40000000)
#define TIMER0_VALUE (*(volatile uint32_t *)0x40000004)
#define TIMER0_RELOAD (*(volatile uint32_t *)0x40000008)

void __real_uart_init(void);

// Runs first thing after reset (linked with --wrap=uart_init), before any float instruction.
void __wrap_uart_init(void) {
    SCB_CPACR |= 0xFu << 20; // CP10, CP11: full access
    __asm volatile ("dsb\n\tisb" ::: "memory");
    TIMER0_RELOAD = 0xffffffffu;
    TIMER0_VALUE = 0xffffffffu;
    TIMER0_CTRL = 1u; // enable, free running
    __real_uart_init();
}

mp_uint_t mp_hal_ticks_cpu(void) {
    return 0xffffffffu - TIMER0_VALUE;
}

mp_uint_t mp_hal_ticks_us(void) {
    return mp_hal_ticks_cpu() / (MPS2_CPU_HZ / 1000000u);
}

mp_uint_t mp_hal_ticks_ms(void) {
    return mp_hal_ticks_cpu() / (MPS2_CPU_HZ / 1000u);
}

void mp_hal_delay_us(mp_uint_t us) {
    mp_uint_t t0 = mp_hal_ticks_cpu();
    while (mp_hal_ticks_cpu() - t0 < us * (MPS2_CPU_HZ / 1000000u)) {
    }
}

void mp_hal_delay_ms(mp_uint_t ms) {
    while (ms-- > 0) {
        mp_hal_delay_us(1000);
    }
}
