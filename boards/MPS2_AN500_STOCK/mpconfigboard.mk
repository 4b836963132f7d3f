# SPDX-License-Identifier: MIT
# Arm MPS2 AN500 (Cortex-M7, double-precision FPU) on qemu-system-arm -machine mps2-an500, as an
# out-of-tree board of MicroPython's qemu port, without microml (it loads the armv7emdp .mpy):
# make BOARD=MPS2_AN500_STOCK BOARD_DIR=<abs>/boards/MPS2_AN500_STOCK.
# Same SSRAM1/UART0 map as AN385 (4 MB RAM at 0, CMSDK UART0 at 0x40004000), so the port's
# linker script and QEMU_SOC_MPS2 serve as they are; the 16 MB PSRAM is at 0x60000000 on this
# board (0x21000000 on AN385/AN386). board.c only enables the FPU, which the port never does.
QEMU_ARCH = arm
QEMU_MACHINE = mps2-an500

CFLAGS += -mthumb -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard
CFLAGS += -DQEMU_SOC_MPS2
CFLAGS += -DMICROPY_HW_MCU_NAME='"Cortex-M7"'

LDSCRIPT = mcu/arm/mps2.ld
# _start calls uart_init first: board.c's wrapper turns the FPU on before any float instruction.
LDFLAGS += -Wl,--wrap=uart_init

SRC_C += $(BOARD_DIR)/board.c
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o

MPY_CROSS_FLAGS += -march=armv7emdp
