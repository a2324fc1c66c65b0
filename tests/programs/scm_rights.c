// Feature: passing a file descriptor over a unix socket (SCM_RIGHTS) and credentials (SO_PEERCRED).
#include "t.h"
#include <sys/socket.h>
#include <sys/wait.h>

int main(void)
{
    int sv[2], p[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(pipe(p) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        close(p[0]);
        close(p[1]);
        char byte;
        union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
        struct iovec iov = { &byte, 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
        CHECK(recvmsg(sv[1], &mh, 0) == 1);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        CHECK(c && c->cmsg_type == SCM_RIGHTS);
        int fd;
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
        char msg[80];
        int len = snprintf(msg, sizeof msg, "written by child %d through fd %d it received", getpid(), fd);
        CHECK(write(fd, msg, (size_t)len) == len);
        _exit(0);
    }
    close(sv[1]);
    struct ucred cred;
    socklen_t cl = sizeof cred;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0);
    printf("SO_PEERCRED of a socketpair: pid %d is me: %s\n", cred.pid, cred.pid == getpid() ? "yes" : "no");

    char byte = 'x';
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = { &byte, 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[1], sizeof(int));
    CHECK(sendmsg(sv[0], &mh, 0) == 1);
    close(p[1]);

    char buf[200];
    size_t got = 0;
    ssize_t n;
    while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = 0;
    printf("pipe says: %s\n", buf);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    fprintf(stderr, "stderr: child was %d\n", pid);
    return 0;
}
