#!/bin/sh
# Four threads pass a turn around with an atomic, each spinning in user
# space until it is its own: the recording must stop a spinning thread as
# soon as it is seen to spin (the same registers at the next pass of its
# loop, 1 ms after the peek), not at the end of its time slice, and replay
# must reach the same totals.  The recorder's debug log tells which: every
# preemption is announced ("end of a time slice"), and those of a thread
# seen spinning are announced before ("spins at").
. "$(dirname "$0")/lib.sh"

gcc -O2 -pthread -o "$WORK/handoff" "$ROOT/bench/src/handoff.c" || fail "cannot compile handoff"
"$WORK/handoff" 200 >"$WORK/native.out" || fail "handoff does not run natively"

mkdir -p "$WORK/h"
REWIND_DEBUG=1 timeout -k 10 "$STEP_TIMEOUT" "$REWIND" record -o "$WORK/h/trace" "$WORK/handoff" 200 \
    >"$WORK/h/rec.out" 2>"$WORK/h/debug" || fail "record of handoff failed"
: >"$WORK/h/rec.err"
cmp -s "$WORK/native.out" "$WORK/h/rec.out" || fail "the recorded totals are not the native ones"
replay h

preempts=$(grep -c 'end of a time slice' "$WORK/h/debug")
spins=$(grep -c 'spins at' "$WORK/h/debug")
echo "$preempts preemptions, $spins of them of a thread seen spinning"
[ "$preempts" -ge 100 ] || fail "only $preempts preemptions for 200 hand-offs"
[ $((spins * 10)) -ge $((preempts * 9)) ] ||
    fail "only $spins of $preempts preemptions came when the thread was seen spinning"
