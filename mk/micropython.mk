# SPDX-License-Identifier: MIT
# The MicroPython faces of microml, built from the MicroPython source cache of `make setup`:
#   micropython  build/micropython (unix port, microml built in) and build/micropython-stock (without)
#   micropython-asan  build/micropython-asan: the unix port with microml and AddressSanitizer
#   mpy          build/mpy/<arch>/microml.mpy for MPY_ARCHS, and build/mpy/microml_install.py
#   qemu         build/qemu/<BOARD>/firmware.elf for QEMU_BOARDS (see boards/ and the README)
# With MODELS="a.tflite b.tflite", mpy and qemu build only those models' ops (docs/adding-an-op.md):
#   build/mpy-custom/<arch>/microml.mpy and build/qemu-custom/<BOARD>/firmware.elf (the boards
#   with microml built in).
# Ports build in their own tree under a build directory we name in $(BUILD)/mp; results are copied.
# The sub-makes track dependencies themselves, so these targets always descend into them.
MPY_VERSION := 1.25.0
MPY_DIR := $(BUILD)/cache/micropython-$(MPY_VERSION)
MPY_BIND := $(TOP)/bindings/micropython
MPY_ARCHS := x64 armv6m armv7m armv7emsp armv7emdp rv32imc
# Boards with microml built in, and boards without it (for loading the .mpy).
QEMU_BOARDS_MML := MPS2_AN385 MPS2_AN386
QEMU_BOARDS_STOCK := MPS2_AN385_STOCK MICROBIT_NATIVE MPS2_AN500_STOCK VIRT_RV32
QEMU_BOARDS := $(QEMU_BOARDS_MML) $(QEMU_BOARDS_STOCK)
# 3 MB of the MPS2 boards' 4 MB RAM (room for a 300 KB model, its arena and copies of both).
MPS2_HEAP := 3145728
# The Cortex-M0 machine is given 256 KB of RAM (boards/MICROBIT_NATIVE): 224 KB heap, ~30 KB stack.
M0_HEAP := 229376
# VIRT_RV32's linker script (mcu/rv32/virt.ld) gives .data+.bss a 2 MB region (the stack has its
# own 64 KB): 1.75 MB heap.
RV32_HEAP := 1835008
# Debian's riscv64-unknown-elf-gcc 12 picks the rv64 multilib for the port's default
# -march=rv32imac_zicsr (link error "crt0.o: ABI is incompatible"); ISA spec 2.2 has zicsr in i.
# AFLAGS as a whole: entrypoint.s is assembled with $(AFLAGS) alone, and CFLAGS includes it.
RV32_FLAGS := RV32_ARCH=rv32imac AFLAGS="-mabi=ilp32 -march=rv32imac -misa-spec=2.2"

MPY_JOBS ?= -j2
# Everything MicroPython's makefiles need from us; PYTHON must come from the command line
# (py/dynruntime.mk sets it with a plain =) and the submodule-less source wants these off.
MPY_MAKE := $(MAKE) $(MPY_JOBS) PYTHON=$(PYTHON) MICROML_CORE_SRC="$(CORE_SRC)" FROZEN_MANIFEST=
MPY_UNIX_FLAGS := MICROPY_PY_BTREE=0 MICROPY_PY_SSL=0 MICROPY_SSL_MBEDTLS=0

.PHONY: micropython micropython-asan mpy qemu mpy-check
mpy-check:
	@test -f $(MPY_DIR)/py/mpconfig.h || { \
	    echo "MicroPython $(MPY_VERSION) source not found in $(MPY_DIR): run 'make setup'" >&2; exit 1; }

# --- unix port -------------------------------------------------------------------------------
micropython: mpy-check
	$(MPY_MAKE) -C $(MPY_DIR)/ports/unix $(MPY_UNIX_FLAGS) BUILD=$(BUILD)/mp/unix \
	    USER_C_MODULES=$(TOP)/bindings PROG=micropython-microml
	cp $(BUILD)/mp/unix/micropython-microml $(BUILD)/micropython
	$(MPY_MAKE) -C $(MPY_DIR)/ports/unix $(MPY_UNIX_FLAGS) BUILD=$(BUILD)/mp/unix-stock
	cp $(BUILD)/mp/unix-stock/micropython $(BUILD)/micropython-stock

# The same with AddressSanitizer, for tests/api/run's unix-asan face (no read of freed memory
# when a model's buffer moves). py/gc.c already exempts its conservative stack scan from ASan.
micropython-asan: mpy-check
	$(MPY_MAKE) -C $(MPY_DIR)/ports/unix $(MPY_UNIX_FLAGS) BUILD=$(BUILD)/mp/unix-asan \
	    USER_C_MODULES=$(TOP)/bindings PROG=micropython-asan \
	    CFLAGS_EXTRA="-fsanitize=address -fno-omit-frame-pointer" LDFLAGS_EXTRA="-fsanitize=address"
	cp $(BUILD)/mp/unix-asan/micropython-asan $(BUILD)/micropython-asan

# --- native modules --------------------------------------------------------------------------
# armv6m, armv7m and rv32imc default to MICROPY_FLOAT_IMPL=none; float is on here so that
# scale and float inputs work (the core's float math runs on libgcc's soft-float helpers).

# MODELS set: a custom build in its own directory, with the generated op list (mk/core.mk).
MPY_OUT := $(BUILD)/mpy$(if $(MODELS),-custom)

mpy: mpy-check
	$(if $(MODELS),$(call ops_header,$(MPY_OUT)))
	@set -e; for arch in $(MPY_ARCHS); do \
	    mkdir -p $(MPY_OUT)/obj-$$arch $(MPY_OUT)/$$arch; \
	    ln -sf $(MPY_BIND)/Makefile $(MPY_OUT)/obj-$$arch/Makefile; \
	    case $$arch in armv6m|armv7m|rv32imc) fl=MICROPY_FLOAT_IMPL=float;; *) fl=;; esac; \
	    echo "MPY $$arch"; \
	    $(MAKE) --no-print-directory -C $(MPY_OUT)/obj-$$arch MPY_DIR=$(MPY_DIR) ARCH=$$arch \
	        MICROML_TOP=$(TOP) MICROML_CORE_SRC="$(CORE_SRC)" PYTHON=$(PYTHON) $$fl \
	        $(if $(MODELS),CFLAGS_EXTRA="$(call ops_flags,$(MPY_OUT))"); \
	    test -f $(MPY_OUT)/obj-$$arch/microml.mpy; \
	    cp $(MPY_OUT)/obj-$$arch/microml.mpy $(MPY_OUT)/$$arch/microml.mpy; \
	done
	cp $(MPY_BIND)/microml_install.py $(MPY_OUT)/microml_install.py

# --- qemu firmware ---------------------------------------------------------------------------
# One phony target per board: qemu-<BOARD>. qemu_fw: port BOARD, BOARD_DIR or empty, heap bytes,
# 1 to build microml in, extra make arguments. With MODELS set, the boards with microml built in
# get only those models' ops, in build/mp/qemu-custom-<BOARD> and build/qemu-custom/<BOARD>.
QEMU_VAR := $(if $(MODELS),-custom)
define qemu_fw
.PHONY: qemu-$(1)
qemu-$(1): mpy-check
	@# Nor does it regenerate its QSTRs when a board's config enables a feature: start afresh
	@# when a file of our board folder is newer than the last firmware.
	@if [ -n "$(3)" ] && [ -f $$(BUILD)/mp/qemu$$(QEMU_VAR)-$(1)/firmware.elf ] && [ -n "$$$$(find $(3) \
	    $$(TOP)/boards/romfs_ioctl.c -newer $$(BUILD)/mp/qemu$$(QEMU_VAR)-$(1)/firmware.elf 2>/dev/null)" ]; \
	    then echo "qemu$$(QEMU_VAR)-$(1): board files changed, building afresh"; rm -rf $$(BUILD)/mp/qemu$$(QEMU_VAR)-$(1); fi
	$(if $(5),$$(if $$(MODELS),$$(call ops_header,$$(BUILD)/qemu-custom)))
	@# The port does not rebuild main.c (the heap array) when only MICROPY_HEAP_SIZE changes.
	@mkdir -p $$(BUILD)/mp/qemu$$(QEMU_VAR)-$(1); if [ "$$$$(cat $$(BUILD)/mp/qemu$$(QEMU_VAR)-$(1)/heap-size 2>/dev/null)" != "$(4)" ]; \
	    then rm -f $$(BUILD)/mp/qemu$$(QEMU_VAR)-$(1)/main.o; echo "$(4)" > $$(BUILD)/mp/qemu$$(QEMU_VAR)-$(1)/heap-size; fi
	$$(MPY_MAKE) -C $$(MPY_DIR)/ports/qemu BOARD=$(2) $(if $(3),BOARD_DIR=$(3)) \
	    BUILD=$$(BUILD)/mp/qemu$$(QEMU_VAR)-$(1) MICROPY_HEAP_SIZE=$(4) \
	    $(if $(5),USER_C_MODULES=$$(TOP)/bindings \
	    $$(if $$(MODELS),CFLAGS_EXTRA="$$(call ops_flags,$$(BUILD)/qemu-custom)")) $(6)
	mkdir -p $$(BUILD)/qemu$$(QEMU_VAR)/$(1)
	cp $$(BUILD)/mp/qemu$$(QEMU_VAR)-$(1)/firmware.elf $$(BUILD)/qemu$$(QEMU_VAR)/$(1)/firmware.elf
endef

$(eval $(call qemu_fw,MPS2_AN385,MPS2_AN385,,$(MPS2_HEAP),1))
$(eval $(call qemu_fw,MPS2_AN386,MPS2_AN386,$(TOP)/boards/MPS2_AN386,$(MPS2_HEAP),1))
$(eval $(call qemu_fw,MPS2_AN385_STOCK,MPS2_AN385,,$(MPS2_HEAP),))
$(eval $(call qemu_fw,MICROBIT_NATIVE,MICROBIT_NATIVE,$(TOP)/boards/MICROBIT_NATIVE,$(M0_HEAP),))
$(eval $(call qemu_fw,MPS2_AN500_STOCK,MPS2_AN500_STOCK,$(TOP)/boards/MPS2_AN500_STOCK,$(MPS2_HEAP),))
$(eval $(call qemu_fw,VIRT_RV32,VIRT_RV32,,$(RV32_HEAP),,$(RV32_FLAGS)))

qemu: $(addprefix qemu-,$(if $(MODELS),$(QEMU_BOARDS_MML),$(QEMU_BOARDS)))
