#!/bin/sh
# gdb gives the same answers debugging a replay as debugging the program
# natively: breakpoints (with conditions), continue N, next, step, stepi,
# finish, watchpoints, bt, registers, set var, info threads, signals; and
# going backwards (reverse-continue to watchpoints and a conditional
# breakpoint, reverse-finish, reverse-next, reverse-step, reverse-stepi) the
# same answers as gdb's own `record full`.
# The replay is served with `rewind replay -s 0` and gdb connects to it.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/gdb/lib-gdb.sh"

check() {
    name=$1
    build_debuggee "$name"
    gdb_native "$WORK/$name" "$ROOT/tests/gdb/$name.gdb" "$WORK/$name.native" ||
        { show "$WORK/$name.native"; fail "$name: native gdb failed"; }
    # (signals crashes: record exits with its status, 139)
    ( (cd "$WORK" && exec $CLEAN_ENV "$REWIND" record -o "$WORK/$name.trace" "$WORK/$name" \
        </dev/null >"$WORK/$name.rec.out" 2>&1); exit $?) 2>/dev/null
    rc=$?
    [ "$rc" -eq 0 ] || { [ "$name" = signals ] && [ "$rc" -eq 139 ]; } ||
        { show "$WORK/$name.rec.out"; fail "$name: record exited $rc"; }
    serve "$WORK/$name.trace"
    gdb_replay "$WORK/$name" "$ROOT/tests/gdb/$name.gdb" "$WORK/$name.replay"
    wait "$SERVE_PID"
    rc=$?
    normalize "$WORK/$name.native" >"$WORK/$name.native.n"
    normalize "$WORK/$name.replay" >"$WORK/$name.replay.n"
    if ! diff -u "$WORK/$name.native.n" "$WORK/$name.replay.n" >"$WORK/$name.diff"; then
        show "$WORK/$name.diff"
        fail "$name: gdb's answers on the replay differ from native"
    fi
    [ "$rc" -eq 0 ] || { show "$SERVE_ERR"; fail "$name: rewind replay -s exited $rc"; }
    # The answers must be real ones, not two empty runs.
    grep -q '^== ' "$WORK/$name.replay.n" || fail "$name: gdb printed nothing"
}

check threads; check signals
# hbreak and watch need debug registers, natively as on a replay.
debug_registers ||
    skipped "debuggee, watch_masked, reverse: this machine's debug registers do not work (threads and signals passed)"
check debuggee; check watch_masked; check reverse
grep -q 'Watchpoint 4: total' "$WORK/debuggee.replay.n" || fail "no watchpoint hit"
grep -q '^\$12 = 42$' "$WORK/debuggee.replay.n" || fail "set var did not show"

grep -q '^\* 1 Thread N "threads" all_blocked ()' "$WORK/threads.replay.n" || fail "info threads"
grep -q 'in corrupt (a=0x[0-9a-f]* <acct>, k=5) at .*reverse.c:35$' "$WORK/reverse.replay.n" ||
    fail "reverse-continue with a watchpoint did not find the culprit"
grep -q '^Breakpoint 4, deposit (a=0x[0-9a-f]* <acct>, amount=101)' "$WORK/reverse.replay.n" ||
    fail "reverse-continue did not reach the conditional breakpoint"
grep -q '^Program received signal SIGSEGV, Segmentation fault\.$' "$WORK/signals.replay.n" || fail "no SIGSEGV stop"
echo "gdb answers the same on the replay as natively (debuggee, threads, signals, watch_masked, reverse)"
