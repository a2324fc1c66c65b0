// Feature: threads (pthread_create/join, a mutex-protected counter, per-thread tids).
#include "t.h"
#include <pthread.h>

#define THREADS 4
#define ROUNDS 10000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pid_t tids[THREADS];

static void *work(void *arg)
{
    long i = (long)arg;
    tids[i] = gettid();
    for (int r = 0; r < ROUNDS; r++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    return (void *)(i * 10);
}

int main(void)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, work, (void *)i) == 0);
    for (int i = 0; i < THREADS; i++) {
        void *ret;
        CHECK(pthread_join(t[i], &ret) == 0);
        printf("thread %d: tid %d, differs from pid: %s, returned %ld\n", i, tids[i],
               tids[i] != getpid() ? "yes" : "no", (long)ret);
    }
    printf("counter %ld (expected %d)\n", counter, THREADS * ROUNDS);
    CHECK(counter == THREADS * ROUNDS);
    fprintf(stderr, "stderr: pid %d\n", getpid());
    return 0;
}
