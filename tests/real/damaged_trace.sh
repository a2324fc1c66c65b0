#!/bin/sh
# Bad input: a recording killed with kill -9 replays up to its last complete
# block, then says the recording was cut off; truncated, damaged, foreign
# (rr) and newer-version traces each give one clear "rewind:" line and a
# non-zero exit, never a crash or a hang.
. "$(dirname "$0")/lib.sh"

# A program that prints a line every 20 ms for a long time.
cat >"$WORK/ticker.c" <<'C'
#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 0; i < 100000; i++) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        printf("tick %d %ld\n", i, (long)ts.tv_nsec);
        usleep(20000);
    }
    return 0;
}
C
gcc -O1 -o "$WORK/ticker" "$WORK/ticker.c" || fail "cannot compile the ticker"

# one_line_error NAME CMD...: exit non-zero with exactly one "rewind: " line.
one_line_error() {
    n=$1
    shift
    timeout 60 "$@" >"$WORK/$n.out" 2>"$WORK/$n.err"
    rc=$?
    [ "$rc" -ne 0 ] || fail "$n: exit 0, expected an error"
    [ "$rc" -lt 124 ] || fail "$n: exit $rc (hang, crash or signal)"
    lines=$(grep -c '^rewind: ' "$WORK/$n.err")
    [ "$lines" -eq 1 ] || { show "$WORK/$n.err"; fail "$n: expected one 'rewind:' line, got $lines"; }
}

# 1. kill -9 the recorder mid-run.
"$REWIND" record -o "$WORK/cut" "$WORK/ticker" >"$WORK/cut.rec" 2>/dev/null &
rec=$!
sleep 1.5
kill -9 $rec
wait $rec 2>/dev/null
pkill -9 -f "$WORK/ticker" 2>/dev/null
recorded=$(grep -c '^tick' "$WORK/cut.rec")
[ "$recorded" -gt 10 ] || fail "the killed recording printed only $recorded lines"
one_line_error cut "$REWIND" replay -a "$WORK/cut"
grep -q 'cut off' "$WORK/cut.err" || { show "$WORK/cut.err"; fail "the error does not say the recording was cut off"; }
replayed=$(grep -c '^tick' "$WORK/cut.out")
[ "$replayed" -gt 0 ] || fail "nothing of the cut-off recording replayed"
# What replayed is a prefix of what was recorded.
head -n "$replayed" "$WORK/cut.rec" | cmp -s - "$WORK/cut.out" ||
    fail "the replayed lines are not the recorded ones"
echo "cut-off recording: $recorded lines recorded, $replayed replayed before the cut"

# 2. A complete trace, then damaged copies of it.
record good 0 sh -c 'echo hello; date +%N'
replay good
good=$WORK/good/trace
size=$(stat -c %s "$good/events")
for cut in 0 10 17 40 $((size / 2)) $((size - 1)); do
    rm -rf "$WORK/t$cut"
    cp -r "$good" "$WORK/t$cut"
    head -c "$cut" "$good/events" >"$WORK/t$cut/events"
    one_line_error "truncated-$cut" "$REWIND" replay -a -q "$WORK/t$cut"
    timeout 60 "$REWIND" dump "$WORK/t$cut" >/dev/null 2>&1
    [ $? -lt 124 ] || fail "dump crashed or hung on a trace cut at $cut bytes"
done
# Flip bytes in the middle of the compressed data.
cp -r "$good" "$WORK/flip"
printf '\377\377\377\377' | dd of="$WORK/flip/events" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
one_line_error flipped "$REWIND" replay -a -q "$WORK/flip"
# A missing events file.
cp -r "$good" "$WORK/noevents"
rm "$WORK/noevents/events"
one_line_error noevents "$REWIND" replay -a -q "$WORK/noevents"
# An rr trace, and one from a newer rewind.
cp -r "$good" "$WORK/rr"
echo 85 >"$WORK/rr/version"
one_line_error rr "$REWIND" replay -a -q "$WORK/rr"
grep -q 'rr' "$WORK/rr.err" || fail "an rr trace is not named as such"
cp -r "$good" "$WORK/newer"
echo "rewind-trace 99" >"$WORK/newer/version"
one_line_error newer "$REWIND" replay -a -q "$WORK/newer"
# A mapped file missing from the trace.
cp -r "$good" "$WORK/nomap"
rm -f "$WORK"/nomap/mmap-*
one_line_error nomap "$REWIND" replay -a -q "$WORK/nomap"
# Not a trace at all, and a missing program.
one_line_error notrace "$REWIND" replay -a "$WORK"
one_line_error noprog "$REWIND" record -o "$WORK/np" "$WORK/does-not-exist"
exit 0
