// Feature: execve from a non-main thread of a multi-threaded process (3 other threads blocked) runs /bin/echo.
#include "t.h"
#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cv = PTHREAD_COND_INITIALIZER, never = PTHREAD_COND_INITIALIZER;
static int started;

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    started++;
    pthread_cond_signal(&started_cv);
    for (;;)
        pthread_cond_wait(&never, &lock);
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    started++;
    pthread_cond_signal(&started_cv);
    pthread_mutex_unlock(&lock);
    for (;;)
        sleep(100);
    return NULL;
}

static void *execer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (started < 2)
        pthread_cond_wait(&started_cv, &lock);
    pthread_mutex_unlock(&lock);
    usleep(20000); /* the sleeper enters nanosleep */
    char pidbuf[32], tidbuf[32];
    snprintf(pidbuf, sizeof pidbuf, "pid=%d", getpid());
    snprintf(tidbuf, sizeof tidbuf, "old-tid-differs=%s", gettid() != getpid() ? "yes" : "no");
    printf("thread: %d threads blocked, exec /bin/echo from a non-main thread\n", started + 1);
    fflush(stdout);
    char *argv[] = { "echo", "after exec:", pidbuf, tidbuf, NULL };
    char *envp[] = { NULL };
    execve("/bin/echo", argv, envp);
    printf("execve failed: %s\n", strerror(errno));
    exit(98);
}

int main(void)
{
    pthread_t w, s, e;
    printf("before exec: pid=%d\n", getpid());
    fflush(stdout);
    CHECK(pthread_create(&w, NULL, waiter, NULL) == 0);
    CHECK(pthread_create(&s, NULL, sleeper, NULL) == 0);
    CHECK(pthread_create(&e, NULL, execer, NULL) == 0);
    /* main blocks too; the exec replaces the whole process. */
    pthread_join(e, NULL);
    printf("main: join returned, unexpected\n");
    return 97;
}
