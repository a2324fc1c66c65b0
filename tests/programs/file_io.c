// Feature: regular file I/O on a temp file: write, lseek, read, pread, pwrite, stat, fstat, ftruncate, unlink.
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

int main(void)
{
    char path[4096], buf[256];
    int fd = mkstemp(tmp_template(path, sizeof path, "file"));
    CHECK(fd >= 0);

    /* Content depends on the time, so a replay must return recorded data. */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int len = snprintf(buf, sizeof buf, "created at %lld.%09ld\n", (long long)now.tv_sec, now.tv_nsec);
    CHECK(write(fd, buf, (size_t)len) == len);
    for (int i = 0; i < 100; i++) {
        char line[16];
        snprintf(line, sizeof line, "line %03d\n", i);
        CHECK(write(fd, line, 9) == 9);
    }
    off_t end = lseek(fd, 0, SEEK_CUR);
    printf("offset after writes: %lld\n", (long long)end);
    CHECK(end == len + 900);

    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, (size_t)len) == len);
    printf("read back: %s", buf);

    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 9, len + 9 * 50) == 9);
    printf("pread at line 50: %s", buf);
    CHECK(pwrite(fd, "LINE", 4, len + 9 * 10) == 4);
    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 9, len + 9 * 10) == 9);
    printf("after pwrite, line 10: %s", buf);
    printf("offset unchanged by pread/pwrite: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));

    CHECK(lseek(fd, 100, SEEK_END) == end + 100);
    CHECK(write(fd, "!", 1) == 1);
    struct stat st, st2;
    CHECK(fstat(fd, &st) == 0);
    printf("fstat: size %lld mode %o nlink %lu ino %llu mtime %lld.%09ld\n",
           (long long)st.st_size, st.st_mode & 07777, (unsigned long)st.st_nlink,
           (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    CHECK(st.st_size == end + 101);
    CHECK(stat(path, &st2) == 0);
    printf("stat agrees with fstat on inode: %s\n", st.st_ino == st2.st_ino ? "yes" : "no");

    CHECK(ftruncate(fd, 50) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("size after ftruncate: %lld\n", (long long)st.st_size);
    CHECK(close(fd) == 0);
    CHECK(unlink(path) == 0);
    int r = stat(path, &st);
    printf("stat after unlink: %d (%s)\n", r, r ? strerror(errno) : "exists");
    fprintf(stderr, "stderr: inode was %llu\n", (unsigned long long)st2.st_ino);
    return 0;
}
