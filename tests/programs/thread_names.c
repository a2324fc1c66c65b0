// Feature: thread names (pthread_setname_np, prctl PR_SET_NAME, /proc/self/task/TID/comm), gettid, tgkill to one thread.
#include "t.h"
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>

#define THREADS 3

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready, quit;
static pid_t tids[THREADS];
static volatile sig_atomic_t handled_by[4], handled;

static void on_usr1(int sig)
{
    (void)sig;
    if (handled < 4)
        handled_by[handled] = gettid();
    handled++;
}

static void *named(void *arg)
{
    long i = (long)arg;
    char name[16];
    snprintf(name, sizeof name, "worker-%ld", i);
    if (i % 2 == 0)
        CHECK(pthread_setname_np(pthread_self(), name) == 0);
    else
        CHECK(prctl(PR_SET_NAME, name) == 0);
    pthread_mutex_lock(&lock);
    tids[i] = gettid();
    ready++;
    pthread_cond_broadcast(&cv);
    while (!quit)
        pthread_cond_wait(&cv, &lock);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void read_comm(pid_t tid, char *buf, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", tid);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    CHECK(fgets(buf, (int)n, f) != NULL);
    fclose(f);
    buf[strcspn(buf, "\n")] = 0;
}

static void wait_handled(int n)
{
    for (int tries = 0; handled < n && tries < 5000; tries++)
        usleep(1000);
    CHECK(handled == n);
}

int main(void)
{
    pthread_t t[THREADS];
    char buf[64];
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    CHECK(prctl(PR_SET_NAME, "names-main") == 0);
    for (long i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, named, (void *)i) == 0);
    pthread_mutex_lock(&lock);
    while (ready < THREADS)
        pthread_cond_wait(&cv, &lock);
    pthread_mutex_unlock(&lock);

    CHECK(prctl(PR_GET_NAME, buf) == 0);
    printf("main: tid %d == pid: %s, PR_GET_NAME %s\n", gettid(), gettid() == getpid() ? "yes" : "no", buf);
    read_comm(gettid(), buf, sizeof buf);
    printf("main: comm %s\n", buf);
    for (int i = 0; i < THREADS; i++) {
        char name[16];
        read_comm(tids[i], buf, sizeof buf);
        CHECK(pthread_getname_np(t[i], name, sizeof name) == 0);
        printf("thread %d: tid %d, comm %s, pthread_getname_np %s\n", i, tids[i], buf, name);
    }

    /* tgkill each worker in turn, then main itself: the handler runs in the target. */
    for (int i = 0; i < THREADS; i++) {
        CHECK(tgkill(getpid(), tids[i], SIGUSR1) == 0);
        wait_handled(i + 1);
        printf("tgkill to thread %d: handled by tid %d (%s)\n", i, handled_by[i],
               handled_by[i] == tids[i] ? "the target" : "ANOTHER THREAD");
    }
    CHECK(tgkill(getpid(), gettid(), SIGUSR1) == 0);
    wait_handled(THREADS + 1);
    printf("tgkill to main: handled by %s\n", handled_by[THREADS] == getpid() ? "main" : "ANOTHER THREAD");

    pthread_mutex_lock(&lock);
    quit = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    printf("all joined\n");
    return 0;
}
