/* A parent and its child, thousands of syscalls each, side by side: the
 * parent's writes walked back across checkpoints of both processes. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long culprit;

int main(void)
{
    pid_t child = fork();
    if (child == 0) {
        long sum = 0;
        for (int i = 0; i < 3000; i++) {
            sum += getppid() > 0;
            if (i == 1000 || i == 2500)
                culprit = 900000 + i; /* the child's own copy */
        }
        _exit(sum != 3000);
    }
    long sum = 0;
    for (int i = 0; i < 6000; i++) {
        sum += getpid() > 0;
        if (i == 700 || i == 2600 || i == 5200)
            culprit = i;
    }
    int status;
    waitpid(child, &status, 0);
    printf("culprit %ld sum %ld status %d\n", culprit, sum, status);
    return 0;
}
