#!/bin/sh
# A rewind pack killed with SIGKILL at any moment leaves a trace that
# replays identically, and a later pack completes it: the result is byte
# for byte what an uninterrupted pack makes.  Kills come after varying
# delays (timeout -s KILL) and, to reach every step for sure, right after
# each change pack makes to the trace (REWIND_PACK_KILL_AFTER=N).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/pack/helpers.sh"
need gcc timeout

build_packprog "$WORK/build"
mkdir -p "$WORK/copies"
record killed 0 "$WORK/build/packprog" "$WORK/build" "$WORK/copies" 6
replay killed
orig=$WORK/killed/trace
[ "$(same_bytes "$orig")" -gt 0 ] || fail "the trace has no duplicates: nothing to test"

clone_trace "$orig" "$WORK/full"
"$REWIND" pack "$WORK/full" || fail "an uninterrupted pack failed"
want=$(dir_sum "$WORK/full")

# check_after_kill WHAT: $WORK/k replays, a new pack finishes it as an
# uninterrupted pack would have, and it replays again.
check_after_kill() {
    ls -a "$WORK/k" >"$WORK/k.files"
    replay_same killed "$WORK/k" "after a pack killed $1"
    "$REWIND" pack "$WORK/k" 2>"$WORK/k.err" || { show "$WORK/k.err"; fail "the pack after a pack killed $1 failed"; }
    [ "$(dir_sum "$WORK/k")" = "$want" ] || {
        show "$WORK/k.files"
        fail "after a pack killed $1 and a second pack, the trace differs from a packed one"
    }
    replay_same killed "$WORK/k" "after a pack killed $1 and a full pack"
}

killed=0
for delay in 0.0005 0.001 0.002 0.003 0.005 0.008 0.012 0.02 0.035 0.05 0.1; do
    rm -rf "$WORK/k"
    clone_trace "$orig" "$WORK/k"
    ( (exec timeout -s KILL "$delay" "$REWIND" pack "$WORK/k" 2>/dev/null); exit $?) 2>/dev/null
    [ $? -eq 137 ] && killed=$((killed + 1))
    check_after_kill "after $delay s"
done
echo "timed kills: $killed of 11 packs were killed before they finished"

n=1
while :; do
    rm -rf "$WORK/k"
    clone_trace "$orig" "$WORK/k"
    ( (REWIND_PACK_KILL_AFTER=$n exec "$REWIND" pack "$WORK/k" 2>/dev/null); exit $?) 2>/dev/null
    rc=$?
    [ "$rc" -eq 0 ] && break
    [ "$rc" -eq 137 ] || fail "pack with REWIND_PACK_KILL_AFTER=$n exited $rc"
    check_after_kill "after its change $n"
    n=$((n + 1))
    [ "$n" -le 500 ] || fail "pack makes more than 500 changes?"
done
[ "$n" -gt 5 ] || fail "pack made only $((n - 1)) changes: the kill points are not being reached"
echo "killed after each of the $((n - 1)) changes pack makes: every time the trace replayed and a new pack completed it"
exit 0
