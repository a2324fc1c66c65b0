#!/bin/sh
# Every process of a trace replays; -f PID debugs a forked child from its
# fork, -p PID and -p COMMAND an exec'd child from its exec.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/gdb/lib-gdb.sh"

build_debuggee debuggee
build_debuggee forker
(cd "$WORK" && $CLEAN_ENV "$REWIND" record -o "$WORK/t" "$WORK/forker" "$WORK/debuggee" </dev/null \
    >"$WORK/rec.out" 2>&1) || { show "$WORK/rec.out"; fail "record failed"; }
"$REWIND" ps "$WORK/t" >"$WORK/ps.out" || fail "rewind ps failed"
forked=$(awk '$4 == "(forked" {print $1}' "$WORK/ps.out")
execed=$(awk '$4 ~ /debuggee$/ {print $1}' "$WORK/ps.out")
[ -n "$forked" ] && [ -n "$execed" ] || { show "$WORK/ps.out"; fail "rewind ps does not list both children"; }

debug() { # OPTIONS... -- then gdb -ex commands
    serve "$WORK/t" "$@"
    (cd "$WORK" && timeout -k 5 120 gdb -batch -nx -l 10000 -ex 'set sysroot /' \
        -ex "target extended-remote 127.0.0.1:$PORT" -ex 'info inferiors' -ex "break $FN" \
        -ex continue -ex 'bt 1' -ex kill "$EXE" </dev/null >"$WORK/debug.out" 2>&1)
    wait "$SERVE_PID"
}

FN=child_work EXE=$WORK/forker debug -f "$forked"
grep -q "^\* 1 *process $forked " "$WORK/debug.out" || { show "$WORK/debug.out"; fail "-f $forked debugs another process"; }
grep -q '^Breakpoint 1, child_work (x=14) at ' "$WORK/debug.out" || { show "$WORK/debug.out"; fail "-f: no stop in the forked child"; }

for p in "$execed" debuggee; do
    FN=square EXE=$WORK/debuggee debug -p "$p"
    grep -q "^\* 1 *process $execed " "$WORK/debug.out" || { show "$WORK/debug.out"; fail "-p $p debugs another process"; }
    grep -q '^Breakpoint 1, square (v=1) at ' "$WORK/debug.out" || { show "$WORK/debug.out"; fail "-p $p: no stop in the exec'd child"; }
    grep -q "target extended-remote 127.0.0.1:$PORT' $WORK/debuggee\$" "$SERVE_ERR" || fail "-p $p: the launch line names another executable"
done
echo "-f and -p choose the process to debug"
