// Feature: file descriptor operations: dup, dup2, dup3, fcntl (F_DUPFD, F_GETFD, F_GETFL, F_SETFL O_NONBLOCK).
#include "t.h"
#include <fcntl.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    int d = dup(p[1]);
    printf("pipe fds %d %d, dup gave %d (lowest free)\n", p[0], p[1], d);
    CHECK(dup2(p[1], 50) == 50);
    CHECK(dup3(p[1], 51, O_CLOEXEC) == 51);
    printf("dup2 -> 50 CLOEXEC %d, dup3(O_CLOEXEC) -> 51 CLOEXEC %d\n", fcntl(50, F_GETFD) & FD_CLOEXEC,
           fcntl(51, F_GETFD) & FD_CLOEXEC);
    int f = fcntl(p[1], F_DUPFD, 100);
    int g = fcntl(p[1], F_DUPFD_CLOEXEC, 100);
    printf("F_DUPFD from 100: %d; F_DUPFD_CLOEXEC from 100: %d (CLOEXEC %d)\n", f, g, fcntl(g, F_GETFD) & FD_CLOEXEC);

    CHECK(write(d, "a", 1) == 1 && write(50, "b", 1) == 1 && write(f, "c", 1) == 1);
    char buf[8] = { 0 };
    CHECK(read(p[0], buf, 3) == 3);
    printf("bytes written through three duplicates: %s\n", buf);

    int fl = fcntl(p[0], F_GETFL);
    printf("F_GETFL: access mode %s, O_NONBLOCK %s\n", (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "other",
           fl & O_NONBLOCK ? "on" : "off");
    CHECK(fcntl(p[0], F_SETFL, fl | O_NONBLOCK) == 0);
    fl = fcntl(p[0], F_GETFL);
    printf("after F_SETFL: O_NONBLOCK %s\n", fl & O_NONBLOCK ? "on" : "off");
    ssize_t n = read(p[0], buf, 1);
    printf("read from the empty nonblocking pipe: %zd (%s)\n", n, strerror(errno));
    CHECK(n < 0 && errno == EAGAIN);
    printf("F_GETPIPE_SZ: %d\n", fcntl(p[0], F_GETPIPE_SZ));

    CHECK(close(50) == 0);
    int r = fcntl(50, F_GETFD);
    printf("fcntl on a closed fd: %d (%s)\n", r, strerror(errno));
    r = close(50);
    printf("close of a closed fd: %d (%s)\n", r, strerror(errno));
    fprintf(stderr, "stderr: done\n");
    return 0;
}
