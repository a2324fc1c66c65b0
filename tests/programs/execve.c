// Feature: execve of a program (itself, then /bin/echo) in the same process; CLOEXEC fds; new env.
#include "t.h"
#include <fcntl.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc == 1) {
        int keep = open("/dev/null", O_RDONLY);
        int gone = open("/dev/null", O_RDONLY | O_CLOEXEC);
        CHECK(keep >= 0 && gone >= 0);
        printf("stage 1: pid %d\n", getpid());
        fflush(NULL);
        char pid[16], k[16], g[16];
        snprintf(pid, sizeof pid, "%d", getpid());
        snprintf(k, sizeof k, "%d", keep);
        snprintf(g, sizeof g, "%d", gone);
        char *args[] = { argv[0], "stage2", pid, k, g, NULL };
        char *env[] = { "REWIND_STAGE=two", "PATH=/usr/bin:/bin", NULL };
        execve("/proc/self/exe", args, env);
        CHECK(!"execve failed");
    }
    CHECK(argc == 5);
    printf("stage 2: pid %d, same as before exec: %s\n", getpid(),
           atoi(argv[2]) == getpid() ? "yes" : "no");
    printf("stage 2: REWIND_STAGE=%s\n", getenv("REWIND_STAGE") ? getenv("REWIND_STAGE") : "(unset)");
    printf("stage 2: fd without CLOEXEC open: %s, fd with CLOEXEC open: %s\n",
           fcntl(atoi(argv[3]), F_GETFD) >= 0 ? "yes" : "no", fcntl(atoi(argv[4]), F_GETFD) >= 0 ? "yes" : "no");
    fprintf(stderr, "stderr: stage 2 about to exec echo\n");
    fflush(NULL);
    char *args[] = { "echo", "stage 3: echo ran in pid", argv[2], NULL };
    execve("/bin/echo", args, environ);
    CHECK(!"execve /bin/echo failed");
    return 1;
}
