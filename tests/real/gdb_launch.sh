#!/bin/sh
# The three ways into a replay under gdb:
#  1. `rewind replay` starts gdb itself (here with -o -batch and commands
#     after --), connected to the replay, rewind's gdb script loaded;
#  2. `rewind replay --dbgport=0` prints rr's launch lines, which Delve
#     parses, on stderr; a separate gdb connects and debugs to the end;
#  3. `rewind -M replay -a` marks the output with [rr PID EVENT]; `-g EVENT`
#     starts there, and `when` agrees;
#  4. gdb's `run` restarts the replay; -k serves again after gdb leaves.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/gdb/lib-gdb.sh"

build_debuggee debuggee
(cd "$WORK" && $CLEAN_ENV "$REWIND" record -o "$WORK/t" "$WORK/debuggee" </dev/null \
    >"$WORK/rec.out" 2>&1) || { show "$WORK/rec.out"; fail "record failed"; }

# 1. gdb started by rewind.
(cd "$WORK" && timeout -k 5 120 "$REWIND" replay -o -batch "$WORK/t" -- -ex 'break square if v == 3' \
    -ex continue -ex 'print v' -ex 'bt 1' -ex when -ex kill </dev/null >"$WORK/l1.out" 2>&1)
rc=$?
[ "$rc" -eq 0 ] || { show "$WORK/l1.out"; fail "rewind replay with gdb exited $rc"; }
grep -q '^Breakpoint 1, square (v=3) at ' "$WORK/l1.out" || { show "$WORK/l1.out"; fail "no breakpoint hit under the launched gdb"; }
grep -q '^\$1 = 3$' "$WORK/l1.out" || fail "print v under the launched gdb"
grep -q '^Current event: [0-9][0-9]*$' "$WORK/l1.out" || { show "$WORK/l1.out"; fail "when did not answer (gdb script not loaded?)"; }

# 2. --dbgport=0: the exact launch lines, then a gdb of our own, to the end.
timeout -k 5 120 "$REWIND" replay --dbgport=0 "$WORK/t" </dev/null >"$WORK/l2.out" 2>"$WORK/l2.err" &
SERVE_PID=$!
PORT=
for _ in $(seq 100); do
    PORT=$(sed -n "s/^  gdb '-l' '10000' '-ex' 'set sysroot \/' '-ex' 'target extended-remote 127\.0\.0\.1:\([0-9]*\)' .*/\1/p" "$WORK/l2.err")
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { show "$WORK/l2.err"; fail "no launch line"; }
[ "$(sed -n 1p "$WORK/l2.err")" = "Launch gdb with" ] || fail "the first line is not 'Launch gdb with'"
[ "$(sed -n 2p "$WORK/l2.err")" = "  gdb '-l' '10000' '-ex' 'set sysroot /' '-ex' 'target extended-remote 127.0.0.1:$PORT' $WORK/debuggee" ] ||
    { show "$WORK/l2.err"; fail "the launch line is not rr's"; }
(cd "$WORK" && timeout -k 5 120 gdb -batch -nx -l 10000 -ex 'set sysroot /' \
    -ex "target extended-remote 127.0.0.1:$PORT" -ex 'break depth if n == 2' -ex continue \
    -ex 'print n' -ex continue -ex continue "$WORK/debuggee" </dev/null >"$WORK/l2.gdb" 2>&1)
wait "$SERVE_PID" || { show "$WORK/l2.err"; fail "the served replay failed"; }
grep -q '^\$1 = 2$' "$WORK/l2.gdb" || { show "$WORK/l2.gdb"; fail "print n from the external gdb"; }
grep -q '^Program received signal SIGKILL, Killed\.$' "$WORK/l2.gdb" || { show "$WORK/l2.gdb"; fail "the end of the replay did not show as SIGKILL"; }
grep -q '^\[Inferior 1 (process [0-9]*) exited normally\]$' "$WORK/l2.gdb" || { show "$WORK/l2.gdb"; fail "the exit was not reported"; }
cmp -s "$WORK/rec.out" "$WORK/l2.out" || fail "the served replay's output differs from the recording's"

# 3. -M marks, -g EVENT to one, when agrees.
"$REWIND" -M replay -a "$WORK/t" >"$WORK/marked.out" 2>&1 || fail "rewind -M replay -a failed"
mark=$(sed -n 's/^\[rr \([0-9]*\) \([0-9]*\)\]total .*/\2/p' "$WORK/marked.out")
[ -n "$mark" ] || { show "$WORK/marked.out"; fail "no [rr PID EVENT] mark on the output"; }
"$REWIND" gdbinit >"$WORK/gdbinit"
serve "$WORK/t" -g "$mark"
(cd "$WORK" && timeout -k 5 120 gdb -batch -nx -l 10000 -x "$WORK/gdbinit" -ex 'set sysroot /' \
    -ex "target extended-remote 127.0.0.1:$PORT" -ex when -ex 'bt 1' -ex kill "$WORK/debuggee" \
    </dev/null >"$WORK/l3.gdb" 2>&1)
wait "$SERVE_PID"
grep -q "^Current event: $mark\$" "$WORK/l3.gdb" || { show "$WORK/l3.gdb"; fail "when does not say $mark after -g $mark"; }
grep -q 'in __GI___libc_write (fd=1' "$WORK/l3.gdb" || { show "$WORK/l3.gdb"; fail "-g $mark is not at the marked write"; }
[ ! -s "$WORK/serve.out" ] || fail "the write at event $mark was replayed before the stop there"
# 4. gdb's `run` replays again from the start; -k serves again after gdb left.
timeout -k 5 120 "$REWIND" replay -s 0 -k "$WORK/t" </dev/null >"$WORK/l4.out" 2>"$WORK/l4.err" &
SERVE_PID=$!
PORT=
for _ in $(seq 100); do
    PORT=$(sed -n "1,2s/.*'target extended-remote 127\.0\.0\.1:\([0-9]*\)'.*/\1/p" "$WORK/l4.err")
    [ -n "$PORT" ] && break
    sleep 0.1
done
for i in 1 2; do
    (cd "$WORK" && timeout -k 5 60 gdb -batch -nx -l 10000 -ex 'set sysroot /' \
        -ex "target extended-remote 127.0.0.1:$PORT" -ex 'break square if v == 4' -ex continue \
        -ex 'print v' -ex run -ex 'print v + 1' -ex kill "$WORK/debuggee" </dev/null >"$WORK/l4.gdb" 2>&1)
    grep -q '^\$1 = 4$' "$WORK/l4.gdb" && grep -q '^\$2 = 5$' "$WORK/l4.gdb" ||
        { show "$WORK/l4.gdb"; fail "connection $i: run did not replay to the breakpoint again"; }
done
kill "$SERVE_PID" 2>/dev/null
wait "$SERVE_PID" 2>/dev/null

echo "launched gdb, --dbgport=0 with an external gdb to the end, -M marks with -g and when, run, -k"
