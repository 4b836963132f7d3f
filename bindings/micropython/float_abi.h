// SPDX-License-Identifier: MIT
// The float-ABI guard of the native .mpy: refuses a soft-float build on hard-float firmware.
#ifndef MICROML_FLOAT_ABI_H
#define MICROML_FLOAT_ABI_H

// Raises ImportError naming the .mpy to install when this .mpy and the firmware pass floats in
// different registers: a soft-float build (armv6m, armv7m) on hard-float firmware (armv7emsp,
// armv7emdp), or a hard-float build on firmware whose arch has an FPU but that was built with
// the soft-float ABI (-mfloat-abi=softfp). Every float through mp_fun_table would be garbage.
// A no-op on non-ARM builds. Call first in mpy_init. (A hard-float .mpy on firmware without an
// FPU never gets here: MicroPython refuses its arch with "incompatible .mpy arch".)
void microml_float_abi_check(void);

#endif
