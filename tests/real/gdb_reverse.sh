#!/bin/sh
# Reverse execution beyond what tests/real/gdb_answers.sh compares with
# gdb's record full: checkpoint and restart N, run EVENT, a multi-threaded
# reverse session, and a reverse watchpoint search across 20,000 syscalls
# (its time is printed; bench/ reports it).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/gdb/lib-gdb.sh"
"$REWIND" gdbinit >"$WORK/gdbinit" || fail "rewind gdbinit"

record_it() {
    build_debuggee "$1"
    (cd "$WORK" && $CLEAN_ENV "$REWIND" record -o "$WORK/$1.trace" "$WORK/$1" </dev/null \
        >"$WORK/$1.rec.out" 2>&1) || { show "$WORK/$1.rec.out"; fail "$1: record failed"; }
}

debug() { # NAME, then gdb commands as -ex arguments
    name=$1
    shift
    serve "$WORK/$name.trace"
    (cd "$WORK" && timeout -k 5 120 $CLEAN_ENV gdb -batch -nx -l 10000 -x "$WORK/gdbinit" \
        -ex 'set sysroot /' -ex "target extended-remote 127.0.0.1:$PORT" "$@" "$WORK/$name" \
        </dev/null >"$WORK/$name.gdb.out" 2>&1)
    wait "$SERVE_PID" || { show "$SERVE_ERR"; fail "$name: the served replay failed"; }
    OUT=$WORK/$name.gdb.out
}

expect() { # REGEX WHAT
    grep -q "$1" "$OUT" || { show "$OUT"; fail "$2"; }
}

# checkpoint, run on, restart 1 comes back; run EVENT goes to an event.
record_it debuggee
debug debuggee -ex 'break square if v == 3' -ex continue -ex checkpoint -ex 'info checkpoints' \
    -ex delete -ex 'break depth' -ex continue -ex 'print n' -ex 'restart 1' -ex 'print v' \
    -ex 'bt 1' -ex 'run 40' -ex when -ex kill
expect '^Checkpoint 1 at ' "checkpoint did not answer"
expect '^\$1 = 5$' "no stop in depth after the checkpoint"
expect '^\$2 = 3$' "restart 1 did not return to square(3)"
expect '^#0  square (v=3) at ' "restart 1: wrong frame"
expect '^Current event: 40$' "run 40 did not go to event 40"

record_it mt_counter
# Threads: walk back through the last writes to a shared total.
debug mt_counter -ex 'break 29' -ex continue -ex 'print total' -ex 'watch total' \
    -ex reverse-continue -ex 'print total' -ex 'print step' -ex reverse-continue -ex 'print total' \
    -ex 'info threads' -ex delete -ex 'break 15 if step == 1' -ex reverse-continue -ex 'print i' \
    -ex 'print step' -ex kill
expect '^\$1 = 50050$' "the total at the end"
v2=$(sed -n 's/^\$2 = //p' "$OUT"); v3=$(sed -n 's/^\$3 = //p' "$OUT"); v4=$(sed -n 's/^\$4 = //p' "$OUT")
[ -n "$v2" ] && [ -n "$v3" ] && [ $((v2 + v3)) -eq 50050 ] ||
    { show "$OUT"; fail "reverse watch: the value before the last write plus its step is not the total"; }
{ [ "$v4" -eq $((v2 - 1)) ] || [ "$v4" -eq $((v2 - 1000)) ]; } ||
    { show "$OUT"; fail "reverse watch: the write before the last"; }
expect 'Thread [0-9.]* "mt_counter" .*adder' "info threads: no adder thread"
# (which thread ran last depends on the recording: adder(1)'s last turn is
# i = 49, or i = 48 when the stop was already in that turn)
grep -Eq '^\$5 = (48|49)$' "$OUT" && expect '^\$6 = 1$' "the conditional breakpoint's thread" ||
    { show "$OUT"; fail "reverse to the conditional breakpoint in the last turns of adder(1)"; }

# 20,000 syscalls: reverse from the end to the one write of marker.
record_it syscall_loop
start=$(date +%s.%N)
debug syscall_loop -ex 'break 15' -ex continue -ex 'watch marker' -ex reverse-continue \
    -ex 'print i' -ex 'print marker' -ex kill
end=$(date +%s.%N)
expect '^\$1 = 7777$' "the reverse search did not find iteration 7777"
expect '^\$2 = 0$' "marker before its write"
echo "reverse: checkpoint/restart, run EVENT, threads; 20,000 syscalls searched back in $(awk "BEGIN{printf \"%.2f\", $end - $start}") s (whole session)"
