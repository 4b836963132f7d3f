# SPDX-License-Identifier: MIT
# The CPython extension build/python/microml$(EXT_SUFFIX): the core plus bindings/cpython/ and
# the API layer both bindings share (bindings/common/),
# compiled with plain $(HOST_CC) (no setuptools). Core files get the core's own $(CORE_WARN);
# per-object .d files (-MMD) rebuild exactly what a changed source or header touches.
PY_EXT_SUFFIX := $(shell $(PYTHON) -c "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")
PY_INCLUDE := $(shell $(PYTHON) -c "import sysconfig; print(sysconfig.get_paths()['include'])")
PY_BUILD := $(BUILD)/python
PY_EXT := $(PY_BUILD)/microml$(PY_EXT_SUFFIX)

PY_BIND_SRC := $(sort $(wildcard $(TOP)/bindings/cpython/*.c $(TOP)/bindings/common/*.c))
PY_CORE_OBJ := $(patsubst $(TOP)/%.c,$(PY_BUILD)/obj/%.o,$(CORE_SRC))
PY_BIND_OBJ := $(patsubst $(TOP)/%.c,$(PY_BUILD)/obj/%.o,$(PY_BIND_SRC))

# -fvisibility=hidden: only PyInit_microml is exported, the core's symbols stay private.
PY_CFLAGS := $(HOST_CFLAGS) -fPIC -fvisibility=hidden -MMD -MP
PY_BIND_WARN := $(CORE_WARN) -Wmissing-prototypes
# Flags live in the makefiles: editing them rebuilds.
PY_MK := $(TOP)/mk/cpython.mk $(TOP)/mk/core.mk

.PHONY: python
python: $(PY_EXT)

$(PY_BUILD)/obj/src/%.o: $(TOP)/src/%.c $(PY_MK)
	@mkdir -p $(@D)
	$(HOST_CC) $(PY_CFLAGS) $(CORE_WARN) $(CORE_INC) -c $< -o $@

$(PY_BUILD)/obj/bindings/%.o: $(TOP)/bindings/%.c $(PY_MK)
	@mkdir -p $(@D)
	$(HOST_CC) $(PY_CFLAGS) $(PY_BIND_WARN) $(CORE_INC) -I$(PY_INCLUDE) -c $< -o $@

# The object list as a file that changes only when the list does: a removed source relinks.
PY_OBJ_LIST := $(PY_BUILD)/objects.txt
$(shell mkdir -p $(PY_BUILD) && echo '$(PY_CORE_OBJ) $(PY_BIND_OBJ)' | cmp -s - $(PY_OBJ_LIST) \
    || echo '$(PY_CORE_OBJ) $(PY_BIND_OBJ)' > $(PY_OBJ_LIST))

$(PY_EXT): $(PY_CORE_OBJ) $(PY_BIND_OBJ) $(PY_OBJ_LIST)
	@mkdir -p $(@D)
	$(HOST_CC) -shared -o $@ $(PY_CORE_OBJ) $(PY_BIND_OBJ) -lm

-include $(PY_CORE_OBJ:.o=.d) $(PY_BIND_OBJ:.o=.d)
