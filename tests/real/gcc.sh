#!/bin/sh
# Real program: gcc compiling and linking hello world (cc1, as, collect2, ld: a multi-process toolchain).
. "$(dirname "$0")/lib.sh"
need gcc

cat >"$WORK/hello.c" <<'C'
#include <stdio.h>
int main(void) { printf("hello from a binary built under rewind\n"); return 0; }
C
record gcc 0 gcc -v -O1 -o "$WORK/hello" "$WORK/hello.c"
[ -x "$WORK/hello" ] || fail "gcc under record produced no binary"
said=$("$WORK/hello")
[ "$said" = "hello from a binary built under rewind" ] || fail "the binary built under record printed: $said"
grep -q 'cc1' "$(rec_err gcc)" || { show "$(rec_err gcc)"; fail "gcc -v output does not mention cc1"; }
rm -f "$WORK/hello"
replay gcc
