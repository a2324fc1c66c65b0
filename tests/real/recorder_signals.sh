#!/bin/sh
# SIGINT and SIGTERM sent to the recorder (with kill) reach the recorded
# program; its handler runs, the trace is finished cleanly and replays.
. "$(dirname "$0")/lib.sh"
need gcc
cat >"$WORK/waiter.c" <<'C'
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
static void on_signal(int s) { printf("got signal %d\n", s); fflush(stdout); _exit(5); }
int main(void) {
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("ready\n");
    fflush(stdout);
    for (;;)
        pause();
}
C
gcc -O1 -o "$WORK/waiter" "$WORK/waiter.c" || fail "cannot compile the waiter"
for sig in INT TERM; do
    "$REWIND" record -o "$WORK/$sig" "$WORK/waiter" >"$WORK/$sig.out" 2>"$WORK/$sig.err" &
    rec=$!
    i=0
    until grep -q ready "$WORK/$sig.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 100 ] || fail "the recorded program never started"
        sleep 0.1
    done
    kill -$sig $rec
    wait $rec
    rc=$?
    [ $rc -eq 5 ] || { show "$WORK/$sig.err"; fail "SIG$sig: recorder exit $rc, expected the program's 5"; }
    grep -q "got signal" "$WORK/$sig.out" || fail "SIG$sig did not reach the program"
    timeout 60 "$REWIND" replay -a "$WORK/$sig" >"$WORK/$sig.rep" 2>"$WORK/$sig.reperr" ||
        { show "$WORK/$sig.reperr"; fail "SIG$sig: the trace does not replay"; }
    cmp -s "$WORK/$sig.out" "$WORK/$sig.rep" || fail "SIG$sig: replay output differs"
done
exit 0
