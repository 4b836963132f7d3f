// SPDX-License-Identifier: MIT
// vfs.rom_ioctl() for the qemu boards: one read-only ROMFS partition at a fixed address in the
// board's memory (MICROML_ROMFS_BASE, MICROML_ROMFS_BYTES from board_config.h), the way a real
// board maps a flash partition. tools/run-on-qemu --romfs puts an image there; MicroPython mounts
// it at /rom at boot (py/runtime.c: vfs.VfsRom(vfs.rom_ioctl(2, 0))) when it holds one. Writes
// (mpremote romfs deploy) are not supported: the partition is filled by the emulator's loader.
#include "py/obj.h"
#include "py/objarray.h"
#include "py/mperrno.h"
#include "extmod/vfs.h"

#if MICROPY_VFS_ROM_IOCTL

static const MP_DEFINE_MEMORYVIEW_OBJ(romfs_obj, 'B', 0, MICROML_ROMFS_BYTES,
    (void *)MICROML_ROMFS_BASE);

mp_obj_t mp_vfs_rom_ioctl(size_t n_args, const mp_obj_t *args) {
    switch (mp_obj_get_int(args[0])) {
        case MP_VFS_ROM_IOCTL_GET_NUMBER_OF_SEGMENTS:
            return MP_OBJ_NEW_SMALL_INT(1);
        case MP_VFS_ROM_IOCTL_GET_SEGMENT:
            if (n_args < 2 || mp_obj_get_int(args[1]) != 0) {
                return MP_OBJ_NEW_SMALL_INT(-MP_ENOENT);
            }
            return MP_OBJ_FROM_PTR(&romfs_obj);
        default:
            return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
    }
}

#endif
