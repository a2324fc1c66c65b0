// Feature: a named pipe (mkfifo) between a parent and a child.
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

int main(void)
{
    char dir[4096], path[4200];
    CHECK(mkdtemp(tmp_template(dir, sizeof dir, "fifo")) != NULL);
    snprintf(path, sizeof path, "%s/fifo", dir);
    CHECK(mkfifo(path, 0600) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    printf("mkfifo made a fifo: %s\n", S_ISFIFO(st.st_mode) ? "yes" : "no");

    int fd = open(path, O_WRONLY | O_NONBLOCK);
    printf("nonblocking open for writing with no reader: %d (%s)\n", fd, strerror(errno));
    CHECK(fd < 0 && errno == ENXIO);

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int w = open(path, O_WRONLY);
        CHECK(w >= 0);
        char msg[80];
        int len = snprintf(msg, sizeof msg, "hello through the fifo from pid %d\n", getpid());
        CHECK(write(w, msg, (size_t)len) == len);
        _exit(0);
    }
    int r = open(path, O_RDONLY);
    CHECK(r >= 0);
    char buf[200];
    size_t got = 0;
    ssize_t n;
    while ((n = read(r, buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = 0;
    printf("read %zu bytes: %s", got, buf);
    close(r);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(unlink(path) == 0 && rmdir(dir) == 0);
    fprintf(stderr, "stderr: fifo inode was %llu\n", (unsigned long long)st.st_ino);
    return 0;
}
