// cflags: -O0 -march=native
/* Timer signals into loops whose rounds look the same to the registers
 * at the place the signal lands, told apart only by memory further out
 * (at -O0 every variable is in memory):
 *  - an inner loop counting in a register, inside a loop whose state is
 *    on the stack: the inner counter's registers come again each round;
 *  - strlen (a loop that writes nothing) called again and again;
 *  - a recursion, whose registers come again on each way down, with a
 *    count of calls in memory;
 *  - three loops deep (a matrix product, again and again): the inner
 *    loop's words come again in the next product, only the count of
 *    products tells.
 * Replay must deliver each signal at the same moment: the values printed
 * differ otherwise.  (-march=native: with VEX-encoded arithmetic the
 * product's anchor had words only of the inner loop, and replay stopped
 * in an earlier product, 4 recordings of 4.) */
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

static double a[64][64], b[64][64], c[64][64];

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

        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 64; j++) {
                a[i][j] = i + j;
                b[i][j] = i - j;
            }
        long products = 0;
        arm();
        while (!hit) {
            for (int i = 0; i < 64; i++)
                for (int j = 0; j < 64; j++) {
                    double s = 0;
                    for (int k = 0; k < 64; k++)
                        s += a[i][k] * b[k][j];
                    c[i][j] = s;
                }
            a[products % 64][0] += 1;
            products++;
        }
        printf("product: %ld, c[3][5] = %.17g\n", products, c[3][5]);
    }
    return 0;
}
