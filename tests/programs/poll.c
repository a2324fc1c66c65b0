// Feature: poll and ppoll on pipes: timeouts, readiness, POLLHUP, POLLNVAL, a wake-up from a child.
#include "t.h"
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    struct pollfd fds[2] = { { .fd = p[0], .events = POLLIN }, { .fd = p[1], .events = POLLOUT } };
    int n = poll(fds, 1, 0);
    printf("empty pipe, timeout 0: %d\n", n);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    n = poll(fds, 1, 20);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long us = (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
    printf("empty pipe, timeout 20 ms: %d after %ld us\n", n, us);
    CHECK(n == 0 && us >= 19000);

    n = poll(fds, 2, 0);
    printf("write end: %d ready, POLLOUT %s\n", n, fds[1].revents & POLLOUT ? "yes" : "no");
    CHECK(write(p[1], "x", 1) == 1);
    n = poll(fds, 2, 0);
    printf("after a write: %d ready, read end POLLIN %s\n", n, fds[0].revents & POLLIN ? "yes" : "no");
    char c;
    CHECK(read(p[0], &c, 1) == 1);

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        usleep(20000);
        CHECK(write(p[1], "y", 1) == 1);
        _exit(0);
    }
    n = poll(fds, 1, -1);
    printf("blocking poll woken by the child: %d, POLLIN %s\n", n, fds[0].revents & POLLIN ? "yes" : "no");
    CHECK(read(p[0], &c, 1) == 1 && c == 'y');
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);

    close(p[1]);
    struct timespec ts = { 1, 0 };
    sigset_t none;
    sigemptyset(&none);
    n = ppoll(fds, 1, &ts, &none);
    printf("ppoll after the writer closed: %d, POLLHUP %s\n", n, fds[0].revents & POLLHUP ? "yes" : "no");
    struct pollfd bad = { .fd = 1000, .events = POLLIN };
    n = poll(&bad, 1, 0);
    printf("poll on a closed fd: %d, POLLNVAL %s\n", n, bad.revents & POLLNVAL ? "yes" : "no");
    fprintf(stderr, "stderr: 20 ms poll took %ld us\n", us);
    return 0;
}
