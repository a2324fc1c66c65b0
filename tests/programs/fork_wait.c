// Feature: fork and waitpid/wait/waitid with exit codes.
#include "t.h"
#include <sys/wait.h>

int main(void)
{
    pid_t parent = getpid();
    printf("parent pid %d\n", parent);
    for (int i = 0; i < 4; i++) {
        fflush(NULL);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            printf("child %d: pid %d, parent is %s\n", i, getpid(), getppid() == parent ? "right" : "wrong");
            exit(10 + i);
        }
        int st;
        CHECK(waitpid(pid, &st, 0) == pid);
        printf("child %d (pid %d) exited with %d\n", i, pid, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    }

    /* Three children at once, reaped in whatever order they finish. */
    pid_t pids[3];
    for (int i = 0; i < 3; i++) {
        fflush(NULL);
        pids[i] = fork();
        CHECK(pids[i] >= 0);
        if (pids[i] == 0) {
            usleep(1000 * (3 - i));
            _exit(20 + i);
        }
    }
    int codes[3] = { -1, -1, -1 };
    for (int k = 0; k < 3; k++) {
        int st;
        pid_t w = wait(&st);
        for (int i = 0; i < 3; i++)
            if (w == pids[i])
                codes[i] = WEXITSTATUS(st);
    }
    for (int i = 0; i < 3; i++)
        printf("concurrent child %d exited with %d\n", i, codes[i]);

    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(77);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, (id_t)pid, &si, WEXITED) == 0);
    printf("waitid: code %s, status %d, pid matches %s\n", si.si_code == CLD_EXITED ? "CLD_EXITED" : "?",
           si.si_status, si.si_pid == pid ? "yes" : "no");

    int r = wait(NULL);
    printf("wait with no children: %d (%s)\n", r, strerror(errno));
    fprintf(stderr, "stderr: parent %d done\n", parent);
    return 0;
}
