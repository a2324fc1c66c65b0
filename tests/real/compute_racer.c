/* A racing program without a syscall in its race, for tests/real/chaos_compute.sh:
 * two threads start together and increment a counter without a lock (updates
 * get lost when a thread is preempted between its load and its store).  Each
 * also takes a ticket per iteration with one atomic instruction and notes the
 * first iteration at which the other thread had taken tickets meanwhile: where
 * it was first preempted while the other still had work (-1: never). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define ITERS 20000000L

static volatile long counter;
static atomic_long ticket;
static long first_seen[2] = {-1, -1};
static pthread_barrier_t start;

static void *racer(void *arg)
{
    long id = (long)arg;
    pthread_barrier_wait(&start);
    long expect = -1;
    for (long i = 0; i < ITERS; i++) {
        long t = atomic_fetch_add_explicit(&ticket, 1, memory_order_relaxed);
        if (expect >= 0 && t != expect && first_seen[id] < 0)
            first_seen[id] = i;
        expect = t + 1;
        counter = counter + 1;
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    pthread_barrier_init(&start, NULL, 2);
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, racer, (void *)i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("counter %ld of %ld\n", counter, 2 * ITERS);
    printf("first interleaved at iterations %ld and %ld\n", first_seen[0], first_seen[1]);
    return 0;
}
