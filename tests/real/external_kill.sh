#!/bin/sh
# Signals sent from outside the recording (kill from another shell) into a compute loop with no syscall, in a
# process that armed no timer: each is recorded where it landed, and each recording replays identically (the
# handler notes the loop's round).  Without debug registers such a signal is anchored at an instruction replay
# can patch; before, replay searched for it by a stop per round since the loop began, which never ended.
. "$(dirname "$0")/lib.sh"
need gcc
cat >"$WORK/looper.c" <<'C'
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
static volatile sig_atomic_t got;
static volatile unsigned long progress;
static unsigned long at[3];
static void on_usr1(int s) { (void)s; if (got < 3) at[got] = progress; got++; }
int main(int argc, char **argv) {
    (void)argc;
    signal(SIGUSR1, on_usr1);
    FILE *f = fopen(argv[1], "w");
    fprintf(f, "%d\n", getpid());
    fclose(f);
    unsigned long x = 3;
    for (unsigned long i = 0; got < 3; i++) {
        x = x * 2862933555777941757UL + 3037000493UL;
        progress = i;
    }
    printf("x %lx, signals at rounds %lu %lu %lu\n", x, at[0], at[1], at[2]);
    return 0;
}
C
gcc -O2 -o "$WORK/looper" "$WORK/looper.c" || fail "cannot compile the looper"
for run in 1 2 3 4; do
    pidfile=$WORK/pid$run
    "$REWIND" record -o "$WORK/t$run" "$WORK/looper" "$pidfile" >"$WORK/rec$run.out" 2>"$WORK/rec$run.err" &
    rec=$!
    pid=$(wait_pid "$pidfile") || fail "run $run: the recorded program never started"
    for s in 1 2 3; do
        sleep 0.1
        kill -USR1 "$pid" 2>/dev/null
    done
    wait $rec || { show "$WORK/rec$run.err"; fail "run $run: the recorder failed"; }
    grep -q '^x [0-9a-f]*, signals at rounds [0-9]* [0-9]* [0-9]*$' "$WORK/rec$run.out" ||
        { show "$WORK/rec$run.out"; fail "run $run: the program printed something unexpected"; }
    replay_run "$run"
    "$REWIND" dump "$WORK/t$run" | grep -q 'SIGNAL.*User defined signal 1.*in-code' ||
        fail "run $run: no signal was recorded in the loop"
    echo "run $run: $(cat "$WORK/rec$run.out")"
done
