// Feature: CPU-time timer signals (setitimer ITIMER_PROF) interrupting a computation whose state changes every iteration.
#include "t.h"
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>

#define HITS 4

static volatile int hits;
static volatile uint64_t state = 88172645463325252ULL;
static uint64_t seen[HITS];

static void on_prof(int sig)
{
    (void)sig;
    if (hits < HITS)
        seen[hits] = state;
    hits++;
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_prof, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGPROF, &sa, NULL) == 0);
    struct itimerval it = { .it_interval = { 0, 3000 }, .it_value = { 0, 3000 } };
    CHECK(setitimer(ITIMER_PROF, &it, NULL) == 0);

    /* xorshift64: the state never repeats, so each instant is distinct. */
    unsigned long iterations = 0;
    while (hits < HITS) {
        uint64_t x = state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state = x;
        iterations++;
    }
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    CHECK(setitimer(ITIMER_PROF, &off, NULL) == 0);
    for (int i = 0; i < HITS; i++)
        printf("SIGPROF %d saw state %016llx\n", i, (unsigned long long)seen[i]);
    printf("%lu iterations, final state %016llx\n", iterations, (unsigned long long)state);
    fprintf(stderr, "stderr: %d signals\n", (int)hits);
    return 0;
}
