// SPDX-License-Identifier: MIT
// The C library functions the core and binding use, for the native .mpy build only (a .mpy links
// against no C library): memcpy/memmove/memset forward to the firmware through mp_fun_table;
// strlen, strcmp and memcmp are plain loops here.

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

// Plain loops; the natmod build uses -fno-tree-loop-distribute-patterns so gcc does not turn
// them (or any other loop) back into calls to these very functions.
size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *p = a, *q = b;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != q[i]) {
            return p[i] < q[i] ? -1 : 1;
        }
    }
    return 0;
}

int strcmp(const char *a, const char *b) {
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p != '\0' && *p == *q) {
        p++;
        q++;
    }
    return *p < *q ? -1 : (*p > *q ? 1 : 0);
}
