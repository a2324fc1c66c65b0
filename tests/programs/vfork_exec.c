// Feature: vfork followed by execve (and by _exit) in the child.
#include "t.h"
#include <sys/wait.h>

int main(void)
{
    printf("parent pid %d\n", getpid());
    fflush(NULL);
    pid_t pid = vfork();
    CHECK(pid >= 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "echo \"vfork child: shell pid $$\"; echo 'vfork child stderr' >&2; exit 5",
              (char *)NULL);
        _exit(127);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("exec'd vfork child %d exited with %d\n", pid, WEXITSTATUS(st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);

    fflush(NULL);
    pid = vfork();
    if (pid == 0)
        _exit(3);
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("vfork child that only called _exit exited with %d\n", WEXITSTATUS(st));

    fflush(NULL);
    pid = vfork();
    if (pid == 0) {
        execl("/nonexistent/program", "x", (char *)NULL);
        _exit(errno == ENOENT ? 42 : 1);
    }
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("vfork child with a failed exec exited with %d\n", WEXITSTATUS(st));
    fprintf(stderr, "stderr: done\n");
    return 0;
}
