# SPDX-License-Identifier: MIT
# microml: one set of C sources, every face. `make` builds them all; `make test` runs every test.
# Each face has its own fragment under mk/ and its own target:
#   cli        build/microml                 host command-line tool      (mk/core.mk)
#   micropython build/micropython            unix port with microml built in  (mk/micropython.mk)
#   micropython-asan build/micropython-asan  the same with AddressSanitizer (for make test)
#   mpy        build/mpy/<arch>/microml.mpy  dynamic native modules      (mk/micropython.mk)
#   qemu       build/qemu/<BOARD>/firmware.elf  Cortex-M firmware        (mk/micropython.mk)
#   python     build/python/microml*.so      CPython extension           (mk/cpython.mk)
#   lib        build/host/libmicroml.a       the C library               (mk/core.mk)
# MODELS="a.tflite b.tflite" builds mpy, qemu and lib with only those models' ops, into
# build/{mpy,qemu,lib}-custom/ (docs/adding-an-op.md); `make custom` is the one the tests check.

TOP := $(abspath .)
BUILD := $(TOP)/build
PYTHON := /usr/bin/python3
MICROML_DATA ?= $(abspath $(TOP)/../shared/data)
export MICROML_DATA

.PHONY: all setup test demo clean format custom
all: cli micropython mpy qemu python

include mk/core.mk
include mk/micropython.mk
include mk/cpython.mk

setup:
	tools/setup

# The custom build the tests check (tests/py/test_custom_build.py, tests/mpy/run): hello_world
# alone, as the C library and CLI and as the .mpy the x64 and Cortex-M4F faces load.
CUSTOM_MODELS := $(MICROML_DATA)/models/tflite-micro/hello_world_int8.tflite
.PHONY: custom
custom:
	$(MAKE) lib mpy MODELS="$(CUSTOM_MODELS)" MPY_ARCHS="x64 armv7emsp"

# Everything from a fresh machine: dependencies, every face, every suite.
test: setup
	$(MAKE) all ctest-build micropython-asan
	$(MAKE) custom
	tests/run

demo: setup
	$(MAKE) micropython qemu
	tools/demo

format:
	clang-format -i $(CORE_SRC) $(wildcard include/microml/*.h src/*/*.h src/nn/kernels/*.h) \
	    $(wildcard bindings/*/*.c tools/*.c tests/c/*.c)

clean:
	rm -rf $(filter-out $(BUILD)/cache,$(wildcard $(BUILD)/*))
