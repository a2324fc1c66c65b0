// Feature: robust mutexes (owner exits holding it: EOWNERDEAD, pthread_mutex_consistent, ENOTRECOVERABLE) and PI mutexes (FUTEX_LOCK_PI).
#include "t.h"
#include <pthread.h>

static pthread_mutex_t robust, pi;
static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sync_cv = PTHREAD_COND_INITIALIZER;
static int holding;
static long pi_counter;

/* Locks the robust mutex, tells main, and exits without unlocking. */
static void *die_holding(void *arg)
{
    CHECK(pthread_mutex_lock(&robust) == 0);
    pthread_mutex_lock(&sync_lock);
    holding = 1;
    pthread_cond_signal(&sync_cv);
    pthread_mutex_unlock(&sync_lock);
    if (arg)
        usleep(20000); /* main is blocked in pthread_mutex_lock by now */
    return NULL;
}

static const char *err_name(int e)
{
    return e == 0 ? "0" : e == EOWNERDEAD ? "EOWNERDEAD" : e == ENOTRECOVERABLE ? "ENOTRECOVERABLE" : strerror(e);
}

static void start_holder(pthread_t *t, int wait_before_exit)
{
    holding = 0;
    CHECK(pthread_create(t, NULL, die_holding, wait_before_exit ? (void *)1 : NULL) == 0);
    pthread_mutex_lock(&sync_lock);
    while (!holding)
        pthread_cond_wait(&sync_cv, &sync_lock);
    pthread_mutex_unlock(&sync_lock);
}

static void *pi_worker(void *arg)
{
    for (int i = 0; i < 10000; i++) {
        CHECK(pthread_mutex_lock(&pi) == 0);
        pi_counter++;
        if (arg && i % 1000 == 0)
            usleep(100); /* hold it across a syscall: the other thread blocks in FUTEX_LOCK_PI */
        CHECK(pthread_mutex_unlock(&pi) == 0);
    }
    return NULL;
}

int main(void)
{
    pthread_mutexattr_t a;
    pthread_t t, u;
    int e;

    CHECK(pthread_mutexattr_init(&a) == 0);
    CHECK(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0);
    CHECK(pthread_mutex_init(&robust, &a) == 0);

    /* 1. main is waiting in the kernel when the owner dies. */
    start_holder(&t, 1);
    e = pthread_mutex_lock(&robust);
    printf("waiting lock after the owner died: %s\n", err_name(e));
    CHECK(e == EOWNERDEAD);
    CHECK(pthread_mutex_consistent(&robust) == 0);
    CHECK(pthread_mutex_unlock(&robust) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    e = pthread_mutex_lock(&robust);
    printf("lock after consistent: %s\n", err_name(e));
    CHECK(e == 0 && pthread_mutex_unlock(&robust) == 0);

    /* 2. The owner is already gone when main locks. */
    start_holder(&t, 0);
    CHECK(pthread_join(t, NULL) == 0);
    e = pthread_mutex_lock(&robust);
    printf("lock after the owner was joined: %s\n", err_name(e));
    CHECK(e == EOWNERDEAD);
    /* Unlocked without pthread_mutex_consistent: the mutex becomes unusable. */
    CHECK(pthread_mutex_unlock(&robust) == 0);
    e = pthread_mutex_lock(&robust);
    printf("lock after unlock without consistent: %s\n", err_name(e));
    CHECK(e == ENOTRECOVERABLE);

    /* 3. A priority-inheritance mutex shared by two threads. */
    CHECK(pthread_mutexattr_init(&a) == 0);
    CHECK(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT) == 0);
    CHECK(pthread_mutex_init(&pi, &a) == 0);
    CHECK(pthread_create(&t, NULL, pi_worker, (void *)1) == 0);
    CHECK(pthread_create(&u, NULL, pi_worker, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0 && pthread_join(u, NULL) == 0);
    printf("PI mutex: counter %ld (expected 20000)\n", pi_counter);
    CHECK(pi_counter == 20000);
    e = pthread_mutex_trylock(&pi);
    printf("PI mutex trylock when free: %s\n", err_name(e));
    CHECK(e == 0 && pthread_mutex_unlock(&pi) == 0);
    return 0;
}
