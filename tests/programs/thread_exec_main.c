// Feature: execve from the main thread while 3 other threads are blocked in a condition variable.
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static void *blk(void *a) { (void)a; pthread_mutex_lock(&m); pthread_cond_wait(&c, &m); return NULL; }
int main(void) {
    pthread_t t[3];
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, blk, NULL);
    usleep(20000);
    printf("main execs\n"); fflush(stdout);
    execl("/bin/echo", "echo", "after exec from main", NULL);
    return 1;
}
