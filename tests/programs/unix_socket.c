// Feature: a named unix socket: bind, listen, accept in the parent; connect in a child.
#include "t.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

int main(void)
{
    char dir[4096];
    CHECK(mkdtemp(tmp_template(dir, sizeof dir, "sock")) != NULL);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    CHECK(snprintf(addr.sun_path, sizeof addr.sun_path, "%s/s", dir) < (int)sizeof addr.sun_path);

    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(s >= 0);
    CHECK(bind(s, (struct sockaddr *)&addr, sizeof addr) == 0);
    CHECK(listen(s, 4) == 0);
    struct sockaddr_un got = { 0 };
    socklen_t len = sizeof got;
    CHECK(getsockname(s, (struct sockaddr *)&got, &len) == 0);
    printf("listening on the path given to bind: %s\n", strcmp(got.sun_path, addr.sun_path) == 0 ? "yes" : "no");

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        CHECK(c >= 0);
        CHECK(connect(c, (struct sockaddr *)&addr, sizeof addr) == 0);
        char msg[64];
        int n = snprintf(msg, sizeof msg, "hello from client %d", getpid());
        CHECK(write(c, msg, (size_t)n) == n);
        char buf[100] = { 0 };
        CHECK(read(c, buf, sizeof buf - 1) > 0);
        printf("client got reply: %s\n", buf);
        exit(0);
    }
    int a = accept(s, NULL, NULL);
    CHECK(a >= 0);
    struct ucred cred;
    socklen_t cl = sizeof cred;
    CHECK(getsockopt(a, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0);
    char buf[100] = { 0 };
    CHECK(read(a, buf, sizeof buf - 1) > 0);
    char reply[64];
    int n = snprintf(reply, sizeof reply, "hello from server %d", getpid());
    CHECK(write(a, reply, (size_t)n) == n);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    printf("server got: %s\n", buf);
    printf("peer credentials: pid %d is the child: %s\n", cred.pid, cred.pid == pid ? "yes" : "no");
    close(a);
    close(s);
    CHECK(unlink(addr.sun_path) == 0 && rmdir(dir) == 0);
    fprintf(stderr, "stderr: done\n");
    return 0;
}
