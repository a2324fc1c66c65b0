// cflags: -O1
/* Timer signals into a recursion whose state is all in registers and
 * frames: a binary recursion (two calls from one loop) whose leaves run
 * the same loop with the same registers, returning 0 so no count in
 * memory climbs.  Two leaves differ only in the frames above them (which
 * call of the loop each level is in), mostly further up than an anchor's
 * eight words reach.  The handler hashes the interrupted stack: replay
 * must deliver each signal at the same leaf.  (Before the anchor took a
 * hash of the stack, 6 recordings of 6 delivered it at an earlier leaf.) */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <ucontext.h>

static volatile int hits;
static unsigned long seen[5];

static void on_alarm(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    const ucontext_t *uc = ctx;
    const unsigned char *sp = (const unsigned char *)uc->uc_mcontext.gregs[REG_RSP];
    unsigned long hash = 1469598103934665603ul;
    for (int i = 0; i < 2048; i++)
        hash = (hash ^ sp[i]) * 1099511628211ul;
    if (hits < 5)
        seen[hits] = hash;
    hits++;
}

__attribute__((noinline)) static long walk(int depth)
{
    if (depth == 0) {
        long x = 0;
        for (int i = 0; i < 3000; i++)
            x += (long)i * i;
        return x & 2; /* always 0 */
    }
    long sum = 0;
    for (int k = 0; k < 2; k++)
        sum += walk(depth - 1);
    return sum;
}

int main(void)
{
    struct sigaction sa = {.sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every = {{0, 7000}, {0, 7000}}, off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &every, NULL);
    long r = 0;
    while (hits < 5)
        r += walk(14);
    setitimer(ITIMER_REAL, &off, NULL);
    for (int i = 0; i < 5; i++)
        printf("signal %d: stack hash %lx\n", i, seen[i]);
    printf("result %ld\n", r);
    return 0;
}
