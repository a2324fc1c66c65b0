/* Two threads add to a shared total under a lock; the last writes are
 * found backwards with a watchpoint, across thread switches. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long total;
static int turns;

static void *adder(void *arg)
{
    long step = (long)arg;
    for (int i = 0; i < 50; i++) {
        pthread_mutex_lock(&lock);
        total += step;
        turns++;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, adder, (void *)1L);
    pthread_create(&b, NULL, adder, (void *)1000L);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("total %ld turns %d\n", total, turns);
    return 0;
}
