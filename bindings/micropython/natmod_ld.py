# SPDX-License-Identifier: MIT
# MicroPython's tools/mpy_ld.py, plus absolute relocations in ARM .text.
# libgcc's soft-float division for Cortex-M0 (__aeabi_fdiv, __aeabi_ddiv: C code with switch
# tables) loads table addresses from literal pools, i.e. R_ARM_ABS32 relocations in .text, which
# mpy_ld 1.25 rejects ("Absolute relocations not supported on ARM"). On ARM, .text and .rodata
# are one blob, so such a word is exactly what mpy_ld already handles in .rodata: a load-time
# relocation. Usage: python3 natmod_ld.py <mpy_dir> <mpy_ld arguments...>
import sys

sys.path.insert(0, sys.argv[1] + "/tools")
del sys.argv[1]
import mpy_ld  # noqa: E402

_do_relocation_text = mpy_ld.do_relocation_text


def do_relocation_text(env, text_addr, r):
    if env.arch.name == "EM_ARM" and r["r_info_type"] == mpy_ld.R_ARM_ABS32:
        return mpy_ld.do_relocation_data(env, text_addr, r)
    return _do_relocation_text(env, text_addr, r)


mpy_ld.do_relocation_text = do_relocation_text
mpy_ld.main()
