#!/bin/sh
# A position in user code that replay never reaches is a divergence after
# a bounded time, not a hang: each in-code event carries its run's CPU
# time, and a search at the program's speed gives up after 10 times that
# plus 2 s.  The way made here: the trace's saved copy of a file the
# program maps (the step of its loop) is changed after the recording, so
# the registers where the timer signal landed never come in replay.
. "$(dirname "$0")/lib.sh"

cat >"$WORK/stepper.c" <<'C'
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>
static volatile sig_atomic_t hit;
static void on_alarm(int sig) { (void)sig; hit = 1; }
int main(int argc, char **argv) {
    int fd = open(argv[1], O_RDONLY);
    const char *p = fd < 0 ? MAP_FAILED : mmap(NULL, 16, PROT_READ, MAP_PRIVATE, fd, 0);
    if (argc != 2 || p == MAP_FAILED)
        return 2;
    signal(SIGALRM, on_alarm);
    struct itimerval it = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    long step = strtol(p, NULL, 10), x = 0; /* after the last syscall */
    while (!hit)
        x += step;
    printf("stopped at a multiple of the step: %s\n", x % step == 0 ? "yes" : "no");
    return 0;
}
C
gcc -O2 -o "$WORK/stepper" "$WORK/stepper.c" || fail "cannot compile stepper"
printf '7\n' >"$WORK/stepfile"

record step 0 "$WORK/stepper" "$WORK/stepfile"
replay step
trace=$WORK/step/trace
"$REWIND" dump "$trace" | grep -q 'SIGNAL .*Alarm clock.* in-code' ||
    fail "the timer signal did not land in the loop's code"

change_mapped_copy step stepfile '9'
start=$(date +%s)
replay_diverges step "^rewind: divergence at event .*not reached in .* of the thread's CPU time"
echo "a position never reached: divergence after $(( $(date +%s) - start )) s"
