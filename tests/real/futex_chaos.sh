#!/bin/sh
# Futex words the kernel writes itself (PI mutexes, robust mutexes whose owner
# thread or process dies, clear_child_tid) under `record --chaos`: each
# program recorded 3 times, every recording replays identically, and
# `rewind dump` shows the KERNEL_WRITE events of each cause.
. "$(dirname "$0")/lib.sh"
need gcc
RUNS=3
PROGS="pi_mutex robust_owner_dies robust_pshared leader_exit clear_child_tid"

for p in $PROGS; do
    gcc -O1 -pthread -o "$WORK/$p" "$ROOT/tests/programs/$p.c" || fail "cannot compile $p.c"
    i=1
    while [ "$i" -le "$RUNS" ]; do
        record "$p$i" 0 --chaos "$WORK/$p"
        replay "$p$i"
        i=$((i + 1))
    done
done

# cause_count PROG CAUSE: KERNEL_WRITE events of that cause in PROG's first recording.
cause_count() {
    "$REWIND" dump "$WORK/${1}1/trace" | grep -c "KERNEL_WRITE tid=[0-9]* $2"
}
[ "$(cause_count pi_mutex futex-lock-pi-blocked)" -gt 0 ] || fail "no futex-lock-pi-blocked write in pi_mutex's dump"
[ "$(cause_count robust_owner_dies thread-exit)" -gt 0 ] || fail "no thread-exit write in robust_owner_dies's dump"
[ "$(cause_count leader_exit thread-exit)" -gt 0 ] || fail "no thread-exit write in leader_exit's dump"
[ "$(cause_count robust_pshared process-death)" -ge 5 ] || fail "fewer than 5 process-death writes in robust_pshared's dump"
"$REWIND" dump "$WORK/robust_pshared1/trace" | grep -m 1 "KERNEL_WRITE" | sed 's/^/dump: /'
