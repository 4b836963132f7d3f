// SPDX-License-Identifier: MIT
// MICROBIT_NATIVE configuration: the qemu port's own, plus the Thumb-1 (armv6m) native emitter,
// which is what lets this Cortex-M0 firmware load native .mpy files.
#include "mpconfigport.h"

#undef MICROPY_EMIT_THUMB
#define MICROPY_EMIT_THUMB (1)
#define MICROPY_EMIT_THUMB_ARMV7M (0)
