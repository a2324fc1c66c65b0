#!/bin/sh
# Two recordings of a program printing times and random numbers differ, and each replays identically.
. "$(dirname "$0")/lib.sh"
need date od awk

prog='date +%s.%N; od -An -N16 -tx1 /dev/urandom; echo "pid $$"; awk "BEGIN { srand(); print rand() }"; date +%N >&2'
record first 0 sh -c "$prog"
record second 0 sh -c "$prog"
if cmp -s "$(rec_out first)" "$(rec_out second)"; then
    show "$(rec_out first)"
    fail "two recordings printed identical output: the programs' nondeterminism was not really executed"
fi
[ "$(wc -l <"$(rec_out first)")" -eq 4 ] || { show "$(rec_out first)"; fail "expected 4 lines of output"; }
replay first
replay second
# A second replay of the same trace is identical too.
mv "$WORK/first/rep.out" "$WORK/first/rep1.out"
replay first
cmp -s "$WORK/first/rep.out" "$WORK/first/rep1.out" || fail "two replays of one trace differ"
