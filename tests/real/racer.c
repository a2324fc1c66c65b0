/* A racing program for tests/real/chaos.sh and race_loop.sh: threads
 * increment a counter without a lock, yield and sleep, and print the
 * order they finished and woke in, so interleavings show in the output. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#define THREADS 3
#define ITERS 200000

static volatile long counter;          /* incremented without a lock: updates get lost */
static int finished[THREADS], nfinished;
static char wakes[THREADS * ITERS / 20000 + 1];  /* which thread returned from each usleep, in order */
static int nwakes;

static void *racer(void *arg)
{
    long id = (long)arg;
    for (long i = 0; i < ITERS; i++) {
        counter = counter + 1;
        if (i % 1000 == (id * 300) % 1000)
            sched_yield();
        if (i % 20000 == (id * 7000) % 20000) {
            usleep(1);
            wakes[__atomic_fetch_add(&nwakes, 1, __ATOMIC_SEQ_CST)] = (char)('0' + id);
        }
    }
    finished[__atomic_fetch_add(&nfinished, 1, __ATOMIC_SEQ_CST)] = (int)id;
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, racer, (void *)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("counter %ld of %d\n", counter, THREADS * ITERS);
    printf("finish order");
    for (int i = 0; i < THREADS; i++)
        printf(" %d", finished[i]);
    printf("\nwake order %s\n", wakes);
    return 0;
}
