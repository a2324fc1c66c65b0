// Feature: SIGSEGV caught by an SA_SIGINFO handler, leaving it with siglongjmp.
#include "t.h"
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf env;
static void *volatile fault_addr;
static volatile int fault_code, faults;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    faults++;
    siglongjmp(env, 1);
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

    for (int i = 0; i < 3; i++) {
        if (sigsetjmp(env, 1) == 0) {
            *(volatile int *)(uintptr_t)(0x10 + 8 * i) = 1;
            printf("no fault?\n");
        } else {
            printf("round %d: caught SIGSEGV, code %s, address %p\n", i,
                   fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other", fault_addr);
        }
    }

    long pg = sysconf(_SC_PAGESIZE);
    char *ro = mmap(NULL, (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    if (sigsetjmp(env, 1) == 0) {
        ro[123] = 1;
        printf("no fault?\n");
    } else {
        printf("write to a read-only page: code %s, offset %ld, page at %p\n",
               fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other", (long)((char *)fault_addr - ro), (void *)ro);
    }
    sigset_t cur;
    CHECK(sigprocmask(SIG_BLOCK, NULL, &cur) == 0);
    printf("SIGSEGV blocked after siglongjmp: %s; faults %d\n", sigismember(&cur, SIGSEGV) ? "yes" : "no", faults);
    CHECK(faults == 4);
    fprintf(stderr, "stderr: page was %p\n", (void *)ro);
    return 0;
}
