# SPDX-License-Identifier: MIT
# BBC micro:bit (nRF51, Cortex-M0) on qemu-system-arm -machine microbit with 512 KB RAM and 8 MB
# flash (tools/run-on-qemu loads files above the firmware), as an
# out-of-tree board of MicroPython's qemu port, with the native emitter on so that armv6m .mpy
# files load (the stock MICROBIT board turns it off): BOARD=MICROBIT_NATIVE BOARD_DIR=<abs>/...
QEMU_ARCH = arm
QEMU_MACHINE = microbit
QEMU_ARGS += -global nrf51-soc.flash-size=8388608 -global nrf51-soc.sram-size=524288

CFLAGS += -mthumb -mcpu=cortex-m0 -mfloat-abi=soft
CFLAGS += -DQEMU_SOC_NRF51
CFLAGS += -DMICROPY_HW_MCU_NAME='"nRF51"'
CFLAGS += -I$(BOARD_DIR) -DMP_CONFIGFILE='"board_config.h"'

# The port's nrf51.ld with the RAM region grown to the 512 KB given to qemu: the armv6m .mpy is
# copied into the heap (~100 KB, and growing with the ops), next to the arenas of the models.
LDSCRIPT = $(BUILD)/nrf51_512k.ld
$(LDSCRIPT): mcu/arm/nrf51.ld
	mkdir -p $(BUILD)
	sed 's/LENGTH = 256K/LENGTH = 512K/' $< > $@
	grep -q 'LENGTH = 512K' $@
# The port's `all` stays the default goal.
.DEFAULT_GOAL := all

SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb1.o

MPY_CROSS_FLAGS += -march=armv6m
SRC_C += $(BOARD_DIR)/../romfs_ioctl.c
