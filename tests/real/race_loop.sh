#!/bin/sh
# A racy C program (threads incrementing a shared counter without a lock) recorded and replayed 20 times:
# every replay matches its own recording byte for byte; prints how many distinct outputs the recordings made.
. "$(dirname "$0")/lib.sh"
need gcc
RUNS=${RACE_RUNS:-20}

gcc -O1 -pthread -o "$WORK/race" "$(dirname "$0")/racer.c" || fail "cannot compile the racing program"
"$WORK/race" >"$WORK/native.out" || fail "the racing program failed natively"
echo "native: $(tr '\n' ';' <"$WORK/native.out")"

i=1
while [ "$i" -le "$RUNS" ]; do
    record "race$i" 0 "$WORK/race"
    out=$(rec_out "race$i")
    if ! grep -q '^counter [0-9]* of 600000$' "$out" || ! grep -q '^finish order [0-2] [0-2] [0-2]$' "$out" ||
        ! grep -q '^wake order [0-2]\{30\}$' "$out"; then
        show "$out"
        fail "recording $i printed something unexpected"
    fi
    replay "race$i"
    echo "run $i: $(tr '\n' ';' <"$out")"
    i=$((i + 1))
done

distinct=$(for i in $(seq "$RUNS"); do tr '\n' ';' <"$(rec_out "race$i")"; echo; done | sort -u | wc -l)
echo "distinct outputs in $RUNS recordings: $distinct"
