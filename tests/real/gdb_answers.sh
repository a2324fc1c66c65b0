#!/bin/sh
# gdb gives the same answers debugging a replay as debugging the program
# natively: breakpoints (with conditions), continue N, next, step, stepi,
# finish, watchpoints (write, read and access), bt, registers, set var,
# info threads, signals; and
# going backwards (reverse-continue to watchpoints and a conditional
# breakpoint, reverse-finish, reverse-next, reverse-step, reverse-stepi) the
# same answers as gdb's own `record full`.
# The replay is served with `rewind replay -s 0` and gdb connects to it.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/gdb/lib-gdb.sh"

# debug_replay NAME [SCRIPT]: records tests/gdb/NAME.c and runs SCRIPT.gdb
# (default NAME.gdb) on the replay; the answers, normalized, are in
# $WORK/SCRIPT.replay.n.
debug_replay() {
    name=$1 script=${2:-$1}
    if [ ! -d "$WORK/$script.trace" ]; then
        build_debuggee "$name"
        # (signals crashes: record exits with its status, 139)
        ( (cd "$WORK" && exec $CLEAN_ENV "$REWIND" record -o "$WORK/$script.trace" "$WORK/$name" \
            </dev/null >"$WORK/$script.rec.out" 2>&1); exit $?) 2>/dev/null
        rc=$?
        [ "$rc" -eq 0 ] || { [ "$name" = signals ] && [ "$rc" -eq 139 ]; } ||
            { show "$WORK/$script.rec.out"; fail "$script: record exited $rc"; }
    fi
    # shellcheck disable=SC2086
    serve "$WORK/$script.trace" $SERVE_OPTS
    gdb_replay "$WORK/$name" "$ROOT/tests/gdb/$script.gdb" "$WORK/$script.replay"
    wait "$SERVE_PID"
    rc=$?
    normalize "$WORK/$script.replay" >"$WORK/$script.replay.n"
    [ "$rc" -eq 0 ] || { show "$SERVE_ERR"; fail "$script: rewind replay -s exited $rc"; }
    # The answers must be real ones, not two empty runs.
    grep -q '^== ' "$WORK/$script.replay.n" || fail "$script: gdb printed nothing"
}

SERVE_OPTS=

# check NAME [SCRIPT]: the answers to SCRIPT.gdb (default NAME.gdb) on
# tests/gdb/NAME.c, natively and on the replay, are the same.
check() {
    name=$1 script=${2:-$1}
    build_debuggee "$name"
    gdb_native "$WORK/$name" "$ROOT/tests/gdb/$script.gdb" "$WORK/$script.native" ||
        { show "$WORK/$script.native"; fail "$script: native gdb failed"; }
    normalize "$WORK/$script.native" >"$WORK/$script.native.n"
    debug_replay "$name" "$script"
    if ! diff -u "$WORK/$script.native.n" "$WORK/$script.replay.n" >"$WORK/$script.diff"; then
        show "$WORK/$script.diff"
        fail "$script: gdb's answers on the replay differ from native"
    fi
}

# Without debug registers the replay's hbreak and watch are int3s and
# byte compares (tracee/soft_*.h); native gdb then uses its own software
# watchpoints and a plain break (tests/gdb/lib-gdb.sh).
debug_registers || NATIVE_SOFT=1
check threads; check signals
check debuggee; check reverse
# hbreak backwards (without debug registers an int3 the tracer counts: a
# step from its stop must not count it again), reverse-finish from a
# function stopped at by it, tbreak reached backwards, until.  Natively a
# plain break, on every machine: the same stops, and no reliance on
# `record full` replaying hardware breakpoints.
native_soft=${NATIVE_SOFT:-0}
NATIVE_SOFT=1
check reverse reverse_hbreak
NATIVE_SOFT=$native_soft
# A watched local whose stack page the kernel writes too (syscall results,
# signal frames), forwards and backwards.
check watch_stack
# Stepping backwards through libc (raise, munmap) and into a signal
# handler, and reverse-continue to a breakpoint in libc: a reverse pass
# puts such breakpoints in once ld.so has mapped the library.
check watch_stack watch_stack_reverse

# Backwards through library code, replay only (natively, `record full`
# cannot run this machine's AVX-512 libc): a conditional breakpoint in a
# qsort callback, reverse-finish into libc, breakpoints on snprintf and
# malloc reached backwards.
debug_replay reverse_libc
rl=$WORK/reverse_libc.replay.n
for want in '== compare 5' '^\$1 = 5$' '^#0 by_weight ' '^#0 .*msort_with_tmp ' \
    '^#1 .* in make (n=8) at .*reverse_libc.c:26$' '^\$2 = 7$' \
    '^#1 .* in make (n=8) at .*reverse_libc.c:24$'; do
    grep -q "$want" "$rl" || { show "$rl"; fail "reverse_libc: no line $want"; }
done

# AVX-512 registers (where the CPU has them): gdb shows the masks and a
# zmm register as the program read them itself.  Native gdb 13 is no
# reference on AMD CPUs: it shows k0-k7 as 0 there (docs/debugging.md).
if grep -qw avx512f /proc/cpuinfo; then
    debug_replay avx512
    n=$(grep -c '^\$[0-9]* = 1$' "$WORK/avx512.replay.n")
    [ "$n" -eq 5 ] || { show "$WORK/avx512.replay.n"; fail "avx512: $n of 5 register checks"; }
else
    echo "avx512: SKIP (no AVX-512 on this CPU)"
fi

# rwatch and awatch, forwards and backwards: x86 watches reads only with
# writes, so gdb sets an access watchpoint for rwatch and skips its writes,
# as natively; without debug registers a read is the fault of a page made
# inaccessible.  Checked by content: native gdb has no software read
# watchpoints, and its `record full` sees writes only.
debug_replay watch_read
grep -E '^(== |Value = |Old value|New value|[0-9]+	)' "$WORK/watch_read.replay.n" | sed 1d \
    >"$WORK/watch_read.got"
cat >"$WORK/watch_read.want" <<'EOF'
Value = 3
20	 total += cfg.setting;
== read 1
Value = 3
12	 return cfg.setting * 2;
== read 2
Value = 5
25	 total += cfg.setting;
== read 3
Value = 5
25	 total += cfg.setting;
== back over read 3
Old value = 5
New value = 3
22	 cfg.setting = 5;
== back to the write
Value = 3
12	 return cfg.setting * 2;
== back to read 2
EOF
diff -u "$WORK/watch_read.want" "$WORK/watch_read.got" >"$WORK/watch_read.diff" ||
    { show "$WORK/watch_read.diff"; fail "watch_read: the read and access watchpoints' stops"; }
if [ "${NATIVE_SOFT:-0}" = 1 ]; then
    # gdb's own software watchpoints only see the thread gdb steps, so
    # there is no native reference: the replay must stop at each write
    # of the thread that blocks every signal.
    debug_replay watch_masked
    grep -A3 'hit Watchpoint 2: shared' "$WORK/watch_masked.replay.n" | tr '\n' ' ' >"$WORK/wm.hits"
    for change in 'Old value = 0 New value = 10' 'Old value = 10 New value = 30' \
        'Old value = 30 New value = 60'; do
        grep -q "$change" "$WORK/wm.hits" ||
            { show "$WORK/watch_masked.replay.n"; fail "watch_masked: no stop for the write $change"; }
    done
else
    check watch_masked
fi
grep -q 'Watchpoint 4: total' "$WORK/debuggee.replay.n" || fail "no watchpoint hit"
grep -q '^\$12 = 42$' "$WORK/debuggee.replay.n" || fail "set var did not show"

grep -q '^\* 1 Thread N "threads" all_blocked ()' "$WORK/threads.replay.n" || fail "info threads"
grep -q 'in corrupt (a=0x[0-9a-f]* <acct>, k=5) at .*reverse.c:35$' "$WORK/reverse.replay.n" ||
    fail "reverse-continue with a watchpoint did not find the culprit"
grep -q '^Breakpoint 4, deposit (a=0x[0-9a-f]* <acct>, amount=101)' "$WORK/reverse.replay.n" ||
    fail "reverse-continue did not reach the conditional breakpoint"
grep -q '^Program received signal SIGSEGV, Segmentation fault\.$' "$WORK/signals.replay.n" || fail "no SIGSEGV stop"
# The reverse sessions again with a checkpoint wherever one can be
# taken: each pass starts from a restored copy (threads made again, int3s
# and protected pages as the copy needs them) close to where it looks.
recheck() { # NAME [SCRIPT]: the same recording, compared with the native answers above
    name=$1 script=${2:-$1}
    debug_replay "$name" "$script"
    diff -u "$WORK/$script.native.n" "$WORK/$script.replay.n" >"$WORK/$script.diff" ||
        { show "$WORK/$script.diff"; fail "$script: the answers differ with a checkpoint at every event"; }
    grep -q 'restored the checkpoint' "$SERVE_ERR" || fail "$script: no pass started from a checkpoint"
}
SERVE_OPTS=--checkpoint-interval=1
export REWIND_DEBUG=1
recheck reverse; recheck reverse reverse_hbreak; recheck watch_stack watch_stack_reverse
unset REWIND_DEBUG
SERVE_OPTS=

echo "gdb answers the same on the replay as natively (debuggee, threads, signals, watch_masked, reverse)"
