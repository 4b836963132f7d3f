# SPDX-License-Identifier: MIT
# BBC micro:bit (nRF51, Cortex-M0) on qemu-system-arm -machine microbit with 256 KB RAM and 4 MB
# flash (tools/run-on-qemu loads files above the firmware), as an
# out-of-tree board of MicroPython's qemu port, with the native emitter on so that armv6m .mpy
# files load (the stock MICROBIT board turns it off): BOARD=MICROBIT_NATIVE BOARD_DIR=<abs>/...
QEMU_ARCH = arm
QEMU_MACHINE = microbit
QEMU_ARGS += -global nrf51-soc.flash-size=4194304 -global nrf51-soc.sram-size=262144

CFLAGS += -mthumb -mcpu=cortex-m0 -mfloat-abi=soft
CFLAGS += -DQEMU_SOC_NRF51
CFLAGS += -DMICROPY_HW_MCU_NAME='"nRF51"'
CFLAGS += -I$(BOARD_DIR) -DMP_CONFIGFILE='"board_config.h"'

LDSCRIPT = mcu/arm/nrf51.ld

SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb1.o

MPY_CROSS_FLAGS += -march=armv6m
SRC_C += $(BOARD_DIR)/../romfs_ioctl.c
