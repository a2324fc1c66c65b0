// Feature: pthread condition variables (bounded producer/consumer queue), barrier, rwlock, detached thread.
#include "t.h"
#include <pthread.h>

#define ITEMS 100
#define QSIZE 8
#define BARRIER_THREADS 4
#define READERS 3

/* --- producer/consumer over a bounded queue --- */
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static int queue[QSIZE], qhead, qcount;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qcount == QSIZE)
            pthread_cond_wait(&not_full, &qlock);
        queue[(qhead + qcount++) % QSIZE] = i * i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qlock);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    long sum = 0, n = 0, ordered = 1, prev = 0;
    (void)arg;
    while (n < ITEMS) {
        pthread_mutex_lock(&qlock);
        while (qcount == 0)
            pthread_cond_wait(&not_empty, &qlock);
        int v = queue[qhead];
        qhead = (qhead + 1) % QSIZE;
        qcount--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qlock);
        if (v <= prev)
            ordered = 0;
        prev = v;
        sum += v;
        n++;
    }
    printf("consumer: %ld items, sum %ld, in order %s\n", n, sum, ordered ? "yes" : "no");
    return (void *)sum;
}

/* --- barrier --- */
static pthread_barrier_t barrier;
static int arrived[BARRIER_THREADS], seen_after[BARRIER_THREADS], serial_count;

static void *at_barrier(void *arg)
{
    long i = (long)arg;
    __atomic_store_n(&arrived[i], 1, __ATOMIC_SEQ_CST);
    int r = pthread_barrier_wait(&barrier);
    CHECK(r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD);
    if (r == PTHREAD_BARRIER_SERIAL_THREAD)
        __atomic_add_fetch(&serial_count, 1, __ATOMIC_SEQ_CST);
    for (int j = 0; j < BARRIER_THREADS; j++)
        seen_after[i] += __atomic_load_n(&arrived[j], __ATOMIC_SEQ_CST);
    return NULL;
}

/* --- rwlock --- */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared_a, shared_b, torn; /* the writer keeps b == 2 * a */

static void *reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_rdlock(&rw);
        if (shared_b != 2 * shared_a)
            torn++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 500; i++) {
        pthread_rwlock_wrlock(&rw);
        shared_a++;
        shared_b = 2 * shared_a;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

/* --- detached thread --- */
static pthread_mutex_t dlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ddone = PTHREAD_COND_INITIALIZER;
static int detached_result;

static void *detached(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&dlock);
    detached_result = 42;
    pthread_cond_signal(&ddone);
    pthread_mutex_unlock(&dlock);
    return NULL;
}

int main(void)
{
    pthread_t p, c, b[BARRIER_THREADS], r[READERS], w, d;
    void *ret;

    CHECK(pthread_create(&p, NULL, producer, NULL) == 0 && pthread_create(&c, NULL, consumer, NULL) == 0);
    CHECK(pthread_join(p, NULL) == 0 && pthread_join(c, &ret) == 0);
    printf("queue: consumer returned %ld (expected %d)\n", (long)ret,
           ITEMS * (ITEMS + 1) * (2 * ITEMS + 1) / 6);

    CHECK(pthread_barrier_init(&barrier, NULL, BARRIER_THREADS) == 0);
    for (long i = 0; i < BARRIER_THREADS; i++)
        CHECK(pthread_create(&b[i], NULL, at_barrier, (void *)i) == 0);
    for (int i = 0; i < BARRIER_THREADS; i++)
        CHECK(pthread_join(b[i], NULL) == 0);
    CHECK(pthread_barrier_destroy(&barrier) == 0);
    for (int i = 0; i < BARRIER_THREADS; i++)
        printf("barrier: thread %d saw %d arrivals after the barrier\n", i, seen_after[i]);
    printf("barrier: %d serial thread(s)\n", serial_count);

    for (int i = 0; i < READERS; i++)
        CHECK(pthread_create(&r[i], NULL, reader, NULL) == 0);
    CHECK(pthread_create(&w, NULL, writer, NULL) == 0);
    for (int i = 0; i < READERS; i++)
        CHECK(pthread_join(r[i], NULL) == 0);
    CHECK(pthread_join(w, NULL) == 0);
    printf("rwlock: a %d, b %d, torn reads %d\n", shared_a, shared_b, torn);

    pthread_mutex_lock(&dlock);
    CHECK(pthread_create(&d, NULL, detached, NULL) == 0);
    CHECK(pthread_detach(d) == 0);
    while (detached_result == 0)
        pthread_cond_wait(&ddone, &dlock);
    pthread_mutex_unlock(&dlock);
    /* The detached thread may still be finishing when main returns. */
    printf("detached: result %d\n", detached_result);
    return 0;
}
