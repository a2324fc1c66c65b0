// Feature: unix socketpair (SOCK_STREAM between processes, SOCK_DGRAM message boundaries).
#include "t.h"
#include <sys/socket.h>
#include <sys/wait.h>

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        char buf[100] = { 0 };
        CHECK(recv(sv[1], buf, sizeof buf - 1, 0) > 0);
        char reply[200];
        int len = snprintf(reply, sizeof reply, "child %d got \"%s\"", getpid(), buf);
        CHECK(send(sv[1], reply, (size_t)len, 0) == len);
        _exit(0);
    }
    close(sv[1]);
    char msg[64];
    int len = snprintf(msg, sizeof msg, "hi from parent %d", getpid());
    CHECK(send(sv[0], msg, (size_t)len, 0) == len);
    char buf[300];
    size_t got = 0;
    ssize_t n;
    while ((n = recv(sv[0], buf + got, sizeof buf - 1 - got, 0)) > 0)
        got += (size_t)n;
    buf[got] = 0;
    printf("stream reply: %s\n", buf);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(sv[0]);

    int dg[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) == 0);
    const char *parts[] = { "one", "three", "fifteen chars!!" };
    for (int i = 0; i < 3; i++)
        CHECK(send(dg[0], parts[i], strlen(parts[i]), 0) == (ssize_t)strlen(parts[i]));
    for (int i = 0; i < 3; i++) {
        n = recv(dg[1], buf, sizeof buf, 0);
        printf("datagram %d: %zd bytes \"%.*s\"\n", i, n, (int)n, buf);
    }
    n = recv(dg[1], buf, sizeof buf, MSG_DONTWAIT);
    printf("empty datagram socket: %zd (%s)\n", n, strerror(errno));
    fprintf(stderr, "stderr: child was %d\n", pid);
    return 0;
}
