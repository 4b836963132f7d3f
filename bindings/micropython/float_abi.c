// SPDX-License-Identifier: MIT
// The float-ABI guard of the native .mpy (built into the .mpy only): a round trip of known
// floats through the firmware, which a .mpy built for the other float ABI gets wrong.
// Costs two float objects and one string at import; no writable statics (natmod rules).

#include "py/dynruntime.h"

#include "float_abi.h"

#ifndef MICROML_MPY_ARCH
#define MICROML_MPY_ARCH "this arch"
#endif

// MP_NATIVE_ARCH_ARMV7EMDP: the firmware arch whose .mpy is armv7emdp (else armv7emsp).
#define FLOAT_ABI_ARCH_ARMV7EMDP (8)

// The .mpy to install instead, by the float ABI this one was built for.
#if defined(__ARM_PCS_VFP)
#define FLOAT_ABI_WRONG                                                                            \
    "microml: this .mpy is " MICROML_MPY_ARCH " (hard-float) but the firmware "                    \
    "passes floats in integer registers (soft-float ABI): install armv7m/microml.mpy"
#else
#define FLOAT_ABI_WRONG(right)                                                                     \
    "microml: this .mpy is " MICROML_MPY_ARCH " (soft-float) but the "                             \
    "firmware passes floats in FPU registers: install " right "/microml.mpy"
#endif

void microml_float_abi_check(void) {
#if defined(__arm__) && MICROPY_FLOAT_IMPL != MICROPY_FLOAT_IMPL_NONE
    // 1.5 made by the firmware from text (no float crosses the call), compared by the firmware
    // with 1.5 passed as a float argument, then read back as a float return value: with the
    // wrong ABI the argument and the result travel in registers the other side does not read.
    mp_obj_t text = mp_obj_new_str("1.5", 3);
    mp_obj_t made = mp_call_function_n_kw(mp_load_global(MP_QSTR_float), 1, 0, &text);
    mp_obj_t passed = mp_obj_new_float((mp_float_t)1.5);
    bool same = mp_binary_op(MP_BINARY_OP_EQUAL, made, passed) == mp_const_true;
    if (same && mp_obj_get_float(made) == (mp_float_t)1.5) {
        return;
    }
    mp_obj_type_t *import_error =
        (mp_obj_type_t *)MP_OBJ_TO_PTR(mp_load_global(MP_QSTR_ImportError));
#if defined(__ARM_PCS_VFP)
    mp_raise_msg(import_error, FLOAT_ABI_WRONG);
#else
    mp_obj_t sys = mp_import_name(MP_QSTR_sys, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
    mp_obj_t mpy = mp_load_attr(mp_load_attr(sys, MP_QSTR_implementation), MP_QSTR__mpy);
    if (((mp_obj_get_int(mpy) >> 10) & 0xf) == FLOAT_ABI_ARCH_ARMV7EMDP) {
        mp_raise_msg(import_error, FLOAT_ABI_WRONG("armv7emdp"));
    }
    mp_raise_msg(import_error, FLOAT_ABI_WRONG("armv7emsp"));
#endif
#endif
}
