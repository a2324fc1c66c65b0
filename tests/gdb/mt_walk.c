/* Two threads, 4,000 syscalls each, writing a shared global under a lock
 * at a few iterations: walked back across checkpoints of the threaded
 * process (their order is the recording's). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long culprit;
static __thread long mine; /* each thread's own, through its fs base */

static void *worker(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < 4000; i++) {
        mine += getppid() > 0;
        if (i == 500 || i == 2000 || i == 3500) {
            pthread_mutex_lock(&lock);
            culprit = id * 100000 + i + mine;
            pthread_mutex_unlock(&lock);
        }
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, (void *)1);
    pthread_create(&b, NULL, worker, (void *)2);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("culprit %ld\n", culprit);
    return 0;
}
