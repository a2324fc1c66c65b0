// Feature: exit() from main while 6 other threads are blocked (futex wait, nanosleep, read): exit_group kills them.
// expect-exit: 3
#include "t.h"
#include <pthread.h>

#define THREADS 6

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cv = PTHREAD_COND_INITIALIZER, never = PTHREAD_COND_INITIALIZER;
static int started;
static int pipefd[2];

static void *blocker(void *arg)
{
    long i = (long)arg;
    char c;
    pthread_mutex_lock(&lock);
    started++;
    pthread_cond_signal(&started_cv);
    switch (i % 3) {
    case 0: /* futex wait, never signalled */
        for (;;)
            pthread_cond_wait(&never, &lock);
    case 1:
        pthread_mutex_unlock(&lock);
        for (;;)
            sleep(100);
    default:
        pthread_mutex_unlock(&lock);
        /* Nothing is ever written: blocks until the process exits. */
        CHECK(read(pipefd[0], &c, 1) == 1);
        printf("thread %ld: read returned, unexpected\n", i);
    }
    return NULL;
}

static void at_exit(void)
{
    printf("atexit handler: %d threads started\n", started);
}

int main(void)
{
    pthread_t t[THREADS];
    CHECK(pipe(pipefd) == 0);
    CHECK(atexit(at_exit) == 0);
    for (long i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, blocker, (void *)i) == 0);
    pthread_mutex_lock(&lock);
    while (started < THREADS)
        pthread_cond_wait(&started_cv, &lock);
    pthread_mutex_unlock(&lock);
    /* Give the sleepers and readers time to enter their syscalls. */
    usleep(20000);
    printf("main: %d threads blocked, calling exit(3)\n", started);
    fprintf(stderr, "stderr: exiting\n");
    exit(3);
}
