#!/bin/sh
# Signals that come where the recorder undid a syscall.  A thread that enters
# a syscall while the recorder's SIGSTOP (the end of a time slice, random
# under --chaos) is on its way is put back before its syscall instruction,
# rcx and r11 already overwritten by it; a signal from outside that comes
# right then is delivered there.  Two threads computing between syscalls,
# SIGUSR1 sent every 200 us from outside: each recording must have such
# signals (dump: before-undone-syscall) and replay identically.  Before,
# 3 recordings of 3 diverged ("registers differ: orig_rax").
. "$(dirname "$0")/lib.sh"
need gcc
cat >"$WORK/workers.c" <<'C'
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
static volatile long hits;
static void on_usr1(int s) { (void)s; hits++; }
static void *worker(void *arg) {
    long n = 0, x = (long)arg;
    for (int i = 0; i < 400; i++) {
        for (int k = 0; k < 300000; k++)
            x = x * 6364136223846793005 + 1442695040888963407;
        n += syscall(SYS_getppid) > 0;
    }
    return (void *)(n + (x & 1));
}
int main(int argc, char **argv) {
    (void)argc;
    signal(SIGUSR1, on_usr1);
    FILE *f = fopen(argv[1], "w");
    fprintf(f, "%d\n", getpid());
    fclose(f);
    pthread_t th[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, worker, (void *)i);
    long total = 0;
    for (int i = 0; i < 2; i++) {
        void *r;
        pthread_join(th[i], &r);
        total += (long)r;
    }
    printf("total %ld, %s\n", total, hits ? "signals came" : "no signal");
    return 0;
}
C
cat >"$WORK/flood.c" <<'C'
#include <signal.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
    (void)argc;
    struct timespec ts = {0, 200000};
    while (kill(atoi(argv[1]), SIGUSR1) == 0)
        nanosleep(&ts, NULL);
    return 0;
}
C
gcc -O2 -pthread -o "$WORK/workers" "$WORK/workers.c" || fail "cannot compile the workers"
gcc -O2 -o "$WORK/flood" "$WORK/flood.c" || fail "cannot compile the sender"
undone=0
for run in 1 2 3; do
    pidfile=$WORK/pid$run
    "$REWIND" record --chaos -o "$WORK/t$run" "$WORK/workers" "$pidfile" >"$WORK/rec$run.out" 2>"$WORK/rec$run.err" &
    rec=$!
    pid=$(wait_pid "$pidfile") || fail "run $run: the recorded program never started"
    "$WORK/flood" "$pid" &
    wait $rec || { show "$WORK/rec$run.err"; fail "run $run: the recorder failed"; }
    grep -q '^total 801, signals came$' "$WORK/rec$run.out" ||
        { show "$WORK/rec$run.out"; fail "run $run: the program printed something unexpected"; }
    replay_run "$run"
    n=$("$REWIND" dump "$WORK/t$run" | grep -c 'SIGNAL.*before-undone-syscall')
    echo "run $run: $n signals before an undone syscall, replayed identically"
    undone=$((undone + n))
done
wait
[ "$undone" -gt 0 ] || fail "no signal came where a syscall was undone: nothing was tested"
