# SPDX-License-Identifier: MIT
# microml as a MicroPython user C module (make-based ports: unix, qemu, stm32, ...).
# Build a port with USER_C_MODULES=<abs path to microml>/bindings (mk/micropython.mk does this).
MICROML_MOD_DIR := $(USERMOD_DIR)
MICROML_TOP := $(abspath $(MICROML_MOD_DIR)/../..)

# The binding is scanned for QSTRs; the C core is plain C and is not.
SRC_USERMOD_C += $(MICROML_MOD_DIR)/modmicroml.c

# mk/micropython.mk passes the core's source list (CORE_SRC of mk/core.mk) as MICROML_CORE_SRC;
# building a port by hand falls back to the same directories.
MICROML_CORE_SRC ?= $(sort $(wildcard $(MICROML_TOP)/src/core/*.c $(MICROML_TOP)/src/nn/*.c \
    $(MICROML_TOP)/src/nn/kernels/*.c $(MICROML_TOP)/src/dsp/*.c $(MICROML_TOP)/src/classic/*.c))
SRC_USERMOD_LIB_C += $(MICROML_CORE_SRC)

CFLAGS_USERMOD += -I$(MICROML_TOP)/include -I$(MICROML_TOP)/src

# qemu's bare-metal ARM linker scripts do not place .ARM.exidx (see arm_exidx.ld).
ifeq ($(QEMU_ARCH),arm)
LDFLAGS_USERMOD += -Wl,-T,$(MICROML_MOD_DIR)/arm_exidx.ld
endif
