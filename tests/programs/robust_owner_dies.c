// Feature: robust mutexes whose owner thread exits while others wait (FUTEX_OWNER_DIED written by the kernel from the robust list; plain and priority-inheritance), and an owner dying with several held.
#include "t.h"
#include <pthread.h>

static pthread_mutex_t plain, pi, held[3];
static pthread_barrier_t ready;
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static char order[16];

static const char *err_name(int e)
{
    return e == 0 ? "0" : e == EOWNERDEAD ? "EOWNERDEAD" : e == ENOTRECOVERABLE ? "ENOTRECOVERABLE" : strerror(e);
}

static void init_robust(pthread_mutex_t *m, int protocol)
{
    pthread_mutexattr_t a;
    CHECK(pthread_mutexattr_init(&a) == 0);
    CHECK(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0);
    CHECK(pthread_mutexattr_setprotocol(&a, protocol) == 0);
    CHECK(pthread_mutex_init(m, &a) == 0);
}

/* Takes m, lets the waiters start, gives them time to block, exits holding it. */
static void *owner(void *arg)
{
    pthread_mutex_t *m = arg;
    CHECK(pthread_mutex_lock(m) == 0);
    pthread_barrier_wait(&ready);
    usleep(30000);
    return NULL;
}

/* Blocks on m; whoever gets it first finds the owner dead and repairs it. */
static void *waiter(void *arg)
{
    pthread_mutex_t *m = arg;
    pthread_barrier_wait(&ready);
    int e = pthread_mutex_lock(m);
    CHECK(e == 0 || e == EOWNERDEAD);
    pthread_mutex_lock(&order_lock);
    strcat(order, e == EOWNERDEAD ? "D" : "0");
    pthread_mutex_unlock(&order_lock);
    if (e == EOWNERDEAD)
        CHECK(pthread_mutex_consistent(m) == 0);
    CHECK(pthread_mutex_unlock(m) == 0);
    return NULL;
}

static void owner_dies_while_waited(pthread_mutex_t *m, const char *what)
{
    pthread_t o, w[3];
    order[0] = 0;
    CHECK(pthread_barrier_init(&ready, NULL, 4) == 0);
    CHECK(pthread_create(&o, NULL, owner, m) == 0);
    for (int i = 0; i < 3; i++)
        CHECK(pthread_create(&w[i], NULL, waiter, m) == 0);
    CHECK(pthread_join(o, NULL) == 0);
    for (int i = 0; i < 3; i++)
        CHECK(pthread_join(w[i], NULL) == 0);
    pthread_barrier_destroy(&ready);
    /* One waiter saw EOWNERDEAD; it came first. */
    printf("%s: waiters got %s\n", what, order);
    CHECK(!strcmp(order, "D00"));
    int e = pthread_mutex_lock(m);
    printf("%s: lock afterwards: %s\n", what, err_name(e));
    CHECK(e == 0 && pthread_mutex_unlock(m) == 0);
}

static void *hold_three(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        CHECK(pthread_mutex_lock(&held[i]) == 0);
    CHECK(pthread_mutex_unlock(&held[1]) == 0); /* off the list again */
    return NULL;
}

int main(void)
{
    init_robust(&plain, PTHREAD_PRIO_NONE);
    init_robust(&pi, PTHREAD_PRIO_INHERIT);
    owner_dies_while_waited(&plain, "robust mutex");
    owner_dies_while_waited(&pi, "robust PI mutex");

    /* An owner that dies holding two robust mutexes, nobody waiting. */
    for (int i = 0; i < 3; i++)
        init_robust(&held[i], i == 2 ? PTHREAD_PRIO_INHERIT : PTHREAD_PRIO_NONE);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, hold_three, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    for (int i = 0; i < 3; i++) {
        int e = pthread_mutex_trylock(&held[i]);
        printf("held[%d] after its owner exited: %s\n", i, err_name(e));
        CHECK(e == (i == 1 ? 0 : EOWNERDEAD));
        if (e == EOWNERDEAD)
            CHECK(pthread_mutex_consistent(&held[i]) == 0);
        CHECK(pthread_mutex_unlock(&held[i]) == 0);
    }
    return 0;
}
