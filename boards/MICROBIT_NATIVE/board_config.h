// SPDX-License-Identifier: MIT
// MICROBIT_NATIVE configuration: the qemu port's own, plus the Thumb-1 (armv6m) native emitter,
// which is what lets this Cortex-M0 firmware load native .mpy files, and a ROMFS partition.
#include "mpconfigport.h"

#undef MICROPY_EMIT_THUMB
#define MICROPY_EMIT_THUMB (1)
#define MICROPY_EMIT_THUMB_ARMV7M (0)

// A 512 KB ROMFS partition at 3.5 MB in the 4 MB flash qemu gives this board (boards/romfs_ioctl.c):
// vfs.rom_ioctl(2, 0), which MicroPython mounts at /rom at boot. tools/run-on-qemu --romfs fills it.
#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)
#define MICROML_ROMFS_BASE (0x00380000)
#define MICROML_ROMFS_BYTES (0x00080000)
