/* A watchpoint in a thread that blocks every signal, as helper threads
 * often do: gdb must still stop at the write. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

long shared;

static void *blocked_writer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= 3; i++)
        shared += i * 10;
    return NULL;
}

int main(void)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old); /* the thread inherits it */
    pthread_t th;
    pthread_create(&th, NULL, blocked_writer, NULL);
    pthread_join(th, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return (int)(shared != 60);
}
