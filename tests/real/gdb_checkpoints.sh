#!/bin/sh
# Reverse execution from the replay's checkpoints (forked copies of the
# replayed process): a watchpoint walked back through five writes across
# 20,000 syscalls, a conditional breakpoint reached backwards, gdb's
# checkpoint/restart; the same answers with a budget that drops most of
# them, and none taken with --checkpoint-memory=0; a threaded process
# walked back as without checkpoints; a parent and its child; two that
# share memory, which are not copied.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/gdb/lib-gdb.sh"
"$REWIND" gdbinit >"$WORK/gdbinit" || fail "rewind gdbinit"

record_prog() { # PROGRAM: its trace is $WORK/PROGRAM.trace
    build_debuggee "$1"
    (cd "$WORK" && $CLEAN_ENV "$REWIND" record -o "$WORK/$1.trace" "$WORK/$1" </dev/null \
        >"$WORK/$1.rec.out" 2>&1) || { show "$WORK/$1.rec.out"; fail "record $1 failed"; }
}

# NAME PROGRAM "REPLAY OPTIONS", then gdb's -ex arguments: the replay's
# debug log goes to NAME.log, gdb's output to NAME.out ($OUT).
debug_session() {
    name=$1 prog=$2 opts=$3
    shift 3
    # shellcheck disable=SC2086
    REWIND_DEBUG=1 serve "$WORK/$prog.trace" $opts
    (cd "$WORK" && timeout -k 5 300 $CLEAN_ENV gdb -batch -nx -l 10000 -x "$WORK/gdbinit" \
        -ex 'set sysroot /' -ex "target extended-remote 127.0.0.1:$PORT" "$@" -ex kill \
        "$WORK/$prog" </dev/null >"$WORK/$name.out" 2>&1)
    wait "$SERVE_PID" || { show "$SERVE_ERR"; fail "$name: the served replay failed"; }
    cp "$SERVE_ERR" "$WORK/$name.log"
    OUT=$WORK/$name.out
}

restored() { grep -c 'restored the checkpoint' "$WORK/$1.log"; }

record_prog culprit_walk
walk() { # NAME "REPLAY OPTIONS"
    # The breakpoint in mark is in the process while checkpoints are
    # taken: a copy holding its int3 would trap once restored.
    debug_session "$1" culprit_walk "$2" \
        -ex 'break mark if i == 19000' -ex continue -ex checkpoint -ex delete \
        -ex 'break 28' -ex continue -ex 'watch culprit' \
        -ex reverse-continue -ex 'print i' -ex reverse-continue -ex 'print i' \
        -ex reverse-continue -ex 'print i' -ex reverse-continue -ex 'print i' \
        -ex reverse-continue -ex 'print i' -ex 'print culprit' -ex reverse-continue \
        -ex delete -ex 'break mark if i == 4000' -ex 'break 28' -ex continue -ex 'print i' \
        -ex continue -ex reverse-continue -ex 'print i' -ex delete -ex 'restart 1' -ex 'print i' \
        -ex 'print marks'
    # Each write, newest first, is shown before it happens.
    n=1
    for want in 19990 15000 9000 6000 1500; do
        grep -q "^\\\$$n = $want\$" "$OUT" || { show "$OUT"; fail "$1: reverse-continue $n did not stop at the write of iteration $want"; }
        n=$((n + 1))
    done
    grep -q '^\$6 = 0$' "$OUT" || { show "$OUT"; fail "$1: culprit before its first write"; }
    grep -q 'No more reverse-execution history' "$OUT" ||
        { show "$OUT"; fail "$1: reverse-continue before the first write did not reach the start"; }
    grep -q '^\$7 = 4000$' "$OUT" || { show "$OUT"; fail "$1: continue to mark(4000)"; }
    grep -q '^\$8 = 4000$' "$OUT" ||
        { show "$OUT"; fail "$1: reverse-continue to mark(4000) from after it"; }
    grep -q '^\$9 = 19000$' "$OUT" || { show "$OUT"; fail "$1: restart 1 did not return to mark(19000)"; }
    grep -q '^\$10 = 171000$' "$OUT" || { show "$OUT"; fail "$1: marks at mark(19000)"; }
}

walk forked ""
[ "$(restored forked)" -ge 5 ] ||
    { show "$WORK/forked.log"; fail "the reverse passes did not start from checkpoints"; }
taken=$(grep -c ': checkpoint before event [0-9]*: process' "$WORK/forked.log")
[ "$taken" -ge 20 ] || fail "only $taken checkpoints taken over 40,000 events"

walk budget --checkpoint-memory=8
grep -q 'dropped' "$WORK/budget.log" || fail "a budget of 8 MiB dropped no checkpoint"
[ "$(restored budget)" -ge 1 ] || fail "with a small budget no checkpoint was used"

# Without checkpoints (slower: every pass replays from the start), the
# last write is found as well.
debug_session none culprit_walk --checkpoint-memory=0 -ex 'break 28' -ex continue \
    -ex 'watch culprit' -ex reverse-continue -ex 'print i'
grep -q '^\$1 = 19990$' "$OUT" || { show "$OUT"; fail "none: the last write"; }
[ "$(restored none)" -eq 0 ] || fail "--checkpoint-memory=0 still restored checkpoints"
grep -q ': checkpoint before event [0-9]*: process' "$WORK/none.log" &&
    fail "--checkpoint-memory=0 still took checkpoints"

# A threaded process: checkpoints copy its threads (made again in each
# copy); walking back through the writes of two threads gives what the
# passes from the start give.
record_prog mt_walk
mt_walk() { # NAME "REPLAY OPTIONS"
    debug_session "$1" mt_walk "$2" -ex 'break 33' -ex continue -ex 'watch culprit' \
        -ex reverse-continue -ex 'print culprit' -ex reverse-continue -ex 'print culprit' \
        -ex reverse-continue -ex 'print culprit' -ex reverse-continue -ex 'print culprit' \
        -ex 'info threads'
    grep '^\$[0-9]' "$OUT" >"$WORK/$1.values"
}
mt_walk mt_forked ""
mt_walk mt_none --checkpoint-memory=0
[ "$(wc -l <"$WORK/mt_forked.values")" -eq 4 ] || { show "$WORK/mt_forked.out"; fail "mt: four values expected"; }
cmp -s "$WORK/mt_forked.values" "$WORK/mt_none.values" ||
    { show "$WORK/mt_forked.values"; show "$WORK/mt_none.values"; fail "mt: checkpoints changed the answers"; }
grep -q 'Thread .* "mt_walk" worker' "$WORK/mt_forked.out" || { show "$WORK/mt_forked.out"; fail "mt: no worker thread"; }
grep -q ': checkpoint before event [0-9]*: process [0-9]* (1 processes, 3 threads)' "$WORK/mt_forked.log" ||
    fail "mt: no checkpoint of the three threads"
[ "$(restored mt_forked)" -ge 1 ] || fail "mt: no pass started from a checkpoint"

# Two processes side by side: each is copied; the parent's writes are
# walked back while its child runs (and has run) its own loop.
record_prog proc_walk
debug_session procs proc_walk "" -ex 'break 29' -ex continue -ex 'watch culprit' \
    -ex reverse-continue -ex 'print culprit' -ex 'print i' -ex reverse-continue \
    -ex 'print culprit' -ex reverse-continue -ex 'print culprit'
[ "$(grep '^\$[0-9]' "$OUT" | tr '\n' ' ')" = '$1 = 2600 $2 = 5200 $3 = 700 $4 = 0 ' ] ||
    { show "$OUT"; fail "procs: the parent's writes walked back"; }
grep -q ': checkpoint before event [0-9]*: process [0-9]* (2 processes, 2 threads)' "$WORK/procs.log" ||
    fail "procs: no checkpoint of both processes"
[ "$(restored procs)" -ge 1 ] || fail "procs: no pass started from a checkpoint"

# Memory shared between the processes: no checkpoint of them (a copy
# would share the page, not keep it); the passes start from the beginning.
record_prog shared_walk
debug_session shared shared_walk "" -ex 'break 28' -ex continue -ex 'watch culprit' \
    -ex reverse-continue -ex 'print culprit' -ex reverse-continue -ex 'print culprit'
[ "$(grep '^\$[0-9]' "$OUT" | tr '\n' ' ')" = '$1 = 1000 $2 = 0 ' ] ||
    { show "$OUT"; fail "shared: the parent's writes walked back"; }
grep -q ': checkpoint before event [0-9]*: process [0-9]* (2 processes' "$WORK/shared.log" &&
    fail "shared: processes sharing a page were copied"

echo "checkpoints: $taken taken, $(restored forked) restores; the same answers with an 8 MiB budget; threads: $(restored mt_forked) restores; two processes: $(restored procs) restores"
