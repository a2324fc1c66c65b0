/* Threads to look at from gdb: two workers wait on pipes while main
 * stops at a breakpoint; then they finish.  Deterministic: main goes on
 * only once both workers have announced they are about to block. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

static sem_t ready;
static int pipes[2][2];
static int results[2];

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    char c;
    sem_post(&ready);
    if (read(pipes[id][0], &c, 1) != 1)
        return NULL;
    results[id] = c * (id + 1);
    return NULL;
}

static void all_blocked(void)
{
    puts("workers waiting");
}

int main(void)
{
    pthread_t th[2];
    sem_init(&ready, 0, 0);
    for (long i = 0; i < 2; i++) {
        if (pipe(pipes[i]) < 0)
            return 1;
        pthread_create(&th[i], NULL, worker, (void *)i);
    }
    sem_wait(&ready);
    sem_wait(&ready);
    usleep(100000); /* natively, let both reach their read */
    all_blocked();
    for (int i = 0; i < 2; i++) {
        if (write(pipes[i][1], "a", 1) != 1)
            return 1;
        pthread_join(th[i], NULL);
    }
    printf("results %d %d\n", results[0], results[1]);
    return 0;
}
