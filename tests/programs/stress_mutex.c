// Feature: threads under mutex contention (8 threads x 10,000 pthread_mutex lock/unlock on shared counters).
#include "t.h"
#include <pthread.h>

#define THREADS 8
#define ROUNDS 10000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;             /* total increments */
static long sum;                 /* sum of (thread index + 1) per increment */
static long per_thread[THREADS]; /* increments each thread saw itself make */
static unsigned long order_hash; /* which thread took the lock when (varies natively) */
static pid_t tids[THREADS];

static void *work(void *arg)
{
    long i = (long)arg;
    tids[i] = gettid();
    for (int r = 0; r < ROUNDS; r++) {
        CHECK(pthread_mutex_lock(&lock) == 0);
        counter++;
        sum += i + 1;
        per_thread[i]++;
        order_hash = order_hash * 31 + (unsigned long)i;
        CHECK(pthread_mutex_unlock(&lock) == 0);
    }
    return (void *)(i + 100);
}

int main(void)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, work, (void *)i) == 0);
    for (int i = 0; i < THREADS; i++) {
        void *ret;
        CHECK(pthread_join(t[i], &ret) == 0);
        printf("thread %d: tid %d, not the pid: %s, increments %ld, returned %ld\n", i, tids[i],
               tids[i] != getpid() ? "yes" : "no", per_thread[i], (long)ret);
        CHECK(per_thread[i] == ROUNDS);
    }
    /* Distinct tids. */
    for (int i = 0; i < THREADS; i++)
        for (int j = i + 1; j < THREADS; j++)
            CHECK(tids[i] != tids[j]);
    printf("counter %ld (expected %d)\n", counter, THREADS * ROUNDS);
    printf("sum %ld (expected %d)\n", sum, ROUNDS * THREADS * (THREADS + 1) / 2);
    printf("lock order hash %016lx\n", order_hash);
    CHECK(counter == THREADS * ROUNDS);
    CHECK(sum == ROUNDS * THREADS * (THREADS + 1) / 2);
    fprintf(stderr, "stderr: pid %d\n", getpid());
    return 0;
}
