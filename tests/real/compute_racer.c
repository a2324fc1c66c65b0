/* A racing program without a syscall in its race, for tests/real/chaos_compute.sh:
 * two threads start together and increment a counter without a lock.  Each
 * notes the first iteration at which it found the counter moved by the other
 * thread (-1: never; a thread preempted between its load and its store does
 * not notice, it overwrites), and updates lost that way show in the total:
 * only preemptions in the middle of the loops change either. */
#include <pthread.h>
#include <stdio.h>

#define ITERS 100000000L

static volatile long counter;
static long first_seen[2] = {-1, -1};
static pthread_barrier_t start;

static void *racer(void *arg)
{
    long id = (long)arg;
    pthread_barrier_wait(&start);
    long last = counter;
    for (long i = 0; i < ITERS; i++) {
        long v = counter;
        if (v != last && first_seen[id] < 0)
            first_seen[id] = i;
        counter = last = v + 1;
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
