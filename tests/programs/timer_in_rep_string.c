/* Timer signals landing in a `rep stosb` (a memset of 1 MiB, one
 * instruction of a million rounds).  A point in the middle of it is one
 * replay cannot stop at (an execution breakpoint or a jump patch sees the
 * instruction start, not its rounds): the recorder runs the signal's thread
 * to the end of the instruction before it anchors the signal. */
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

#define ROUNDS 3000
#define MAX_HITS 32
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
    static unsigned char buf[1 << 20];
    signal(SIGALRM, on_alarm);
    struct itimerval every = {{0, 2000}, {0, 2000}}, off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &every, NULL);
    unsigned long sum = 0;
    for (long i = 0; i < ROUNDS; i++) {
        void *p = buf;
        unsigned long n = sizeof buf;
        __asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(i) : "memory");
        sum += buf[i & 0xfffff];
        round_now = i;
    }
    setitimer(ITIMER_REAL, &off, NULL);
    printf("sum %lu\n", sum);
    /* As many lines however many signals came (-1: none), for the test's
     * comparison of the native run's lines with the recording's. */
    for (int i = 0; i < SHOWN; i++)
        printf("signal %d at round %ld\n", i, i < hits ? seen[i] : -1L);
    return 0;
}
