#!/bin/sh
# Chaos mode on a race with no syscall in it: two threads incrementing a counter in pure user code are preempted
# at random time slices (positioned for replay by jump patches), so 5 `--chaos` recordings show at least two
# different interleavings (where each thread first found the other had run), and each replays identically.
. "$(dirname "$0")/lib.sh"
need gcc
RUNS=5

gcc -O2 -pthread -o "$WORK/race" "$(dirname "$0")/compute_racer.c" || fail "cannot compile the racing program"

i=1
while [ "$i" -le "$RUNS" ]; do
    record "chaos$i" 0 --chaos "$WORK/race"
    out=$(rec_out "chaos$i")
    grep -q '^counter [0-9]* of 40000000$' "$out" || { show "$out"; fail "chaos recording $i printed something unexpected"; }
    "$REWIND" dump "$WORK/chaos$i/trace" | grep -q 'PREEMPT' || fail "chaos recording $i has no PREEMPT event"
    replay "chaos$i"
    grep -q '^first interleaved at iterations -\?[0-9]* and -\?[0-9]*$' "$out" ||
        { show "$out"; fail "chaos recording $i printed something unexpected"; }
    echo "chaos run $i: $(tr '\n' ';' <"$out")"
    i=$((i + 1))
done

distinct=$(for i in $(seq "$RUNS"); do tr '\n' ';' <"$(rec_out "chaos$i")"; echo; done | sort -u | wc -l)
echo "distinct outputs in $RUNS chaos recordings: $distinct"
[ "$distinct" -ge 2 ] || fail "all $RUNS chaos recordings printed the same: chaos did not vary where the threads were preempted"
