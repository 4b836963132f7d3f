# SPDX-License-Identifier: MIT
# microml as a MicroPython user C module (make-based ports: unix, qemu, stm32, ...).
# Build a port with USER_C_MODULES=<abs path to microml>/bindings (mk/micropython.mk does this).
MICROML_MOD_DIR := $(USERMOD_DIR)
MICROML_TOP := $(abspath $(MICROML_MOD_DIR)/../..)

# The binding is scanned for QSTRs; the C core is plain C and is not.
SRC_USERMOD_C += $(MICROML_MOD_DIR)/modmicroml.c

# The Python API both bindings share (bindings/common/): plain C, not scanned for QSTRs.
SRC_USERMOD_LIB_C += $(MICROML_TOP)/bindings/common/mml_py.c
SRC_USERMOD_LIB_C += $(MICROML_TOP)/bindings/common/mml_py_gesture.c
SRC_USERMOD_LIB_C += $(MICROML_TOP)/bindings/common/mml_py_dsp.c
SRC_USERMOD_LIB_C += $(MICROML_TOP)/bindings/common/mml_py_stream.c
SRC_USERMOD_LIB_C += $(MICROML_TOP)/bindings/common/mml_py_anomaly.c

# mk/micropython.mk passes the core's source list (CORE_SRC of mk/core.mk) as MICROML_CORE_SRC;
# building a port by hand falls back to the same directories.
MICROML_CORE_SRC ?= $(sort $(wildcard $(MICROML_TOP)/src/core/*.c $(MICROML_TOP)/src/nn/*.c \
    $(MICROML_TOP)/src/nn/kernels/*.c $(MICROML_TOP)/src/dsp/*.c $(MICROML_TOP)/src/classic/*.c))
SRC_USERMOD_LIB_C += $(MICROML_CORE_SRC)

# The kernels (src/nn/kernels/) and the classical models (src/classic/) at -O2, the rest of the core at the port's COPT (-Os on the
# MCU ports), as TFLite Micro builds its kernels: the kernels' loops are where the time goes.
# On the Cortex-M4F firmware this costs ~17 KB of flash with every op (0.4-4.5 KB per model's
# ops, benchmarks/results.md) for about half the instructions per inference.
# A port short of flash can pass MICROML_KERNEL_COPT= (empty: the port's COPT). The .mpy natmods
# (bindings/micropython/Makefile) stay at -Os: their code lives in RAM. The objects are named
# as py/py.mk names them, so that these target-specific flags apply to its compile rule; they
# depend on this file, so that a change of the flags rebuilds them.
MICROML_KERNEL_COPT ?= -O2
MICROML_KERNEL_O := $(addprefix $(BUILD)/,$(patsubst %.c,%.o,$(patsubst $(USER_C_MODULES)/%.c,%.c,\
    $(filter $(MICROML_TOP)/src/nn/kernels/% $(MICROML_TOP)/src/classic/%,$(MICROML_CORE_SRC)))))
$(MICROML_KERNEL_O): CFLAGS += $(MICROML_KERNEL_COPT)
$(MICROML_KERNEL_O): $(MICROML_MOD_DIR)/micropython.mk

CFLAGS_USERMOD += -I$(MICROML_TOP)/include -I$(MICROML_TOP)/src

# qemu's bare-metal ARM linker scripts do not place .ARM.exidx (see arm_exidx.ld).
ifeq ($(QEMU_ARCH),arm)
LDFLAGS_USERMOD += -Wl,-T,$(MICROML_MOD_DIR)/arm_exidx.ld
endif
