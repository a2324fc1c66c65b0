// cflags: -O0
/* A timer signal into a loop three deep whose outer rounds take about as
 * long as the recorder's far look between two of its moments (a 96x96
 * matrix product at -O0, 3 ms or so, again and again).  The count of
 * products changes over some of the look's stretches only; without it
 * the anchor's words (the inner loops' position and sum) are the same in
 * every product, and replay stopped in the first one (10 recordings of
 * 10 diverged before the look took words that changed once). */
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

#define N 96
static volatile sig_atomic_t hit;
static void on_alarm(int sig) { (void)sig; hit = 1; }
static double a[N][N], b[N][N], c[N][N];

int main(void)
{
    signal(SIGALRM, on_alarm);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                a[i][j] = i + j;
                b[i][j] = i - j;
            }
        long products = 0;
        hit = 0;
        struct itimerval it = {{0, 0}, {0, 12000 + 5000 * round}};
        setitimer(ITIMER_REAL, &it, NULL);
        while (!hit) {
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++) {
                    double s = 0;
                    for (int k = 0; k < N; k++)
                        s += a[i][k] * b[k][j];
                    c[i][j] = s;
                }
            a[products % N][0] += 1;
            products++;
        }
        printf("product: %ld, c[3][5] = %.17g\n", products, c[3][5]);
    }
    return 0;
}
