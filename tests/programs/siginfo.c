// Feature: signals to self (raise, kill, sigqueue, tgkill) with an SA_SIGINFO handler: si_code, si_pid, values.
#include "t.h"
#include <signal.h>
#include <sys/syscall.h>

static volatile int got_sig, got_code, got_int, count;
static volatile pid_t got_pid;

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    got_sig = sig;
    got_code = si->si_code;
    got_pid = si->si_pid;
    got_int = si->si_code == SI_QUEUE ? si->si_value.sival_int : 0;
    count++;
}

static void show(const char *what)
{
    const char *c = got_code == SI_USER ? "SI_USER" : got_code == SI_TKILL ? "SI_TKILL"
                  : got_code == SI_QUEUE ? "SI_QUEUE" : "other";
    printf("%-28s signal %d, code %s, si_pid %d is me: %s, value %d, handler calls %d\n", what, got_sig, c,
           got_pid, got_pid == getpid() ? "yes" : "no", got_int, count);
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    CHECK(sigaction(SIGRTMIN, &sa, NULL) == 0);

    CHECK(raise(SIGUSR1) == 0);
    show("raise(SIGUSR1):");
    CHECK(kill(getpid(), SIGUSR2) == 0);
    show("kill(getpid(), SIGUSR2):");
    CHECK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 42 }) == 0);
    show("sigqueue(SIGRTMIN, 42):");
    CHECK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1) == 0);
    show("tgkill(SIGUSR1):");

    /* Blocked signals: standard ones coalesce, real-time ones queue. */
    sigset_t block, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGRTMIN);
    CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
    count = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 1 });
    sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 2 });
    CHECK(sigpending(&pending) == 0);
    printf("pending while blocked: SIGUSR1 %s, SIGRTMIN %s, handler calls so far %d\n",
           sigismember(&pending, SIGUSR1) ? "yes" : "no", sigismember(&pending, SIGRTMIN) ? "yes" : "no", count);
    CHECK(sigprocmask(SIG_UNBLOCK, &block, NULL) == 0);
    printf("after unblocking: handler calls %d (1 for SIGUSR1 + 2 for SIGRTMIN), last value %d\n", count, got_int);
    CHECK(count == 3);
    fprintf(stderr, "stderr: pid %d\n", getpid());
    return 0;
}
