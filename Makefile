# SPDX-License-Identifier: MIT
# microml: one set of C sources, every face. `make` builds them all; `make test` runs every test.
# Each face has its own fragment under mk/ and its own target:
#   cli        build/microml                 host command-line tool      (mk/core.mk)
#   micropython build/micropython            unix port with microml built in  (mk/micropython.mk)
#   micropython-asan build/micropython-asan  the same with AddressSanitizer (for make test)
#   mpy        build/mpy/<arch>/microml.mpy  dynamic native modules      (mk/micropython.mk)
#   qemu       build/qemu/<BOARD>/firmware.elf  Cortex-M firmware        (mk/micropython.mk)
#   python     build/python/microml*.so      CPython extension           (mk/cpython.mk)

TOP := $(abspath .)
BUILD := $(TOP)/build
PYTHON := /usr/bin/python3
MICROML_DATA ?= $(abspath $(TOP)/../shared/data)
export MICROML_DATA

.PHONY: all setup test demo clean format
all: cli micropython mpy qemu python

include mk/core.mk
include mk/micropython.mk
include mk/cpython.mk

setup:
	tools/setup

# Everything from a fresh machine: dependencies, every face, every suite.
test: setup
	$(MAKE) all ctest-build micropython-asan
	tests/run

demo: setup
	$(MAKE) micropython qemu
	tools/demo

format:
	clang-format -i $(CORE_SRC) $(wildcard include/microml/*.h src/*/*.h src/nn/kernels/*.h) \
	    $(wildcard bindings/*/*.c tools/*.c tests/c/*.c)

clean:
	rm -rf $(filter-out $(BUILD)/cache,$(wildcard $(BUILD)/*))
