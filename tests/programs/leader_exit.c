// Feature: the main thread exits with pthread_exit while other threads run on: one waits for a robust mutex it held (EOWNERDEAD), one joins it (its clear_child_tid word); the last thread's exit ends the process.
#include "t.h"
#include <pthread.h>

static pthread_mutex_t robust;
static pthread_t main_thread, joiner;
static pthread_barrier_t started;

static void *join_main(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&started);
    CHECK(pthread_join(main_thread, NULL) == 0);
    printf("joined the main thread\n");
    return NULL;
}

static void *wait_robust(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&started);
    int e = pthread_mutex_lock(&robust);
    printf("lock after the main thread exited: %s\n", e == EOWNERDEAD ? "EOWNERDEAD" : strerror(e));
    CHECK(e == EOWNERDEAD);
    CHECK(pthread_mutex_consistent(&robust) == 0 && pthread_mutex_unlock(&robust) == 0);
    CHECK(pthread_join(joiner, NULL) == 0);
    printf("all done\n");
    fflush(stdout);
    return NULL; /* the last thread: the process exits with status 0 */
}

int main(void)
{
    pthread_mutexattr_t a;
    pthread_t w;
    CHECK(pthread_mutexattr_init(&a) == 0);
    CHECK(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0);
    CHECK(pthread_mutex_init(&robust, &a) == 0);
    CHECK(pthread_mutex_lock(&robust) == 0);
    main_thread = pthread_self();
    CHECK(pthread_barrier_init(&started, NULL, 3) == 0);
    CHECK(pthread_create(&joiner, NULL, join_main, NULL) == 0);
    CHECK(pthread_create(&w, NULL, wait_robust, NULL) == 0);
    pthread_barrier_wait(&started);
    usleep(20000); /* both block: one in pthread_join, one in pthread_mutex_lock */
    printf("main thread exits holding the mutex\n");
    fflush(stdout);
    pthread_exit(NULL);
}
