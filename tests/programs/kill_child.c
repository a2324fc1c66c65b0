// Feature: kill between processes: the parent signals children blocked in pause() and sigsuspend().
#include "t.h"
#include <signal.h>
#include <sys/wait.h>

static volatile sig_atomic_t got;
static void on_usr1(int sig) { got = sig; }

static pid_t spawn_pauser(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        printf("child %d: waiting in pause()\n", getpid());
        fflush(NULL);
        CHECK(write(p[1], "r", 1) == 1);
        pause();
        _exit(1);
    }
    char c;
    CHECK(read(p[0], &c, 1) == 1);
    close(p[0]);
    close(p[1]);
    return pid;
}

int main(void)
{
    int sigs[2] = { SIGTERM, SIGKILL };
    for (int i = 0; i < 2; i++) {
        pid_t pid = spawn_pauser();
        usleep(10000);
        CHECK(kill(pid, sigs[i]) == 0);
        int st;
        CHECK(waitpid(pid, &st, 0) == pid);
        printf("child %d killed by signal %d: %s\n", pid, sigs[i],
               WIFSIGNALED(st) && WTERMSIG(st) == sigs[i] ? "yes" : "no");
    }

    /* A child with a handler: blocked until it sleeps, so no signal is lost. */
    int p[2];
    CHECK(pipe(p) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGUSR1);
        sigprocmask(SIG_BLOCK, &block, &old);
        signal(SIGUSR1, on_usr1);
        CHECK(write(p[1], "r", 1) == 1);
        int r = sigsuspend(&old);
        printf("child: sigsuspend returned %d (%s), handler saw signal %d\n", r, strerror(errno), (int)got);
        exit(7);
    }
    char c;
    CHECK(read(p[0], &c, 1) == 1);
    CHECK(kill(pid, SIGUSR1) == 0);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("handled child exited with %d\n", WEXITSTATUS(st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    fprintf(stderr, "stderr: done\n");
    return 0;
}
