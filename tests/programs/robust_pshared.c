// Feature: process-shared robust mutexes in MAP_SHARED memory whose owner process dies (exit, exit_group with a second thread holding one, SIGKILL from the parent, abort, a PI one handed to a waiter): the kernel's FUTEX_OWNER_DIED as the other process sees it.
#include "t.h"
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

struct shared {
    pthread_mutex_t m[6];
    volatile int locked;
};
static struct shared *sh;

static const char *err_name(int e)
{
    return e == 0 ? "0" : e == EOWNERDEAD ? "EOWNERDEAD" : e == ENOTRECOVERABLE ? "ENOTRECOVERABLE" : strerror(e);
}

static void init(pthread_mutex_t *m, int protocol)
{
    pthread_mutexattr_t a;
    CHECK(pthread_mutexattr_init(&a) == 0);
    CHECK(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0);
    CHECK(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0);
    CHECK(pthread_mutexattr_setprotocol(&a, protocol) == 0);
    CHECK(pthread_mutex_init(m, &a) == 0);
}

/* The parent locks m after its owner process is gone (or while it dies). */
static void check_dead_owner(int i, const char *how)
{
    int e = pthread_mutex_lock(&sh->m[i]);
    printf("%s: %s\n", how, err_name(e));
    CHECK(e == EOWNERDEAD);
    CHECK(pthread_mutex_consistent(&sh->m[i]) == 0 && pthread_mutex_unlock(&sh->m[i]) == 0);
}

static pid_t child_holding(int i, int then)
{
    sh->locked = 0;
    fflush(stdout);
    pid_t p = fork();
    CHECK(p >= 0);
    if (p == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        CHECK(pthread_mutex_lock(&sh->m[i]) == 0);
        sh->locked = 1;
        if (then == 'x') {
            usleep(20000); /* the parent blocks in pthread_mutex_lock meanwhile */
            _exit(0);
        }
        if (then == 'a')
            abort();
        for (;;)
            pause(); /* killed */
    }
    while (!sh->locked)
        usleep(1000);
    return p;
}

static void *hold_m4(void *arg)
{
    (void)arg;
    CHECK(pthread_mutex_lock(&sh->m[4]) == 0);
    sh->locked = 1;
    for (;;)
        pause();
    return NULL;
}

int main(void)
{
    int status;
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED);
    for (int i = 0; i < 6; i++)
        init(&sh->m[i], i == 5 ? PTHREAD_PRIO_INHERIT : PTHREAD_PRIO_NONE);

    /* 1. The owner exits while the parent waits for the mutex. */
    pid_t p = child_holding(0, 'x');
    check_dead_owner(0, "owner exited while waited for");
    CHECK(waitpid(p, &status, 0) == p && WIFEXITED(status));

    /* 2. Killed with SIGKILL by the parent. */
    p = child_holding(1, 'k');
    CHECK(kill(p, SIGKILL) == 0);
    CHECK(waitpid(p, &status, 0) == p && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    check_dead_owner(1, "owner killed with SIGKILL");

    /* 3. The owner aborts (a fatal signal of its own). */
    p = child_holding(2, 'a');
    CHECK(waitpid(p, &status, 0) == p && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    check_dead_owner(2, "owner aborted");

    /* 4. exit_group from a process whose two threads each hold one. */
    sh->locked = 0;
    fflush(stdout);
    p = fork();
    CHECK(p >= 0);
    if (p == 0) {
        pthread_t t;
        CHECK(pthread_mutex_lock(&sh->m[3]) == 0);
        CHECK(pthread_create(&t, NULL, hold_m4, NULL) == 0);
        while (!sh->locked)
            usleep(1000);
        exit(0);
    }
    CHECK(waitpid(p, &status, 0) == p && WIFEXITED(status));
    check_dead_owner(3, "main thread of an exit_group");
    check_dead_owner(4, "other thread of an exit_group");

    /* 5. A PI one: the kernel hands it to the waiting parent. */
    p = child_holding(5, 'x');
    check_dead_owner(5, "PI owner exited while waited for");
    CHECK(waitpid(p, &status, 0) == p && WIFEXITED(status));
    return 0;
}
