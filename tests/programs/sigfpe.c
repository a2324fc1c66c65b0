// Feature: SIGFPE from integer division by zero (and INT_MIN / -1), handled.
#include "t.h"
#include <limits.h>
#include <setjmp.h>
#include <signal.h>

static sigjmp_buf env;
static volatile int code;
static void *volatile addr;

static void on_fpe(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    code = si->si_code;
    addr = si->si_addr;
    siglongjmp(env, 1);
}

static int divide(int a, int b) { return a / b; }
static int (*volatile div_ptr)(int, int) = divide;

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_fpe, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGFPE, &sa, NULL) == 0);
    volatile int zero = 0, minus_one = -1;

    if (sigsetjmp(env, 1) == 0) {
        printf("1 / 0 = %d?\n", div_ptr(1, zero));
    } else {
        printf("1 / 0: SIGFPE code %s, faulting address inside divide(): %s\n",
               code == FPE_INTDIV ? "FPE_INTDIV" : "other",
               (char *)addr >= (char *)divide && (char *)addr < (char *)divide + 64 ? "yes" : "no");
    }
    if (sigsetjmp(env, 1) == 0) {
        printf("INT_MIN / -1 = %d?\n", div_ptr(INT_MIN, minus_one));
    } else {
        printf("INT_MIN / -1: SIGFPE code %d\n", code);
    }
    printf("7 / 2 = %d still works\n", div_ptr(7, 2));
    fprintf(stderr, "stderr: fault at %p\n", addr);
    return 0;
}
