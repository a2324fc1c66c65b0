// Feature: the word the kernel zeroes (and wakes) when a thread exits: clone(CLONE_CHILD_CLEARTID) and set_tid_address, watched both by spinning on it and by FUTEX_WAIT.
#include "t.h"
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>

#define STACK (64 * 1024)

static volatile pid_t ctid; /* CLONE_CHILD_CLEARTID / CLONE_PARENT_SETTID */
static volatile pid_t tid_word; /* set_tid_address */

static int child(void *arg)
{
    for (int i = 0; i < (int)(intptr_t)arg; i++)
        sched_yield();
    return 0; /* clone()'s wrapper calls exit: the kernel clears ctid */
}

static void start_child(int yields)
{
    char *stack = malloc(STACK);
    CHECK(stack);
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    /* The child may be gone (ctid 0 again) by the time clone returns. */
    CHECK(clone(child, stack + STACK, flags, (void *)(intptr_t)yields, &ctid, NULL, &ctid) > 0);
}

static void *redirect_and_exit(void *arg)
{
    (void)arg;
    tid_word = syscall(SYS_gettid);
    syscall(SYS_set_tid_address, &tid_word);
    usleep(1000);
    return NULL;
}

int main(void)
{
    /* 1. Spin on the word: the number of rounds depends on when the kernel
     * clears it, and a replay must see it at the same round. */
    start_child(20);
    long spins = 0;
    while (ctid != 0) {
        sched_yield();
        spins++;
    }
    printf("spun %s until the child's exit cleared its tid\n", spins ? "a while" : "not at all");
    fprintf(stderr, "spins: %ld\n", spins);

    /* 2. Block on it with FUTEX_WAIT: the kernel's wake-up at the exit. */
    start_child(3);
    pid_t v;
    while ((v = ctid) != 0)
        syscall(SYS_futex, &ctid, FUTEX_WAIT, v, NULL, NULL, 0);
    printf("FUTEX_WAIT on the tid word returned after the exit\n");

    /* 3. set_tid_address from a (detached) pthread: the same at its exit. */
    pthread_t t;
    pthread_attr_t a;
    CHECK(pthread_attr_init(&a) == 0);
    CHECK(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED) == 0);
    tid_word = -1;
    CHECK(pthread_create(&t, &a, redirect_and_exit, NULL) == 0);
    while (tid_word == -1)
        sched_yield();
    while ((v = tid_word) != 0)
        syscall(SYS_futex, &tid_word, FUTEX_WAIT, v, NULL, NULL, 0);
    printf("set_tid_address word cleared at the thread's exit\n");
    return 0;
}
