#!/bin/sh
# Timer signals landing in a syscall-free loop (tests/programs/
# async_signal_memory_state.c, built -O2 and -O1), recorded and replayed
# while two CPU hogs compete for the cores: the timer (wall-clock) then
# often fires before the recorder's peek, right after the setitimer call,
# and the recorder must still choose a position replay can find.  Issue 3:
# without debug registers, the build before the fixes (d533608) failed
# this script in both builds here (a replay hung, or diverged by one
# iteration); docs/async-events.md says what changed.
. "$(dirname "$0")/lib.sh"
need gcc
RUNS=${LOAD_RUNS:-5}

gcc -O2 -Wall -o "$WORK/loop2" "$ROOT/tests/programs/async_signal_memory_state.c" ||
    fail "cannot compile the test program"
gcc -O1 -Wall -o "$WORK/loop1" "$ROOT/tests/programs/async_signal_memory_state.c" ||
    fail "cannot compile the test program"

hogs=""
for n in $(seq "${LOAD_HOGS:-2}"); do
    sh -c 'while :; do :; done' &
    hogs="$hogs $!"
done
trap 'kill $hogs 2>/dev/null; rm -rf "$WORK"' EXIT
sleep 1 # the hogs settle in

i=1
while [ "$i" -le "$RUNS" ]; do
    for o in 2 1; do
        record "O$o-$i" 0 "$WORK/loop$o"
        replay "O$o-$i"
    done
    i=$((i + 1))
done
