/* Processes to choose from: a forked child that only computes, and a
 * forked child that execs the program named by argv[1]. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int child_work(int x)
{
    return x * 3;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    fflush(stdout);
    pid_t a = fork();
    if (a == 0) {
        printf("child %d\n", child_work(14));
        return 0;
    }
    waitpid(a, NULL, 0);
    pid_t b = fork();
    if (b == 0) {
        execl(argv[1], argv[1], (char *)NULL);
        _exit(127);
    }
    waitpid(b, NULL, 0);
    printf("parent done\n");
    return 0;
}
