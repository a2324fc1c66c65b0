// Feature: sigaltstack + SA_ONSTACK: handlers run on the alternate stack (also after stack overflow).
#include "t.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/resource.h>

static char *alt;
static size_t alt_size;
static volatile unsigned long local_addr;
static volatile int ss_onstack;
static sigjmp_buf env;

static int on_alt(unsigned long a) { return a >= (unsigned long)alt && a < (unsigned long)alt + alt_size; }

static void handler(int sig)
{
    char here;
    stack_t cur;
    local_addr = (unsigned long)&here;
    ss_onstack = sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_ONSTACK);
    if (sig == SIGSEGV)
        siglongjmp(env, 1);
}

static int recurse(int depth)
{
    volatile char pad[1024];
    pad[0] = (char)depth;
    if (depth > 100000000) /* never reached: the stack overflows first */
        return 0;
    return recurse(depth + 1) + pad[0];
}

int main(void)
{
    alt_size = 64 * 1024;
    alt = malloc(alt_size);
    CHECK(alt != NULL);
    stack_t ss = { .ss_sp = alt, .ss_size = alt_size, .ss_flags = 0 };
    CHECK(sigaltstack(&ss, NULL) == 0);
    printf("alternate stack at %p, %zu bytes\n", (void *)alt, alt_size);

    struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    sa.sa_flags = 0;
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);

    raise(SIGUSR1);
    printf("SA_ONSTACK handler: local variable on the alternate stack: %s, SS_ONSTACK: %s (offset %lu)\n",
           on_alt(local_addr) ? "yes" : "no", ss_onstack ? "yes" : "no", local_addr - (unsigned long)alt);
    CHECK(on_alt(local_addr));
    raise(SIGUSR2);
    printf("handler without SA_ONSTACK: on the alternate stack: %s\n", on_alt(local_addr) ? "yes" : "no");

    /* Stack overflow: only a handler on the alternate stack can run. */
    struct rlimit rl = { 1 << 20, 1 << 20 };
    CHECK(setrlimit(RLIMIT_STACK, &rl) == 0);
    sa.sa_flags = SA_ONSTACK;
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
    if (sigsetjmp(env, 1) == 0) {
        printf("never: %d\n", recurse(0));
    } else {
        printf("stack overflow caught on the alternate stack: %s\n", on_alt(local_addr) ? "yes" : "no");
    }
    fprintf(stderr, "stderr: alt stack %p\n", (void *)alt);
    return 0;
}
