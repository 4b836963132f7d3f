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

# The x86-64 SIMD level of the host builds (library, CLI, C tests, CPython extension): the kernel
# variants of src/nn/kernels/*_x86.c with AVX2 (avx2) or SSE4.1 (sse41), or the portable `_ref`
# kernels (none). Default: the best the build machine's CPU has (/proc/cpuinfo); none on other
# architectures. MML_HOST_SIMD=avx2|sse41|none overrides it (e.g. for a binary that must run on
# an older x86-64). Never -march=native: valgrind (benchmarks) does not run AVX-512 code.
ifeq ($(origin MML_HOST_SIMD),undefined)
MML_HOST_SIMD := $(shell [ "$$(uname -m)" = x86_64 ] && { grep -qw avx2 /proc/cpuinfo && echo avx2 \
    || { grep -qw sse4_1 /proc/cpuinfo && echo sse41; }; } 2>/dev/null || echo none)
endif
SIMD_FLAGS_avx2 := -mavx2
SIMD_FLAGS_sse41 := -msse4.1
SIMD_FLAGS_none :=
ifeq ($(filter avx2 sse41 none,$(MML_HOST_SIMD)),)
$(error MML_HOST_SIMD=$(MML_HOST_SIMD): expected avx2, sse41 or none)
endif
HOST_SIMD_FLAGS := $(SIMD_FLAGS_$(MML_HOST_SIMD))
# The level, kept in a file that changes only when it does: the host objects depend on it.
HOST_SIMD_STAMP := $(BUILD)/host-simd.txt
$(shell mkdir -p $(BUILD) && echo '$(MML_HOST_SIMD)' | cmp -s - $(HOST_SIMD_STAMP) \
    || echo '$(MML_HOST_SIMD)' > $(HOST_SIMD_STAMP))

HOST_OBJ := $(patsubst $(TOP)/src/%.c,$(BUILD)/host/obj/%.o,$(CORE_SRC))

# Builds with only some models' ops (MODELS="a.tflite b.tflite"; docs/adding-an-op.md): the op
# list generated into DIR/mml_ops_custom.h (rewritten only when it changes), and the flags that
# make the core read it. The faces' custom builds each have their own DIR.
ops_header = $(PYTHON) $(TOP)/tools/model_ops.py --header $(1)/mml_ops_custom.h $(MODELS)
ops_flags = -DMML_OPS_CUSTOM=1 -I$(1)

.PHONY: cli
cli: $(BUILD)/microml

$(BUILD)/host/obj/%.o: $(TOP)/src/%.c $(CORE_HDR) $(HOST_SIMD_STAMP)
	@mkdir -p $(dir $@)
	@echo "CC $(patsubst $(TOP)/%,%,$<)"
	@$(HOST_CC) $(HOST_CFLAGS) $(HOST_SIMD_FLAGS) $(CORE_WARN) $(CORE_INC) -c -o $@ $<

$(BUILD)/host/libmicroml.a: $(HOST_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/microml: $(TOP)/tools/microml_cli.c $(BUILD)/host/libmicroml.a
	$(HOST_CC) $(HOST_CFLAGS) $(CORE_WARN) $(CORE_INC) -o $@ $< $(BUILD)/host/libmicroml.a

# The C library: build/host/libmicroml.a, or with MODELS build/lib-custom/libmicroml.a with only
# those models' ops (and build/lib-custom/microml, the CLI on it). CC=... for another compiler.
.PHONY: lib
ifeq ($(MODELS),)
lib: $(BUILD)/host/libmicroml.a
else
LIB_CUSTOM := $(BUILD)/lib-custom
LIB_CUSTOM_OBJ := $(patsubst $(TOP)/src/%.c,$(LIB_CUSTOM)/obj/%.o,$(CORE_SRC))
lib: $(LIB_CUSTOM)/libmicroml.a $(LIB_CUSTOM)/microml
# The op list, written while reading the makefiles (only when it changes), so that the objects
# are rebuilt exactly when it does.
ifneq ($(filter lib,$(MAKECMDGOALS)),)
OPS_GEN := $(shell $(call ops_header,$(LIB_CUSTOM)) >&2 || echo failed)
ifneq ($(OPS_GEN),)
$(error tools/model_ops.py failed on MODELS="$(MODELS)")
endif
endif
$(LIB_CUSTOM)/obj/%.o: $(TOP)/src/%.c $(CORE_HDR) $(LIB_CUSTOM)/mml_ops_custom.h $(HOST_SIMD_STAMP)
	@mkdir -p $(dir $@)
	@echo "CC (custom) $(patsubst $(TOP)/%,%,$<)"
	@$(HOST_CC) $(HOST_CFLAGS) $(HOST_SIMD_FLAGS) $(CORE_WARN) $(CORE_INC) \
	    $(call ops_flags,$(LIB_CUSTOM)) -c -o $@ $<
$(LIB_CUSTOM)/libmicroml.a: $(LIB_CUSTOM_OBJ)
	rm -f $@ && ar rcs $@ $^
$(LIB_CUSTOM)/microml: $(TOP)/tools/microml_cli.c $(LIB_CUSTOM)/libmicroml.a
	$(HOST_CC) $(HOST_CFLAGS) $(CORE_WARN) $(CORE_INC) $(call ops_flags,$(LIB_CUSTOM)) -o $@ $< \
	    $(LIB_CUSTOM)/libmicroml.a
endif

# C tests, built with AddressSanitizer and UBSan against their own build of the core, at the host
# SIMD level (the x86 kernel variants where it has them).
# The tests build every optional part of the core (the FlexBuffers reader: mml_config.h).
SAN_BASE := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -DMML_ENABLE_FLEXBUF=1
SAN_FLAGS := $(SAN_BASE) $(HOST_SIMD_FLAGS)
SAN_OBJ := $(patsubst $(TOP)/src/%.c,$(BUILD)/asan/obj/%.o,$(CORE_SRC))
C_TESTS := $(patsubst $(TOP)/tests/c/%.c,$(BUILD)/tests/%,$(wildcard $(TOP)/tests/c/test_*.c))

.PHONY: ctest-build
ctest-build: $(C_TESTS) $(BUILD)/host/libmicroml.a

$(BUILD)/asan/obj/%.o: $(TOP)/src/%.c $(CORE_HDR) $(HOST_SIMD_STAMP)
	@mkdir -p $(dir $@)
	@echo "CC (asan) $(patsubst $(TOP)/%,%,$<)"
	@$(HOST_CC) $(SAN_FLAGS) $(CORE_WARN) $(CORE_INC) -c -o $@ $<

$(BUILD)/asan/libmicroml.a: $(SAN_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/%: $(TOP)/tests/c/%.c $(wildcard $(TOP)/tests/c/*.h) $(BUILD)/asan/libmicroml.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(SAN_FLAGS) $(CORE_WARN) -Wno-unused-function $(CORE_INC) -I$(TOP)/tests/c \
	    -I$(BUILD)/tests/gen -o $@ $< $(BUILD)/asan/libmicroml.a -lm

# test_classic's models and scikit-learn's outputs for them, written at build time by scikit-learn
# and the converter (1.4 MB: not kept in the repository).
$(BUILD)/tests/test_classic: $(BUILD)/tests/gen/test_classic_data.h
$(BUILD)/tests/gen/test_classic_data.h: $(TOP)/tests/c/test_classic_gen.py \
    $(TOP)/tests/py/classic_cases.py $(TOP)/python/microml_tools/sklearn.py
	@mkdir -p $(dir $@)
	/usr/bin/python3 $< > $@.tmp && mv $@.tmp $@

# The fuzzer (libFuzzer from Debian's clang), with ASan and UBSan.
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DMML_ENABLE_FLEXBUF=1
ctest-build: $(BUILD)/fuzz/fuzz_model
$(BUILD)/fuzz/fuzz_model: $(TOP)/tests/fuzz/fuzz_model.c $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(CORE_INC) -o $@ $< $(CORE_SRC)
# FlexBuffers (custom-op options): the reader alone.
ctest-build: $(BUILD)/fuzz/fuzz_flexbuf
$(BUILD)/fuzz/fuzz_flexbuf: $(TOP)/tests/fuzz/fuzz_flexbuf.c $(TOP)/src/core/flexbuf.c $(CORE_HDR)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(CORE_INC) -o $@ $< $(TOP)/src/core/flexbuf.c $(TOP)/src/core/flatbuf.c
ctest-build: $(BUILD)/fuzz/fuzz_classic
$(BUILD)/fuzz/fuzz_classic: $(TOP)/tests/fuzz/fuzz_classic.c $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(CORE_INC) -o $@ $< $(TOP)/src/classic/classic.c $(TOP)/src/core/mathf.c \
	    $(TOP)/src/core/status.c

# The core cross-compiled as the Cortex-M firmware builds it, for the symbol check (no malloc,
# printf, libm or writable data on the targets that matter most).
ARM_CC := arm-none-eabi-gcc
ARM_CPUS := cortex-m0 cortex-m4
ARM_FLAGS_cortex-m0 := -mcpu=cortex-m0 -mthumb -mfloat-abi=soft
ARM_FLAGS_cortex-m4 := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
ARM_LIBS := $(foreach c,$(ARM_CPUS),$(BUILD)/arm/$(c)/libmicroml.a)
ctest-build: $(ARM_LIBS)

define ARM_LIB_RULE
$(BUILD)/arm/$(1)/obj/%.o: $(TOP)/src/%.c $(CORE_HDR)
	@mkdir -p $$(dir $$@)
	@echo "CC ($(1)) $$(patsubst $(TOP)/%,%,$$<)"
	@$(ARM_CC) $(ARM_FLAGS_$(1)) -Os -ffunction-sections -fdata-sections $(CORE_WARN) $(CORE_INC) -c -o $$@ $$<
$(BUILD)/arm/$(1)/libmicroml.a: $(patsubst $(TOP)/src/%.c,$(BUILD)/arm/$(1)/obj/%.o,$(CORE_SRC))
	rm -f $$@ && arm-none-eabi-ar rcs $$@ $$^
endef
$(foreach c,$(ARM_CPUS),$(eval $(call ARM_LIB_RULE,$(c))))

# The TFLM vector suite (tests/c/test_vectors.c) once more through the Cortex-M DSP kernel
# variants, compiled for the host with portable stand-ins for the intrinsics
# (MML_ARM_DSP_EMULATE, nn/kernels/mml_arch.h): prepare's variant choice, scratch and folded
# biases checked on every model under the sanitizers.
DSP_FLAGS := $(SAN_BASE) -DMML_ARM_DSP_EMULATE=1
DSP_OBJ := $(patsubst $(TOP)/src/%.c,$(BUILD)/asan-dsp/obj/%.o,$(CORE_SRC))
ctest-build: $(BUILD)/tests/test_vectors_dsp
$(BUILD)/asan-dsp/obj/%.o: $(TOP)/src/%.c $(CORE_HDR)
	@mkdir -p $(dir $@)
	@echo "CC (asan, DSP variants) $(patsubst $(TOP)/%,%,$<)"
	@$(HOST_CC) $(DSP_FLAGS) $(CORE_WARN) $(CORE_INC) -c -o $@ $<
$(BUILD)/asan-dsp/libmicroml.a: $(DSP_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/tests/test_vectors_dsp: $(TOP)/tests/c/test_vectors.c $(wildcard $(TOP)/tests/c/*.h) \
    $(BUILD)/asan-dsp/libmicroml.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(DSP_FLAGS) $(CORE_WARN) -Wno-unused-function $(CORE_INC) -I$(TOP)/tests/c -o $@ $< \
	    $(BUILD)/asan-dsp/libmicroml.a -lm

# The core without message text (-DMML_ERROR_TEXT=0, mml_config.h) under the sanitizers:
# tests/c/test_terse.c (statuses, op indices, needed/got, damaged models) and the TFLM vector suite.
TERSE_FLAGS := $(SAN_FLAGS) -DMML_ERROR_TEXT=0
TERSE_OBJ := $(patsubst $(TOP)/src/%.c,$(BUILD)/asan-terse/obj/%.o,$(CORE_SRC))
ctest-build: $(BUILD)/tests/test_vectors_terse
$(BUILD)/asan-terse/obj/%.o: $(TOP)/src/%.c $(CORE_HDR) $(HOST_SIMD_STAMP)
	@mkdir -p $(dir $@)
	@echo "CC (asan, no message text) $(patsubst $(TOP)/%,%,$<)"
	@$(HOST_CC) $(TERSE_FLAGS) $(CORE_WARN) $(CORE_INC) -c -o $@ $<
$(BUILD)/asan-terse/libmicroml.a: $(TERSE_OBJ)
	rm -f $@ && ar rcs $@ $^
define TERSE_TEST_RULE
$(BUILD)/tests/$(1): $(TOP)/tests/c/$(2).c $(wildcard $(TOP)/tests/c/*.h) $(BUILD)/asan-terse/libmicroml.a
	@mkdir -p $$(dir $$@)
	$(HOST_CC) $(TERSE_FLAGS) $(CORE_WARN) -Wno-unused-function $(CORE_INC) -I$(TOP)/tests/c -o $$@ $$< \
	    $(BUILD)/asan-terse/libmicroml.a -lm
endef
$(eval $(call TERSE_TEST_RULE,test_terse,test_terse))
$(eval $(call TERSE_TEST_RULE,test_vectors_terse,test_vectors))

# The scalar kernel variants (*_s8_scalar.c: Cortex-M0/M3, RISC-V) compiled for the host
# (MML_ARCH_SCALAR_EMULATE, nn/kernels/mml_arch.h) under the sanitizers: test_kernels against
# `_ref` on random cases, and the TFLM vector suite through prepare's choice of them.
SCALAR_FLAGS := $(SAN_FLAGS) -DMML_ARCH_SCALAR_EMULATE=1
SCALAR_OBJ := $(patsubst $(TOP)/src/%.c,$(BUILD)/asan-scalar/obj/%.o,$(CORE_SRC))
ctest-build: $(BUILD)/tests/test_vectors_scalar $(BUILD)/tests/test_kernels_scalar
$(BUILD)/asan-scalar/obj/%.o: $(TOP)/src/%.c $(CORE_HDR)
	@mkdir -p $(dir $@)
	@echo "CC (asan, scalar variants) $(patsubst $(TOP)/%,%,$<)"
	@$(HOST_CC) $(SCALAR_FLAGS) $(CORE_WARN) $(CORE_INC) -c -o $@ $<
$(BUILD)/asan-scalar/libmicroml.a: $(SCALAR_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/tests/test_vectors_scalar: $(TOP)/tests/c/test_vectors.c $(wildcard $(TOP)/tests/c/*.h) \
    $(BUILD)/asan-scalar/libmicroml.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(SCALAR_FLAGS) $(CORE_WARN) -Wno-unused-function $(CORE_INC) -I$(TOP)/tests/c -o $@ $< \
	    $(BUILD)/asan-scalar/libmicroml.a -lm
$(BUILD)/tests/test_kernels_scalar: $(TOP)/tests/c/test_kernels.c $(wildcard $(TOP)/tests/c/*.h) \
    $(BUILD)/asan/libmicroml.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(SCALAR_FLAGS) $(CORE_WARN) -Wno-unused-function $(CORE_INC) -I$(TOP)/tests/c -o $@ $< \
	    $(BUILD)/asan/libmicroml.a -lm
# The kernel variant tests (tests/c/test_kernels.c) once per x86-64 SIMD level, whatever the
# host level: each runs its variants against `_ref` if the CPU has the level (else says it
# skips). Standalone (the reference kernels compiled in), under the sanitizers.
X86_TEST_LEVELS := sse41 avx2
ifeq ($(shell uname -m),x86_64)
ctest-build: $(foreach l,$(X86_TEST_LEVELS),$(BUILD)/tests/test_kernels_$(l))
endif
$(BUILD)/tests/test_kernels_%: $(TOP)/tests/c/test_kernels.c $(TOP)/tests/c/mml_test.h $(CORE_SRC) \
    $(CORE_HDR)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(SAN_BASE) $(SIMD_FLAGS_$*) $(CORE_WARN) -Wno-unused-function \
	    -DMML_KERNELS_TEST_X86=1 -DMML_KERNELS_TEST_STANDALONE=1 $(CORE_INC) -I$(TOP)/tests/c \
	    -o $@ $< -lm

# With SIMD variants in the host build, the TFLM vector suite once more through the portable
# `_ref` kernels (-DMML_KERNELS_REF=1): both paths stay bit-exact with TFLM.
ifneq ($(MML_HOST_SIMD),none)
REF_FLAGS := $(SAN_BASE) -DMML_KERNELS_REF=1
REF_OBJ := $(patsubst $(TOP)/src/%.c,$(BUILD)/asan-ref/obj/%.o,$(CORE_SRC))
ctest-build: $(BUILD)/tests/test_vectors_ref
$(BUILD)/asan-ref/obj/%.o: $(TOP)/src/%.c $(CORE_HDR)
	@mkdir -p $(dir $@)
	@echo "CC (asan, _ref kernels) $(patsubst $(TOP)/%,%,$<)"
	@$(HOST_CC) $(REF_FLAGS) $(CORE_WARN) $(CORE_INC) -c -o $@ $<
$(BUILD)/asan-ref/libmicroml.a: $(REF_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/tests/test_vectors_ref: $(TOP)/tests/c/test_vectors.c $(wildcard $(TOP)/tests/c/*.h) \
    $(BUILD)/asan-ref/libmicroml.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(REF_FLAGS) $(CORE_WARN) -Wno-unused-function $(CORE_INC) -I$(TOP)/tests/c -o $@ $< \
	    $(BUILD)/asan-ref/libmicroml.a -lm
endif

# The kernel variant tests (tests/c/test_kernels.c) built for the Cortex-M4F: the real DSP
# instructions, run by tests/run on QEMU's mps2-an386 through semihosting (tests/c/arm/).
ARM_TEST_FLAGS := $(ARM_FLAGS_cortex-m4) -O2 -std=gnu99 -Wall -Wextra -Wno-unused-parameter -Werror \
    -DMML_KERNELS_TEST_STANDALONE=1 -nostartfiles --specs=rdimon.specs \
    -T $(TOP)/tests/c/arm/mps2_an386.ld
ctest-build: $(BUILD)/tests-arm/test_kernels.elf
$(BUILD)/tests-arm/test_kernels.elf: $(TOP)/tests/c/test_kernels.c $(TOP)/tests/c/arm/startup.c \
    $(TOP)/tests/c/arm/mps2_an386.ld $(TOP)/tests/c/mml_test.h $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_TEST_FLAGS) $(CORE_INC) -I$(TOP)/tests/c -o $@ $(TOP)/tests/c/arm/startup.c $<

# The same test for the cores without DSP instructions (the scalar variants, *_s8_scalar.c):
# Cortex-M0 code on QEMU's micro:bit (given 512 KB of RAM as MICROBIT_NATIVE, tests/c/arm/
# microbit.ld), Cortex-M3 code on mps2-an385 (the AN386's memory map).
ARM_SCALAR_TEST_FLAGS = -mthumb -mfloat-abi=soft -O2 -std=gnu99 -Wall -Wextra -Wno-unused-parameter \
    -Werror -DMML_KERNELS_TEST_STANDALONE=1 -nostartfiles --specs=rdimon.specs
ARM_SCALAR_LD_m0 := $(TOP)/tests/c/arm/microbit.ld
ARM_SCALAR_LD_m3 := $(TOP)/tests/c/arm/mps2_an386.ld
ctest-build: $(BUILD)/tests-arm/test_kernels_cortex-m0.elf $(BUILD)/tests-arm/test_kernels_cortex-m3.elf
$(BUILD)/tests-arm/test_kernels_cortex-%.elf: $(TOP)/tests/c/test_kernels.c \
    $(TOP)/tests/c/arm/startup.c $(TOP)/tests/c/arm/microbit.ld $(TOP)/tests/c/arm/mps2_an386.ld \
    $(TOP)/tests/c/mml_test.h $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(dir $@)
	$(ARM_CC) -mcpu=cortex-$* $(ARM_SCALAR_TEST_FLAGS) -T $(ARM_SCALAR_LD_$*) $(CORE_INC) \
	    -I$(TOP)/tests/c -o $@ $(TOP)/tests/c/arm/startup.c $<

# And for RISC-V (rv32imac, the nearest of Debian's riscv64-unknown-elf-gcc multilibs to the
# ESP32-C3's rv32imc), on QEMU's virt board with picolibc's semihosting start (exit status kept):
# code and data in its RAM at 0x80000000.
RISCV_CC := riscv64-unknown-elf-gcc
RISCV_TEST_FLAGS := -march=rv32imac -mabi=ilp32 -O2 -std=gnu99 -Wall -Wextra -Wno-unused-parameter \
    -Werror -DMML_KERNELS_TEST_STANDALONE=1 --specs=picolibc.specs --oslib=semihost --crt0=semihost \
    -Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x400000 \
    -Wl,--defsym=__ram=0x80400000 -Wl,--defsym=__ram_size=0x400000 -Wl,--defsym=__stack_size=0x10000
ctest-build: $(BUILD)/tests-riscv/test_kernels_rv32.elf
$(BUILD)/tests-riscv/test_kernels_rv32.elf: $(TOP)/tests/c/test_kernels.c $(TOP)/tests/c/mml_test.h \
    $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(dir $@)
	$(RISCV_CC) $(RISCV_TEST_FLAGS) $(CORE_INC) -I$(TOP)/tests/c -o $@ $<
