// Feature: epoll over pipes: level and edge triggered, timeouts, a wake-up from a child.
#include "t.h"
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void)
{
    int p[3][2];
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0);
    for (int i = 0; i < 3; i++) {
        CHECK(pipe(p[i]) == 0);
        struct epoll_event ev = { .events = EPOLLIN | (i == 2 ? EPOLLET : 0), .data.u32 = (uint32_t)i };
        CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[i][0], &ev) == 0);
    }
    struct epoll_event out[4];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int n = epoll_wait(ep, out, 4, 20);
    printf("nothing ready, 20 ms timeout: %d events after %ld ms\n", n, ms_since(&t0));

    CHECK(write(p[1][1], "a", 1) == 1);
    n = epoll_wait(ep, out, 4, 0);
    printf("after writing pipe 1: %d event(s), pipe %u, EPOLLIN %s\n", n, out[0].data.u32, out[0].events & EPOLLIN ? "yes" : "no");
    n = epoll_wait(ep, out, 4, 0);
    printf("level-triggered, not read yet: %d event(s)\n", n);
    char c;
    CHECK(read(p[1][0], &c, 1) == 1);

    CHECK(write(p[2][1], "b", 1) == 1);
    n = epoll_wait(ep, out, 4, 0);
    printf("edge-triggered pipe 2 first wait: %d event(s), pipe %u\n", n, out[0].data.u32);
    n = epoll_wait(ep, out, 4, 0);
    printf("edge-triggered pipe 2 second wait: %d event(s)\n", n);

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        usleep(20000);
        CHECK(write(p[0][1], "c", 1) == 1);
        _exit(0);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    n = epoll_wait(ep, out, 4, -1);
    printf("blocking wait woken by the child: %d event(s), pipe %u, after %ld ms\n", n, out[0].data.u32, ms_since(&t0));
    CHECK(n == 1 && out[0].data.u32 == 0);

    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0][0], NULL) == 0);
    n = epoll_wait(ep, out, 4, 0);
    printf("after EPOLL_CTL_DEL of the ready pipe: %d event(s)\n", n);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    fprintf(stderr, "stderr: child was %d\n", pid);
    return 0;
}
