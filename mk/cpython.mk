# SPDX-License-Identifier: MIT
# The CPython extension build/python/microml$(EXT_SUFFIX) for the interpreter $(PYTHON) (set it on
# the command line: `make python PYTHON=/path/to/python3`): the core plus bindings/cpython/ and
# the API layer both bindings share (bindings/common/), compiled with plain $(HOST_CC)
# (no setuptools; `pip install .` uses setup.py instead). Core files
# get the core's own $(CORE_WARN); per-object .d files (-MMD) rebuild exactly what a changed
# source or header touches. The interpreter's identity (path, version, EXT_SUFFIX, include dir)
# is kept in a stamp file the binding depends on, so another interpreter rebuilds it (the core's
# objects are shared). build/python holds one extension, for the last interpreter built (the
# others' are removed: they would be older than the sources), recorded in
# microml_build_info.json; build/python/microml.py (bindings/cpython/wrong_python.py) tells any
# other interpreter which one it was built for.
PY_ID := $(shell $(PYTHON) -c "import sys, sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'), \
    sysconfig.get_paths()['include'], sys.executable, sys.version.split()[0])" 2>/dev/null)
ifneq ($(filter python all,$(or $(MAKECMDGOALS),all)),)
ifneq ($(words $(PY_ID)),4)
$(error PYTHON=$(PYTHON): not a Python interpreter that can report its EXT_SUFFIX and include dir)
endif
endif
PY_EXT_SUFFIX := $(word 1,$(PY_ID))
PY_INCLUDE := $(word 2,$(PY_ID))
PY_BUILD := $(BUILD)/python
PY_EXT := $(PY_BUILD)/microml$(PY_EXT_SUFFIX)

PY_BIND_SRC := $(sort $(wildcard $(TOP)/bindings/cpython/*.c $(TOP)/bindings/common/*.c))
PY_CORE_OBJ := $(patsubst $(TOP)/%.c,$(PY_BUILD)/obj/%.o,$(CORE_SRC))
PY_BIND_OBJ := $(patsubst $(TOP)/%.c,$(PY_BUILD)/obj/%.o,$(PY_BIND_SRC))

# -fvisibility=hidden: only PyInit_microml is exported, the core's symbols stay private.
PY_CFLAGS := $(HOST_CFLAGS) $(HOST_SIMD_FLAGS) -fPIC -fvisibility=hidden -MMD -MP
PY_BIND_WARN := $(CORE_WARN) -Wmissing-prototypes
# Flags live in the makefiles: editing them rebuilds.
PY_MK := $(TOP)/mk/cpython.mk $(TOP)/mk/core.mk

.PHONY: python python-sources
python: $(PY_EXT) $(PY_BUILD)/microml.py
	@echo "microml for $(word 3,$(PY_ID)) (Python $(word 4,$(PY_ID))): $(PY_EXT)"

# The C files the extension is built from (setup.py globs the same; tests compare the two).
python-sources:
	@echo $(patsubst $(TOP)/%,%,$(CORE_SRC) $(PY_BIND_SRC))

$(PY_BUILD)/obj/src/%.o: $(TOP)/src/%.c $(PY_MK) $(HOST_SIMD_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(PY_CFLAGS) $(CORE_WARN) $(CORE_INC) -c $< -o $@

# What the binding was compiled for, rewritten only when the interpreter changes.
PY_STAMP := $(PY_BUILD)/interpreter.txt
$(shell mkdir -p $(PY_BUILD) && echo '$(PY_ID)' | cmp -s - $(PY_STAMP) || echo '$(PY_ID)' > $(PY_STAMP))

$(PY_BUILD)/obj/bindings/%.o: $(TOP)/bindings/%.c $(PY_MK) $(PY_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(PY_CFLAGS) $(PY_BIND_WARN) $(CORE_INC) -I$(PY_INCLUDE) -c $< -o $@

# The object list as a file that changes only when the list does: a removed source relinks.
PY_OBJ_LIST := $(PY_BUILD)/objects.txt
$(shell mkdir -p $(PY_BUILD) && echo '$(PY_CORE_OBJ) $(PY_BIND_OBJ)' | cmp -s - $(PY_OBJ_LIST) \
    || echo '$(PY_CORE_OBJ) $(PY_BIND_OBJ)' > $(PY_OBJ_LIST))

$(PY_EXT): $(PY_CORE_OBJ) $(PY_BIND_OBJ) $(PY_OBJ_LIST)
	@mkdir -p $(@D)
	$(HOST_CC) -shared -o $@ $(PY_CORE_OBJ) $(PY_BIND_OBJ) -lm
	rm -f $(filter-out $@,$(wildcard $(PY_BUILD)/microml*.so))
	$(PYTHON) $(TOP)/bindings/cpython/wrong_python.py --record $@

$(PY_BUILD)/microml.py: $(TOP)/bindings/cpython/wrong_python.py
	cp $< $@

-include $(PY_CORE_OBJ:.o=.d) $(PY_BIND_OBJ:.o=.d)
