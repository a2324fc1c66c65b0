// Feature: loops without syscalls whose registers change are preempted at the end of a time slice: a spin-wait
// that counts its spins in a register, one that counts them in memory, and two threads racing on a counter.
#include "t.h"
#include <pthread.h>
#include <stdatomic.h>

#define RACE_ITERS 30000000L /* tens of ms each natively: several time slices */

static atomic_int flag_a, flag_b;
static volatile long spins_in_memory;
static volatile long racy; /* incremented without a lock: updates get lost when a thread is preempted */
static pthread_barrier_t start;

static unsigned long compute(unsigned long x, unsigned long iters)
{
    for (unsigned long i = 0; i < iters; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

static void *setter(void *arg)
{
    (void)arg;
    /* Registers only: a loop that has no instruction of 5 bytes or more. */
    unsigned long x = compute(1, 20000000);
    atomic_store(&flag_a, 1);
    x = compute(x, 20000000);
    atomic_store(&flag_b, 1);
    return (void *)(x & 1);
}

static void *racer(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    for (long i = 0; i < RACE_ITERS; i++)
        racy = racy + 1;
    return NULL;
}

int main(void)
{
    pthread_t t;
    CHECK(pthread_create(&t, NULL, setter, NULL) == 0);
    long n = 0;
    while (!atomic_load_explicit(&flag_a, memory_order_relaxed)) {
        n++;
        __asm__ volatile("" : "+r"(n)); /* the count stays in a register */
    }
    while (!atomic_load_explicit(&flag_b, memory_order_relaxed))
        spins_in_memory++;
    CHECK(pthread_join(t, NULL) == 0);
    printf("spun %ld times in a register, %ld in memory\n", n, spins_in_memory);

    pthread_t r[2];
    CHECK(pthread_barrier_init(&start, NULL, 2) == 0);
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&r[i], NULL, racer, NULL) == 0);
    for (int i = 0; i < 2; i++)
        CHECK(pthread_join(r[i], NULL) == 0);
    printf("racy counter %ld of %ld\n", racy, 2 * RACE_ITERS);
    return 0;
}
