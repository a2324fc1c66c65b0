// Feature: eventfd counters (plain, EFD_SEMAPHORE, EFD_NONBLOCK) and between processes.
#include "t.h"
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

int main(void)
{
    uint64_t v;
    int efd = eventfd(3, 0);
    CHECK(efd >= 0);
    CHECK(read(efd, &v, 8) == 8);
    printf("initial value read: %llu\n", (unsigned long long)v);
    v = 5;
    CHECK(write(efd, &v, 8) == 8);
    v = 7;
    CHECK(write(efd, &v, 8) == 8);
    CHECK(read(efd, &v, 8) == 8);
    printf("after adding 5 and 7: %llu\n", (unsigned long long)v);

    int nb = eventfd(0, EFD_NONBLOCK | EFD_SEMAPHORE);
    CHECK(nb >= 0);
    v = 2;
    CHECK(write(nb, &v, 8) == 8);
    for (int i = 0; i < 3; i++) {
        ssize_t n = read(nb, &v, 8);
        printf("semaphore read %d: %zd %s\n", i, n, n == 8 ? (v == 1 ? "value 1" : "bad value") : strerror(errno));
    }

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        usleep(10000);
        v = (uint64_t)getpid();
        CHECK(write(efd, &v, 8) == 8);
        _exit(0);
    }
    CHECK(read(efd, &v, 8) == 8);
    printf("blocking read got %llu from the child: %s\n", (unsigned long long)v, v == (uint64_t)pid ? "yes" : "no");
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    fprintf(stderr, "stderr: child was %d\n", pid);
    return 0;
}
