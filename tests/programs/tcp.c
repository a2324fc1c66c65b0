// Feature: loopback TCP: server in the parent (port 0 + getsockname), client in a child.
#include "t.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define DATA (64 * 1024)

int main(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s >= 0);
    int one = 1;
    CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    CHECK(bind(s, (struct sockaddr *)&addr, sizeof addr) == 0);
    CHECK(listen(s, 1) == 0);
    socklen_t len = sizeof addr;
    CHECK(getsockname(s, (struct sockaddr *)&addr, &len) == 0);
    printf("server listening on 127.0.0.1 port %u\n", ntohs(addr.sin_port));

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(c >= 0);
        CHECK(connect(c, (struct sockaddr *)&addr, sizeof addr) == 0);
        CHECK(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
        static char data[DATA];
        for (int i = 0; i < DATA; i++)
            data[i] = (char)(i % 251);
        ssize_t n;
        for (size_t off = 0; off < DATA; off += (size_t)n)
            CHECK((n = write(c, data + off, DATA - off)) > 0);
        CHECK(shutdown(c, SHUT_WR) == 0);
        char reply[100] = { 0 };
        CHECK(read(c, reply, sizeof reply - 1) > 0);
        printf("client got: %s\n", reply);
        exit(0);
    }
    struct sockaddr_in peer;
    len = sizeof peer;
    int a = accept(s, (struct sockaddr *)&peer, &len);
    CHECK(a >= 0);
    static char buf[DATA];
    size_t got = 0;
    ssize_t n;
    int reads = 0;
    while ((n = read(a, buf + got, sizeof buf - got)) > 0) {
        got += (size_t)n;
        reads++;
    }
    size_t bad = 0;
    for (size_t i = 0; i < got; i++)
        bad += buf[i] != (char)(i % 251);
    char reply[100];
    int rl = snprintf(reply, sizeof reply, "server got %zu bytes, %zu wrong", got, bad);
    CHECK(write(a, reply, (size_t)rl) == rl);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    printf("server: client came from %s port %u, %d reads\n", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), reads);
    CHECK(got == DATA && bad == 0);
    close(a);
    close(s);
    fprintf(stderr, "stderr: port was %u\n", ntohs(addr.sin_port));
    return 0;
}
