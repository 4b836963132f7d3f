// SPDX-License-Identifier: MIT
// The C library functions the core and binding use, for the native .mpy build only (a .mpy links
// against no C library): memmove/memset forward to the firmware through mp_fun_table, memcpy
// too above 16 bytes; strlen, strcmp and memcmp are plain loops here.

#include "py/dynruntime.h"

// Copies of up to 16 bytes (an element or a short row: STRIDED_SLICE and PAD copy element by
// element) are done here, word by word when aligned: the call into the firmware (a table load,
// memmove's overlap check, then its memcpy) would cost more than the copy. The .mpy then takes
// the firmware's instructions within 2.5% on such models instead of 1.2-1.3x
// (benchmarks/README.md). Larger copies go to the firmware, whose memcpy may be faster (glibc's
// on the unix port).
void *memcpy(void *dst, const void *src, size_t n) {
    if (n <= 16) {
        if ((((uintptr_t)dst | (uintptr_t)src | n) & 3) == 0) {
            uint32_t *d = dst;
            const uint32_t *s = src;
            for (n >>= 2; n > 0; n--) {
                *d++ = *s++;
            }
            return dst;
        }
        unsigned char *d = dst;
        const unsigned char *s = src;
        while (n-- > 0) {
            *d++ = *s++;
        }
        return dst;
    }
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
