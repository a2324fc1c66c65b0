/* A parent and its child sharing a page (MAP_SHARED): no checkpoint can
 * copy them, and the parent's writes are walked back all the same. */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long culprit;

int main(void)
{
    volatile long *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        return 1;
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < 2000; i++)
            shared[1] += getppid() > 0;
        _exit(0);
    }
    for (int i = 0; i < 4000; i++) {
        shared[0] += getpid() > 0;
        if (i == 1000 || i == 3000)
            culprit = i;
    }
    int status;
    waitpid(child, &status, 0);
    printf("culprit %ld shared %ld %ld\n", culprit, shared[0], shared[1]);
    return 0;
}
