// Feature: signalfd: reading blocked signals (kill, sigqueue, from a child) as structures.
#include "t.h"
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

static void show(int sfd, const char *what)
{
    struct signalfd_siginfo si;
    CHECK(read(sfd, &si, sizeof si) == sizeof si);
    printf("%s: signo %u code %d pid %u (%s) int %d\n", what, si.ssi_signo, si.ssi_code, si.ssi_pid,
           si.ssi_pid == (unsigned)getpid() ? "me" : "other", si.ssi_int);
}

int main(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &mask, NULL) == 0);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    CHECK(sfd >= 0);

    CHECK(kill(getpid(), SIGUSR1) == 0);
    show(sfd, "kill(self, SIGUSR1)");
    CHECK(sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 1234 }) == 0);
    show(sfd, "sigqueue(self, SIGUSR2, 1234)");

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        usleep(10000);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    struct signalfd_siginfo si;
    CHECK(read(sfd, &si, sizeof si) == sizeof si);
    printf("blocking read: signo %u from the child: %s\n", si.ssi_signo, si.ssi_pid == (unsigned)pid ? "yes" : "no");
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);

    int nb = signalfd(-1, &mask, SFD_NONBLOCK);
    CHECK(nb >= 0);
    ssize_t n = read(nb, &si, sizeof si);
    printf("nonblocking read with nothing pending: %zd (%s)\n", n, strerror(errno));
    fprintf(stderr, "stderr: child was %d\n", pid);
    return 0;
}
