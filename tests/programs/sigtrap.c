// Feature: SIGTRAP from int3, handled; execution continues after the int3.
#include "t.h"
#include <signal.h>
#include <ucontext.h>

extern char after_int3[];
static volatile int code, hits;
static volatile unsigned long rip;

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    code = si->si_code;
    rip = (unsigned long)((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RIP];
    hits++;
}

static void __attribute__((noinline)) trap(void)
{
    __asm__ volatile("int3\n.globl after_int3\nafter_int3: nop" ::: "memory");
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGTRAP, &sa, NULL) == 0);
    for (int i = 0; i < 3; i++) {
        trap();
        printf("round %d: handler ran %d time(s), si_code 0x%x, saved RIP is just after the int3: %s\n", i, hits,
               code, rip == (unsigned long)after_int3 ? "yes" : "no");
    }
    CHECK(hits == 3);
    CHECK(raise(SIGTRAP) == 0);
    printf("raise(SIGTRAP): handler ran %d time(s), si_code %d\n", hits, code);
    fprintf(stderr, "stderr: int3 at %p\n", (void *)(after_int3 - 1));
    return 0;
}
