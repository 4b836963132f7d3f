# SPDX-License-Identifier: MIT
# The portable C core (src/) and the host command-line tool.
# CORE_SRC is the one list every face compiles; CORE_INC its include flags.
CORE_SRC := $(sort $(wildcard $(TOP)/src/core/*.c $(TOP)/src/nn/*.c $(TOP)/src/nn/kernels/*.c \
    $(TOP)/src/dsp/*.c $(TOP)/src/classic/*.c))
CORE_HDR := $(wildcard $(TOP)/include/microml/*.h $(TOP)/src/*/*.h $(TOP)/src/nn/kernels/*.h)
CORE_INC := -I$(TOP)/include -I$(TOP)/src
# The strictest flags of the MicroPython ports the core is built into (unix, qemu, natmod).
CORE_WARN := -std=c99 -Wall -Wextra -Wno-unused-parameter -Wpointer-arith -Wdouble-promotion \
    -Wfloat-conversion -Werror
HOST_CC ?= gcc
HOST_CFLAGS ?= -O2 -g

HOST_OBJ := $(patsubst $(TOP)/src/%.c,$(BUILD)/host/obj/%.o,$(CORE_SRC))

.PHONY: cli
cli: $(BUILD)/microml

$(BUILD)/host/obj/%.o: $(TOP)/src/%.c $(CORE_HDR)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(CORE_WARN) $(CORE_INC) -c -o $@ $<

$(BUILD)/host/libmicroml.a: $(HOST_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/microml: $(TOP)/tools/microml_cli.c $(BUILD)/host/libmicroml.a
	$(HOST_CC) $(HOST_CFLAGS) $(CORE_WARN) $(CORE_INC) -o $@ $< $(BUILD)/host/libmicroml.a
