// Feature: SIGILL from ud2, handled; the handler skips the instruction by editing the saved RIP.
#include "t.h"
#include <signal.h>
#include <ucontext.h>

extern char ud2_insn[];
static volatile int code, hits;
static void *volatile addr;

static void on_ill(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    ucontext_t *uc = ctx;
    code = si->si_code;
    addr = si->si_addr;
    hits++;
    uc->uc_mcontext.gregs[REG_RIP] += 2; /* ud2 is 2 bytes long */
}

static void __attribute__((noinline)) trap(void)
{
    __asm__ volatile(".globl ud2_insn\nud2_insn: ud2" ::: "memory");
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_ill, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGILL, &sa, NULL) == 0);
    for (int i = 0; i < 3; i++) {
        trap();
        printf("round %d: after ud2, handler ran %d time(s), code %s, address is the ud2: %s\n", i, hits,
               code == ILL_ILLOPN ? "ILL_ILLOPN" : "other", addr == (void *)ud2_insn ? "yes" : "no");
    }
    CHECK(hits == 3);
    fprintf(stderr, "stderr: ud2 at %p\n", (void *)ud2_insn);
    return 0;
}
