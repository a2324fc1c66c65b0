// Feature: execve of a "#!/bin/sh" script (interpreter lookup by the kernel).
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const char script[] =
    "#!/bin/sh\n"
    "echo \"script: argv0 ok, args: $*\"\n"
    "echo \"script: pid $$, parent $PPID\"\n"
    "echo \"script: stderr line\" >&2\n"
    "exit 3\n";

int main(void)
{
    char path[4096];
    int fd = mkstemp(tmp_template(path, sizeof path, "script"));
    CHECK(fd >= 0);
    CHECK(write(fd, script, sizeof script - 1) == (ssize_t)sizeof script - 1);
    CHECK(fchmod(fd, 0700) == 0);
    CHECK(close(fd) == 0);

    printf("parent pid %d\n", getpid());
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char *args[] = { path, "one", "two words", NULL };
        char *env[] = { "PATH=/usr/bin:/bin", NULL };
        execve(path, args, env);
        _exit(127);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("script child %d exited with %d\n", pid, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
    CHECK(unlink(path) == 0);
    fprintf(stderr, "stderr: done\n");
    return 0;
}
