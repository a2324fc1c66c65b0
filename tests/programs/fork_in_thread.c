// Feature: fork() from a non-main thread of a 3-thread process; the child (one thread) prints and exits, the parent waits.
#include "t.h"
#include <pthread.h>
#include <sys/wait.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int started, done;
static int shared_value = 10;
static pid_t parent_pid;

static void *idler(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    started++;
    pthread_cond_broadcast(&cv);
    while (!done)
        pthread_cond_wait(&cv, &lock);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *forker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (started < 1)
        pthread_cond_wait(&cv, &lock);
    shared_value = 20;
    pthread_mutex_unlock(&lock);

    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* Only this thread exists in the child; the mutex was unlocked at fork. */
        CHECK(pthread_mutex_lock(&lock) == 0);
        shared_value++;
        CHECK(pthread_mutex_unlock(&lock) == 0);
        printf("child: parent is the forking process: %s, shared value %d, tid==pid: %s\n",
               getppid() == parent_pid ? "yes" : "no", shared_value, gettid() == getpid() ? "yes" : "no");
        fflush(stdout);
        _exit(7);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    printf("forker thread: child exited %s %d, shared value here %d\n",
           WIFEXITED(status) ? "with status" : "abnormally",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1, shared_value);
    return (void *)(long)(pid > 0);
}

int main(void)
{
    pthread_t i, f;
    void *ret;
    parent_pid = getpid();
    printf("main: pid %d\n", parent_pid);
    CHECK(pthread_create(&i, NULL, idler, NULL) == 0);
    CHECK(pthread_create(&f, NULL, forker, NULL) == 0);
    CHECK(pthread_join(f, &ret) == 0);
    pthread_mutex_lock(&lock);
    done = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&lock);
    CHECK(pthread_join(i, NULL) == 0);
    printf("main: forker returned %ld, idler joined\n", (long)ret);
    return 0;
}
