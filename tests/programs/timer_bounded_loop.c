/* A timer signal landing in a compute loop bounded by a number of rounds
 * (not by the signals): the handler notes the round it interrupted.
 * Without debug registers, a counter at the loop's address would stop the
 * thread at every round, and 3x10^8 rounds would take hours to record; the
 * signal is anchored where it comes instead, and replay finds that round at
 * the program's speed. */
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

#define ROUNDS 300000000L
#define MAX_HITS 64
#define SHOWN 8

static volatile long round_now;
static volatile sig_atomic_t hits;
static long seen[MAX_HITS];

static void on_alarm(int sig)
{
    (void)sig;
    if (hits < MAX_HITS)
        seen[hits] = round_now;
    hits++;
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    struct itimerval every = {{0, 5000}, {0, 5000}}, off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &every, NULL);
    unsigned long x = 1;
    for (long i = 0; i < ROUNDS; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        round_now = i;
    }
    setitimer(ITIMER_REAL, &off, NULL);
    printf("x %lx\n", x);
    int n = hits < MAX_HITS ? hits : MAX_HITS;
    for (int i = 1; i < n; i++)
        if (seen[i] < seen[i - 1]) {
            printf("rounds out of order\n");
            return 1;
        }
    /* As many lines however many signals came (-1: none), for the test's
     * comparison of the native run's lines with the recording's. */
    for (int i = 0; i < SHOWN; i++)
        printf("signal %d at round %ld\n", i, i < n ? seen[i] : -1L);
    return 0;
}
