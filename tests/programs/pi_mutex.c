// Feature: priority-inheritance mutexes under contention (FUTEX_LOCK_PI, LOCK_PI2, TRYLOCK_PI, UNLOCK_PI): 6 threads x 3,000 lock/unlock, holders sleeping inside.
#include "t.h"
#include <pthread.h>
#include <time.h>

#define THREADS 6
#define ROUNDS 3000

static pthread_mutex_t pi;
static long counter;
static long per_thread[THREADS];
static long busy; /* trylock found it taken */

static void *worker(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        if (i % 7 == 3) {
            /* pthread_mutex_clocklock on CLOCK_MONOTONIC: FUTEX_LOCK_PI2 */
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += 60;
            CHECK(pthread_mutex_clocklock(&pi, CLOCK_MONOTONIC, &ts) == 0);
        } else if (i % 11 == 5) {
            int e = pthread_mutex_trylock(&pi);
            CHECK(e == 0 || e == EBUSY);
            if (e == EBUSY) {
                CHECK(pthread_mutex_lock(&pi) == 0);
                busy++; /* counted under the lock */
            }
        } else {
            CHECK(pthread_mutex_lock(&pi) == 0);
        }
        long c = counter;
        if (i % 100 == (int)id)
            usleep(50); /* hold it across a blocking syscall: others block in FUTEX_LOCK_PI */
        counter = c + 1;
        per_thread[id]++;
        CHECK(pthread_mutex_unlock(&pi) == 0);
    }
    return NULL;
}

int main(void)
{
    pthread_mutexattr_t a;
    pthread_t t[THREADS];
    CHECK(pthread_mutexattr_init(&a) == 0);
    CHECK(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT) == 0);
    CHECK(pthread_mutex_init(&pi, &a) == 0);
    for (long i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0);
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    printf("PI mutex: counter %ld (expected %d)\n", counter, THREADS * ROUNDS);
    for (int i = 0; i < THREADS; i++)
        printf("thread %d: %ld\n", i, per_thread[i]);
    printf("trylock found it taken %ld times\n", busy);
    CHECK(counter == THREADS * ROUNDS);
    /* The mutex is free and usable at the end. */
    CHECK(pthread_mutex_trylock(&pi) == 0 && pthread_mutex_unlock(&pi) == 0);
    return 0;
}
