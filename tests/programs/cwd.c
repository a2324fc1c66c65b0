// Feature: the working directory: getcwd, chdir, fchdir, relative paths.
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char start[4096], now[4096], dir[4096], real[4096], abs_path[4200];
    CHECK(getcwd(start, sizeof start) != NULL);
    printf("start: %s\n", start);
    int start_fd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK(start_fd >= 0);

    CHECK(mkdtemp(tmp_template(dir, sizeof dir, "cwd")) != NULL);
    CHECK(realpath(dir, real) != NULL);
    CHECK(chdir(dir) == 0);
    CHECK(getcwd(now, sizeof now) != NULL);
    printf("after chdir to the temp dir, getcwd is its real path: %s\n", strcmp(now, real) == 0 ? "yes" : "no");
    printf("temp dir: %s\n", now);

    int fd = open("relative.txt", O_CREAT | O_WRONLY, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, "hi", 2) == 2);
    close(fd);
    snprintf(abs_path, sizeof abs_path, "%s/relative.txt", real);
    struct stat st;
    CHECK(stat(abs_path, &st) == 0);
    printf("file created by relative path found by absolute path: size %lld\n", (long long)st.st_size);

    CHECK(chdir("/") == 0);
    CHECK(getcwd(now, sizeof now) != NULL);
    printf("after chdir(\"/\"): %s\n", now);
    CHECK(fchdir(start_fd) == 0);
    CHECK(getcwd(now, sizeof now) != NULL);
    printf("after fchdir back: same as start: %s\n", strcmp(now, start) == 0 ? "yes" : "no");
    printf("chdir to a missing dir: %s\n", chdir("/nonexistent-dir-rewind") < 0 ? strerror(errno) : "succeeded?");

    CHECK(unlink(abs_path) == 0 && rmdir(dir) == 0);
    fprintf(stderr, "stderr: temp dir was %s\n", real);
    return 0;
}
