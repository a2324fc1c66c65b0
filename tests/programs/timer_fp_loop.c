/* Timer signals into loops whose state is only in floating-point
 * registers: the general registers and memory are the same at every
 * round, so the rounds differ only in xmm (double) or st (long double)
 * registers, which the anchor's words then hold.  Then two threads
 * computing the same way are time-sliced (preempted in their loops).
 * Replay must stop at the same round: the values printed differ
 * otherwise. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t hit;
static void on_alarm(int sig) { (void)sig; hit = 1; }

static void arm(void)
{
    hit = 0;
    struct itimerval it = {{0, 0}, {0, 3000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static volatile int stop_threads;

static void *logistic_thread(void *arg)
{
    double x = 0.1 + 0.1 * (double)(long)arg;
    while (!stop_threads)
        x = 3.99 * x * (1.0 - x);
    printf("thread %ld: x = %.17g\n", (long)arg, x);
    return NULL;
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    for (int round = 0; round < 2; round++) {
        double x = 1.0, y = 0.5;
        arm();
        while (!hit) { /* both rise or fall: a count */
            x = x * 1.0000001 + y;
            y = y * 0.9999999;
        }
        printf("double: x = %.17g, y = %.17g\n", x, y);

        double z = 0.3;
        arm();
        while (!hit) /* chaotic: no word goes one way */
            z = 3.99 * z * (1.0 - z);
        printf("logistic: z = %.17g\n", z);

        long double w = 1.0L;
        arm();
        while (!hit) /* x87 */
            w = w * 1.0000001L + 0.5L;
        printf("long double: w = %.21Lg\n", w);
    }

    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, logistic_thread, (void *)i);
    struct timespec ts = {0, 40 * 1000 * 1000};
    nanosleep(&ts, NULL);
    stop_threads = 1;
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
