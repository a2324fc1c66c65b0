// Feature: threads spinning in pure user space (no syscalls) on a flag another thread sets after ~20 ms of computation.
#include "t.h"
#include <pthread.h>
#include <stdatomic.h>

/* About 20 ms of integer work natively, no syscalls. */
#define WORK_ITERS 12000000UL

static atomic_int flag_a, flag_b; /* set by the worker, then by main */
static unsigned long result_a, result_b;

static unsigned long compute(unsigned long seed)
{
    unsigned long x = seed;
    for (unsigned long i = 0; i < WORK_ITERS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

/* The spin: the same registers on every iteration (load, test, pause). */
static void spin_until(atomic_int *flag)
{
    while (!atomic_load(flag))
        __builtin_ia32_pause();
}

static void *worker(void *arg)
{
    (void)arg;
    /* Role 1: compute while main spins. */
    result_a = compute(0x9e3779b97f4a7c15UL);
    atomic_store(&flag_a, 1);
    /* Role 2: spin while main computes. */
    spin_until(&flag_b);
    printf("worker: saw main's result %016lx\n", result_b);
    return (void *)(result_b & 0xff);
}

int main(void)
{
    pthread_t t;
    void *ret;
    CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
    spin_until(&flag_a);
    printf("main: saw worker's result %016lx\n", result_a);
    fflush(stdout);
    result_b = compute(result_a);
    atomic_store(&flag_b, 1);
    CHECK(pthread_join(t, &ret) == 0);
    printf("main: worker returned %ld (expected %ld)\n", (long)ret, (long)(result_b & 0xff));
    CHECK((unsigned long)ret == (result_b & 0xff));
    CHECK(result_a == compute(0x9e3779b97f4a7c15UL));
    return 0;
}
