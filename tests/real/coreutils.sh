#!/bin/sh
# Real programs: a sh -c pipeline of coreutils (seq | sort -r | head | wc; cat of a file; date; ls).
. "$(dirname "$0")/lib.sh"
need seq sort head wc cat date ls od

printf 'alpha\nbeta\ngamma\n' >"$WORK/file.txt"
record pipeline 0 sh -c '
seq 1 1000 | sort -r | head -n 3
seq 1 1000 | sort -rn | head -n 100 | wc -l
cat "$1"
date
date +%s.%N
ls "$2" | wc -l
od -An -N8 -tx1 /dev/urandom
echo "stderr from sh $$" >&2
' sh "$WORK/file.txt" "$WORK"
out=$(rec_out pipeline)
head -n 3 "$out" | tr '\n' ' ' | grep -qx '999 998 997 ' || { show "$out"; fail "sort -r gave the wrong lines"; }
sed -n 4p "$out" | grep -qx '100' || { show "$out"; fail "wc -l gave the wrong count"; }
sed -n 5,7p "$out" | tr '\n' ' ' | grep -qx 'alpha beta gamma ' || { show "$out"; fail "cat printed the wrong file"; }
replay pipeline
