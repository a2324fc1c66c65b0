// Feature: timer signals (setitimer ITIMER_REAL) landing in a syscall-free loop whose state is only in memory (a volatile counter), so the registers repeat at every iteration (anchors with a memory fingerprint, docs/async-events.md).
#include "t.h"
#include <signal.h>
#include <sys/time.h>

#define HITS 5

static volatile int hits;
static volatile unsigned long counter;
static unsigned long seen[HITS];

static void on_alarm(int sig)
{
    (void)sig;
    if (hits < HITS)
        seen[hits] = counter;
    hits++;
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = { .it_interval = { 0, 2000 }, .it_value = { 0, 2000 } };
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);

    /* No syscall in this loop: each signal lands at an arbitrary instruction. */
    while (hits < HITS)
        counter++;

    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
    for (int i = 0; i < HITS; i++)
        printf("signal %d arrived when the counter was %lu\n", i, seen[i]);
    printf("loop ended at %lu\n", (unsigned long)counter);
    for (int i = 1; i < HITS; i++)
        CHECK(seen[i] >= seen[i - 1]);
    fprintf(stderr, "stderr: %d signals\n", (int)hits);
    return 0;
}
