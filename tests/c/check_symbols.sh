#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The core library must not call malloc/free, printf or libm, nor keep mutable globals
# (the .mpy loader has no static data): checks the symbols of a built libmicroml.a.
# Usage: check_symbols.sh LIB.a [NM]   Prints "N passed, N failed".
set -u
lib=$1
nm=${2:-nm}
passed=0 failed=0
check() { # name, bad-symbol-list
  if [ -z "$2" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $1: $2" >&2; fi
}
undef=$($nm -u "$lib" | awk '{print $NF}' | sort -u)
alloc=$(grep -xE 'malloc|calloc|realloc|free|aligned_alloc|posix_memalign' <<<"$undef" | tr '\n' ' ')
check "no heap allocation" "$alloc"
io=$(grep -xE '(v?s?n?f?printf|puts|putchar|fputs|fwrite|__printf_chk|__fprintf_chk|__sprintf_chk|__snprintf_chk|abort|exit)' <<<"$undef" | tr '\n' ' ')
check "no printing, no abort" "$io"
libm=$(grep -xE '(a?(sin|cos|tan)h?f?|atan2f?|expm?1?f?|exp2f?|log(2|10|1p)?f?|powf?|sqrtf?|cbrtf?|floorf?|ceilf?|l?l?roundf?|truncf?|fmodf?|frexpf?|ldexpf?|hypotf?|erff?|fabsf?)' <<<"$undef" | tr '\n' ' ')
check "no libm" "$libm"
# Writable sections must be empty (.data.rel.ro, read-only after relocation, is fine).
objdump=${nm%nm}objdump
data=$($objdump -h "$lib" | awk '/^[^ ]+\.o:/ {obj=$1} $2 ~ /^\.(data|bss|sdata|sbss)(\..*)?$/ && $2 !~ /rel\.ro/ && $3 !~ /^0+$/ {print obj $2}' | tr '\n' ' ')
check "no mutable globals" "$data"
echo "check_symbols: $passed passed, $failed failed"
[ "$failed" = 0 ]
