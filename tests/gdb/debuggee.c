/* A program to debug: the same gdb commands, run natively and against a
 * replay of a recording of it, must give the same answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct point {
    int x, y;
    const char *name;
};

int counter;
long total;
static struct point origin = {0, 0, "origin"};

static int square(int v)
{
    return v * v;
}

static long accumulate(int n)
{
    long sum = 0;
    for (int i = 1; i <= n; i++) {
        sum += square(i);
        counter++;
    }
    return sum;
}

static int depth(int n)
{
    if (n == 0)
        return getpid() > 0;
    return depth(n - 1) + 1;
}

int main(int argc, char **argv)
{
    struct point p = {3, 4, "p"};
    total = accumulate(10);
    int d = depth(5);
    for (int round = 0; round < 3; round++) {
        p.x += round;
        total += p.x;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts); /* differs from run to run */
    int seed = (int)(ts.tv_nsec % 1000);
    printf("total %ld depth %d origin %s argc %d seed-ok %d\n", total, d, origin.name, argc,
           seed >= 0);
    char *msg = strdup("done");
    puts(msg);
    free(msg);
    (void)argv;
    return 0;
}
