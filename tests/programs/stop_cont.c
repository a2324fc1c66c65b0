// Feature: job control: a child stopped by SIGSTOP and resumed by SIGCONT (waitpid WUNTRACED/WCONTINUED).
#include "t.h"
#include <signal.h>
#include <sys/wait.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        raise(SIGSTOP);
        CHECK(write(p[1], "r", 1) == 1);
        printf("child %d: resumed after SIGCONT\n", getpid());
        exit(9);
    }
    close(p[1]);
    int st;
    CHECK(waitpid(pid, &st, WUNTRACED) == pid);
    printf("child stopped: %s, by signal %d\n", WIFSTOPPED(st) ? "yes" : "no", WIFSTOPPED(st) ? WSTOPSIG(st) : 0);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    fflush(NULL);
    CHECK(kill(pid, SIGCONT) == 0);
    CHECK(waitpid(pid, &st, WCONTINUED) == pid);
    printf("child continued: %s\n", WIFCONTINUED(st) ? "yes" : "no");
    char c;
    CHECK(read(p[0], &c, 1) == 1);
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("child exited with %d\n", WEXITSTATUS(st));
    fprintf(stderr, "stderr: child was %d\n", pid);
    return 0;
}
