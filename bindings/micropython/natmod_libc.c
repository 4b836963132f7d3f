// SPDX-License-Identifier: MIT
// memcpy/memmove/memset for the native .mpy build only: a .mpy links against no C library,
// so these forward to the firmware's own copies through mp_fun_table.
#include "py/dynruntime.h"

void *memcpy(void *dst, const void *src, size_t n) {
    return mp_fun_table.memmove_(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n) {
    return mp_fun_table.memmove_(dst, src, n);
}

void *memset(void *s, int c, size_t n) {
    return mp_fun_table.memset_(s, c, n);
}
