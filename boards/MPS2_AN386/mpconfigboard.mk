# SPDX-License-Identifier: MIT
# Arm MPS2 AN386 (Cortex-M4F) on qemu-system-arm -machine mps2-an386, as an out-of-tree board
# of MicroPython's qemu port: make BOARD=MPS2_AN386 BOARD_DIR=<abs>/boards/MPS2_AN386.
# Same memory map as AN385 (4 MB RAM at 0, CMSDK UART0 and timers), so the port's linker script
# and QEMU_SOC_MPS2 serve as they are. board.c enables the FPU and adds time.ticks_cpu().
QEMU_ARCH = arm
QEMU_MACHINE = mps2-an386

CFLAGS += -mthumb -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard
CFLAGS += -DQEMU_SOC_MPS2
CFLAGS += -DMICROPY_HW_MCU_NAME='"Cortex-M4F"'
CFLAGS += -I$(BOARD_DIR) -DMP_CONFIGFILE='"board_config.h"'

LDSCRIPT = mcu/arm/mps2.ld
# _start calls uart_init first: board.c's wrapper turns the FPU and timer0 on before anything else.
LDFLAGS += -Wl,--wrap=uart_init

SRC_C += $(BOARD_DIR)/board.c $(BOARD_DIR)/../romfs_ioctl.c
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o

MPY_CROSS_FLAGS += -march=armv7emsp
