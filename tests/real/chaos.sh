#!/bin/sh
# Chaos mode: a racy C program recorded 5 times with `record --chaos` (and rr's -h) gives at least two different
# interleavings, each replaying identically; --chaos-seed=N is accepted and `rewind dump` shows the seed.
. "$(dirname "$0")/lib.sh"
need gcc
RUNS=5

gcc -O1 -pthread -o "$WORK/race" "$(dirname "$0")/racer.c" || fail "cannot compile the racing program"

# seed_of NAME: the chaos seed the trace's first event shows, or nothing.
seed_of() {
    "$REWIND" dump "$WORK/$1/trace" 2>/dev/null | head -n 1 | sed -n 's/.*chaos-seed=\([0-9][0-9]*\).*/\1/p'
}

i=1
while [ "$i" -le "$RUNS" ]; do
    # The last recording uses rr's spelling, -h.
    opt=--chaos
    [ "$i" -eq "$RUNS" ] && opt=-h
    record "chaos$i" 0 "$opt" "$WORK/race"
    out=$(rec_out "chaos$i")
    if ! grep -q '^counter [0-9]* of 600000$' "$out" || ! grep -q '^finish order [0-2] [0-2] [0-2]$' "$out" ||
        ! grep -q '^wake order [0-2]\{30\}$' "$out"; then
        show "$out"
        fail "chaos recording $i printed something unexpected"
    fi
    seed=$(seed_of "chaos$i")
    [ -n "$seed" ] || { "$REWIND" dump "$WORK/chaos$i/trace" | head -n 1; fail "rewind dump of chaos recording $i ($opt) shows no chaos-seed"; }
    replay "chaos$i"
    echo "chaos run $i ($opt, seed $seed): $(tr '\n' ';' <"$out")"
    i=$((i + 1))
done

distinct=$(for i in $(seq "$RUNS"); do tr '\n' ';' <"$(rec_out "chaos$i")"; echo; done | sort -u | wc -l)
echo "distinct outputs in $RUNS chaos recordings: $distinct"
[ "$distinct" -ge 2 ] || fail "all $RUNS chaos recordings printed the same: chaos mode did not vary the interleaving"

# An explicit seed is accepted and stored in the trace.
record seeded 0 --chaos-seed=4242 "$WORK/race"
first=$("$REWIND" dump "$WORK/seeded/trace" | head -n 1)
case $first in
*chaos-seed=4242*) echo "dump shows the seed: $first" ;;
*) echo "    | $first"; fail "rewind dump's first line does not show chaos-seed=4242" ;;
esac
replay seeded
