// SPDX-License-Identifier: MIT
// MPS2_AN386 configuration: the qemu port's own, plus the time module (ticks from board.c).
#include "mpconfigport.h"

#undef MICROPY_PY_TIME
#define MICROPY_PY_TIME (1)
#define MICROPY_PY_TIME_GMTIME_LOCALTIME_MKTIME (0)
#define MICROPY_PY_TIME_TIME_TIME_NS (0)
