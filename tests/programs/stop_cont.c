// Feature: job control: a child stopped by SIGSTOP and resumed by SIGCONT (waitpid WUNTRACED/WCONTINUED).
#include "t.h"
#include <signal.h>
#include <sys/wait.h>

int main(void)
{
    int down[2];
    CHECK(pipe(down) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(down[1]);
        raise(SIGSTOP);
        /* Stay alive until the parent has seen the continue. */
        char c;
        CHECK(read(down[0], &c, 1) == 0);
        printf("child %d: resumed after SIGCONT\n", getpid());
        exit(9);
    }
    close(down[0]);
    int st;
    CHECK(waitpid(pid, &st, WUNTRACED) == pid);
    printf("child stopped: %s, by signal %d\n", WIFSTOPPED(st) ? "yes" : "no", WIFSTOPPED(st) ? WSTOPSIG(st) : 0);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    CHECK(kill(pid, SIGCONT) == 0);
    CHECK(waitpid(pid, &st, WCONTINUED) == pid);
    printf("child continued: %s\n", WIFCONTINUED(st) ? "yes" : "no");
    CHECK(WIFCONTINUED(st));
    fflush(NULL);
    close(down[1]);
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("child exited with %d\n", WEXITSTATUS(st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
    fprintf(stderr, "stderr: child was %d\n", pid);
    return 0;
}
