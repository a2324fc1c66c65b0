/* A process-directed timer signal (timer_create, SIGEV_SIGNAL) while two
 * threads compute with no syscall, their loop counters in memory (volatile,
 * as -O0 code keeps them): the kernel delivers each signal to either
 * thread, and may wake one blocked in pthread_join for a signal the other
 * then takes (the join's futex returns ERESTARTSYS and is restarted with no
 * signal).  Each handler notes both threads' progress. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#define HITS 6

static volatile sig_atomic_t hits;
static volatile long a_prog, b_prog;
static long seen[HITS][2];

static void on_alarm(int sig)
{
    (void)sig;
    if (hits < HITS) {
        seen[hits][0] = a_prog;
        seen[hits][1] = b_prog;
    }
    hits++;
}

static void *other(void *arg)
{
    (void)arg;
    for (volatile long i = 0; hits < HITS; i++)
        b_prog = i;
    return NULL;
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    timer_t timer;
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM};
    if (timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0)
        return 1;
    struct itimerspec every = {{0, 4000000}, {0, 4000000}};
    timer_settime(timer, 0, &every, NULL);
    pthread_t t;
    pthread_create(&t, NULL, other, NULL);
    for (volatile long i = 0; hits < HITS; i++)
        a_prog = i;
    pthread_join(t, NULL);
    timer_delete(timer);
    for (int i = 0; i < HITS; i++)
        printf("signal %d: main at %ld, other at %ld\n", i, seen[i][0], seen[i][1]);
    return 0;
}
