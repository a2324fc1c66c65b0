// Feature: select and pselect: timeouts (and the remaining time select writes back), readiness.
#include "t.h"
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = { 0, 20000 };
    int n = select(p[0] + 1, &rd, NULL, NULL, &tv);
    printf("empty pipe, 20 ms timeout: %d, remaining %ld us\n", n, (long)tv.tv_usec);
    CHECK(n == 0);

    CHECK(write(p[1], "x", 1) == 1);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    fd_set wr;
    FD_ZERO(&wr);
    FD_SET(p[1], &wr);
    tv = (struct timeval){ 1, 0 };
    n = select(p[1] + 1, &rd, &wr, NULL, &tv);
    printf("after a write: %d ready, read end %s, write end %s, remaining %ld.%06ld s\n", n,
           FD_ISSET(p[0], &rd) ? "set" : "clear", FD_ISSET(p[1], &wr) ? "set" : "clear",
           (long)tv.tv_sec, (long)tv.tv_usec);
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
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    tv = (struct timeval){ 5, 0 };
    n = select(p[0] + 1, &rd, NULL, NULL, &tv);
    printf("select woken by the child: %d, %ld.%06ld s left of 5\n", n, (long)tv.tv_sec, (long)tv.tv_usec);
    CHECK(n == 1);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);

    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timespec ts = { 0, 10000000 };
    sigset_t none;
    sigemptyset(&none);
    n = pselect(p[0] + 1, &rd, NULL, NULL, &ts, &none);
    printf("pselect: %d ready\n", n);
    CHECK(read(p[0], &c, 1) == 1 && c == 'y');
    fprintf(stderr, "stderr: child was %d\n", pid);
    return 0;
}
