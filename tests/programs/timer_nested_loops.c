// cflags: -O0
/* Timer signals into loops whose rounds look the same to the registers
 * at the place the signal lands, told apart only by memory further out
 * (at -O0 every variable is in memory):
 *  - an inner loop counting in a register, inside a loop whose state is
 *    on the stack: the inner counter's registers come again each round;
 *  - strlen (a loop that writes nothing) called again and again;
 *  - a recursion, whose registers come again on each way down, with a
 *    count of calls in memory.
 * Replay must deliver each signal at the same moment: the values printed
 * differ otherwise. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t hit;
static void on_alarm(int sig) { (void)sig; hit = 1; }

static void arm(void)
{
    hit = 0;
    struct itimerval it = {{0, 0}, {0, 4000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static unsigned long calls;
static long fib(int n)
{
    calls++;
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    for (int round = 0; round < 2; round++) {
        unsigned long sum = 0, k = 0;
        arm();
        while (!hit) {
            for (unsigned j = 0; j < 1000; j++)
                sum += j * k;
            k++;
        }
        printf("nested: k = %lu, sum = %lu\n", k, sum);

        static char buf[4096];
        memset(buf, 'a', sizeof buf - 1);
        size_t total = 0;
        arm();
        while (!hit) {
            total += strlen(buf);
            buf[total % 4000] = 'b';
        }
        printf("strlen: total = %zu\n", total);

        long f = 0;
        calls = 0;
        arm();
        while (!hit)
            f += fib(20);
        printf("fib: f = %ld, calls = %lu\n", f, calls);
    }
    return 0;
}
