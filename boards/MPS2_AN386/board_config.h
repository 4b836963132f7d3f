// SPDX-License-Identifier: MIT
// MPS2_AN386 configuration: the qemu port's own, plus the time module (ticks from board.c) and a
// ROMFS partition.
#include "mpconfigport.h"

#undef MICROPY_PY_TIME
#define MICROPY_PY_TIME (1)
#define MICROPY_PY_TIME_GMTIME_LOCALTIME_MKTIME (0)
#define MICROPY_PY_TIME_TIME_TIME_NS (0)

// A 4 MB ROMFS partition at the top of the 16 MB PSRAM (boards/romfs_ioctl.c): vfs.rom_ioctl(2, 0),
// which MicroPython mounts at /rom at boot. tools/run-on-qemu --romfs fills it.
#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)
#define MICROML_ROMFS_BASE (0x21c00000)
#define MICROML_ROMFS_BYTES (0x00400000)
