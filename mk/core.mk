# SPDX-License-Identifier: MIT
# The portable C core (src/) and the host command-line tool.
# CORE_SRC is the one list every face compiles; CORE_INC its include flags.
CORE_SRC := $(sort $(wildcard $(TOP)/src/core/*.c $(TOP)/src/nn/*.c $(TOP)/src/nn/kernels/*.c \
    $(TOP)/src/dsp/*.c $(TOP)/src/classic/*.c))
CORE_INC := -I$(TOP)/include -I$(TOP)/src
# The strictest flags of the MicroPython ports the core is built into (unix, qemu, natmod).
CORE_WARN := -std=c99 -Wall -Wextra -Wno-unused-parameter -Wpointer-arith -Wdouble-promotion \
    -Wfloat-conversion -Werror
HOST_CC ?= gcc
HOST_CFLAGS ?= -O2 -g

.PHONY: cli
cli: $(BUILD)/microml

$(BUILD)/host/libmicroml.a: $(CORE_SRC) $(wildcard $(TOP)/include/microml/*.h $(TOP)/src/*/*.h $(TOP)/src/nn/kernels/*.h)
	@mkdir -p $(BUILD)/host/obj
	cd $(BUILD)/host/obj && rm -f *.o && $(HOST_CC) $(HOST_CFLAGS) $(CORE_WARN) $(CORE_INC) -c $(CORE_SRC)
	rm -f $@ && ar rcs $@ $(BUILD)/host/obj/*.o

$(BUILD)/microml: $(TOP)/tools/microml_cli.c $(BUILD)/host/libmicroml.a
	$(HOST_CC) $(HOST_CFLAGS) $(CORE_WARN) $(CORE_INC) -o $@ $< $(BUILD)/host/libmicroml.a
