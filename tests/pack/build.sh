#!/bin/sh
# Builds the pack tests' program into DIR: DIR/packprog, linked with
# DIR/libpackpriv.so (found through its run path, $ORIGIN), and the plug-in
# DIR/libpackplug.so.  Extra arguments go to the program's link (e.g.
# -Wl,--dynamic-linker=PATH).
#   sh tests/pack/build.sh DIR [LDFLAGS...]
set -e
src=$(cd "$(dirname "$0")" && pwd)
out=$1
shift
mkdir -p "$out"
gcc -O1 -Wall -shared -fPIC -o "$out/libpackpriv.so" "$src/packlib.c"
gcc -O1 -Wall -shared -fPIC -o "$out/libpackplug.so" "$src/packplug.c"
gcc -O1 -Wall -o "$out/packprog" "$src/packprog.c" -L"$out" -lpackpriv -ldl \
    -Wl,-rpath,'$ORIGIN' "$@"
