// Feature: a SIGCHLD handler counting exited children (sigsuspend waits for each one).
#include "t.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int count, last_code, last_status;
static volatile pid_t last_pid;

static void on_chld(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    last_pid = si->si_pid;
    last_code = si->si_code;
    last_status = si->si_status;
    count++;
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    CHECK(sigprocmask(SIG_BLOCK, &chld, &old) == 0);

    for (int i = 0; i < 3; i++) {
        int before = count;
        fflush(NULL);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            usleep(5000);
            _exit(i + 1);
        }
        while (count == before)
            sigsuspend(&old);
        printf("SIGCHLD #%d: from this child: %s, code %s, status %d\n", count, last_pid == pid ? "yes" : "no",
               last_code == CLD_EXITED ? "CLD_EXITED" : "other", last_status);
        int st;
        CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == i + 1);
    }
    CHECK(count == 3);

    /* Ignoring SIGCHLD with SA_NOCLDWAIT: children are reaped by the kernel. */
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = SA_NOCLDWAIT;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    int r = waitpid(pid, NULL, 0);
    printf("with SA_NOCLDWAIT, waitpid returns %d (%s)\n", r, r < 0 ? strerror(errno) : "reaped");
    printf("handler count stays %d\n", count);
    fprintf(stderr, "stderr: last child %d\n", pid);
    return 0;
}
