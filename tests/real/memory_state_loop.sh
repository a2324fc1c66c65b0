#!/bin/sh
# Timer signals landing in a syscall-free loop whose state is only in memory
# (tests/programs/async_signal_memory_state.c), recorded 5 times: each replay
# prints exactly what its recording printed, and says how the signals were
# positioned.  Issue 3: a register match alone picked the wrong iteration in
# about 1 replay in 5; the anchor's memory fingerprint tells them apart.
. "$(dirname "$0")/lib.sh"
need gcc
RUNS=${MEMORY_LOOP_RUNS:-5}

gcc -O1 -Wall -o "$WORK/loop" "$ROOT/tests/programs/async_signal_memory_state.c" ||
    fail "cannot compile the test program"

i=1
while [ "$i" -le "$RUNS" ]; do
    record "loop$i" 0 "$WORK/loop"
    out=$(rec_out "loop$i")
    [ "$(grep -c '^signal [0-4] arrived when the counter was [0-9]*$' "$out")" -eq 5 ] || {
        show "$out"
        fail "recording $i printed something unexpected"
    }
    replay "loop$i"
    "$REWIND" dump "$WORK/loop$i/trace" >"$WORK/loop$i/dump" || fail "rewind dump failed on trace $i"
    echo "run $i: first signal: $(grep -m1 ' SIGNAL .*in-code:' "$WORK/loop$i/dump" | sed 's/.*in-code: //')"
    i=$((i + 1))
done
# The same trace replays the same way again.
replay loop1
