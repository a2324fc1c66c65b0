#!/bin/sh
# Debugging compute threads that were preempted in the middle of a loop: gdb's breakpoint inside the loop
# stops where the recording says it must, forwards and in reverse, and every preempted point is still found
# with a jump patch (tracee/jump_search.h), which replay hides from gdb while gdb looks at a stop.  Before,
# under gdb each one cost a ptrace stop per execution of the loop (minutes for this program).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/gdb/lib-gdb.sh"

src="$(dirname "$0")/compute_racer.c"
cp "$src" "$WORK/compute_racer.c"
(cd "$WORK" && gcc -g -O2 -pthread -o racer compute_racer.c) || fail "cannot compile the racing program"
line=$(grep -n 'first_seen\[id\] = i;' "$src" | cut -d: -f1)

(cd "$WORK" && $CLEAN_ENV "$REWIND" record -o "$WORK/racer.trace" "$WORK/racer" </dev/null \
    >"$WORK/rec.out" 2>&1) || { show "$WORK/rec.out"; fail "record failed"; }
preempts=$("$REWIND" dump "$WORK/racer.trace" | grep -c PREEMPT)
[ "$preempts" -ge 2 ] || fail "the recording has $preempts PREEMPT events: the threads were not time-sliced"
set -- $(sed -n 's/^first interleaved at iterations \(-\{0,1\}[0-9]*\) and \(-\{0,1\}[0-9]*\)$/\1 \2/p' "$WORK/rec.out")
[ $# -eq 2 ] || { show "$WORK/rec.out"; fail "the recording printed something unexpected"; }
first0=$1 first1=$2
[ "$first0" -ge 0 ] && [ "$first1" -ge 0 ] ||
    { show "$WORK/rec.out"; fail "a thread never saw the other run: the threads were not interleaved"; }

export REWIND_DEBUG=1
serve "$WORK/racer.trace"
unset REWIND_DEBUG
(cd "$WORK" && timeout -k 5 120 $CLEAN_ENV gdb -batch -nx -l 10000 -ex 'set sysroot /' \
    -ex "target extended-remote 127.0.0.1:$PORT" -ex "break compute_racer.c:$line" \
    -ex continue -ex 'print id' -ex 'print i' -ex next -ex next -ex continue -ex 'print id' -ex 'print i' \
    -ex continue -ex reverse-continue -ex 'print id' -ex 'print i' -ex delete -ex continue -ex kill \
    racer </dev/null >"$WORK/gdb.out" 2>&1)
wait "$SERVE_PID" || { show "$SERVE_ERR" | grep -v '^rewind\[debug\]'; fail "the served replay failed"; }
OUT=$WORK/gdb.out

# Which thread is preempted first depends on the recording: the two stops forwards are both threads.
stops=$(sed -n 's/^\$[0-9]* = //p' "$OUT" | tr '\n' ' ')
case "$stops" in
"0 $first0 1 $first1 "* | "1 $first1 0 $first0 "*) ;;
*) show "$OUT"; fail "forwards, the breakpoint did not stop at iterations $first0 and $first1 ($stops)" ;;
esac
# reverse-continue from the end stops at the later of the two.
last=$(echo "$stops" | cut -d' ' -f3-4)
case "$stops" in
*" $last ") ;;
*) show "$OUT"; fail "reverse-continue did not come back to the last stop ($stops)" ;;
esac
while read -r printed; do
    grep -qxF "$printed" "$WORK/serve.out" ||
        { show "$WORK/serve.out"; fail "the replay under gdb did not print '$printed' as the recording did"; }
done <"$WORK/rec.out"

jumps=$(grep -c 'jump search for 0x[0-9a-f]*: [0-9]* traps' "$SERVE_ERR")
[ "$jumps" -ge "$preempts" ] ||
    fail "only $jumps jump searches for $preempts PREEMPT events: under gdb, preempted points were found by stopping"
slow=$(sed -n 's/.*search for 0x[0-9a-f]*: \([0-9]*\) \(stops\|traps\).*/\1/p' "$SERVE_ERR" | sort -n | tail -1)
[ "${slow:-0}" -le 1000 ] || fail "a search under gdb took $slow stops"
echo "$preempts PREEMPT events, $jumps jump searches under gdb; forwards: $stops"
