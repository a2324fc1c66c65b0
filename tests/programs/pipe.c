// Feature: pipes between a parent and a child (pipe, pipe2, EOF, transfers larger than the pipe buffer).
#include "t.h"
#include <fcntl.h>
#include <sys/wait.h>

#define BIG (256 * 1024)

static void child(int in, int out)
{
    static unsigned char buf[BIG];
    size_t got = 0;
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        got += (size_t)n;
    char hdr[64];
    int len = snprintf(hdr, sizeof hdr, "got %zu bytes, pid %d\n", got, getpid());
    CHECK(write(out, hdr, (size_t)len) == len);
    unsigned pid = (unsigned)getpid();
    for (size_t i = 0; i < BIG; i++)
        buf[i] = (unsigned char)(i * 7 + pid);
    for (size_t off = 0; off < BIG; off += (size_t)n)
        CHECK((n = write(out, buf + off, BIG - off)) > 0);
    _exit(0);
}

int main(void)
{
    int down[2], up[2];
    CHECK(pipe(down) == 0);
    CHECK(pipe2(up, O_CLOEXEC) == 0);
    printf("pipe2 O_CLOEXEC set: %s\n", fcntl(up[0], F_GETFD) & FD_CLOEXEC ? "yes" : "no");
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        child(down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    static char msg[100000];
    memset(msg, 'm', sizeof msg);
    CHECK(write(down[1], "hello ", 6) == 6);
    CHECK(write(down[1], msg, sizeof msg) == (ssize_t)sizeof msg);
    close(down[1]);

    static unsigned char in[BIG + 100];
    size_t got = 0;
    ssize_t n;
    int reads = 0;
    while ((n = read(up[0], in + got, sizeof in - got)) > 0) {
        got += (size_t)n;
        reads++;
    }
    char *nl = memchr(in, '\n', got);
    CHECK(nl != NULL);
    printf("child said: %.*s\n", (int)(nl - (char *)in), (char *)in);
    size_t hdr = (size_t)(nl - (char *)in) + 1, bad = 0;
    for (size_t i = 0; i < BIG && hdr + i < got; i++)
        bad += in[hdr + i] != (unsigned char)(i * 7 + (unsigned)pid);
    printf("received %zu data bytes in %d reads, mismatches %zu\n", got - hdr, reads, bad);
    CHECK(got - hdr == BIG && bad == 0);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    fprintf(stderr, "stderr: child %d done\n", pid);
    return 0;
}
