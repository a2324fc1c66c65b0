// Feature: a MAP_SHARED mapping sees bytes written to its file with pwrite/write (memory changed by a syscall).
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>

int main(void)
{
    char path[4096];
    int fd = mkstemp(tmp_template(path, sizeof path, "mmap-pwrite"));
    CHECK(fd >= 0);
    long pg = sysconf(_SC_PAGESIZE);
    CHECK(ftruncate(fd, pg) == 0);
    volatile char *p = mmap(NULL, (size_t)pg, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    printf("before pwrite: first byte %d\n", p[0]);

    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char msg[100];
    int len = snprintf(msg, sizeof msg, "pwrite at %lld.%09ld", (long long)now.tv_sec, now.tv_nsec);
    CHECK(pwrite(fd, msg, (size_t)len, 0) == len);
    printf("mapping after pwrite: %.*s\n", len, (const char *)p);
    CHECK(memcmp((const char *)p, msg, (size_t)len) == 0);

    CHECK(lseek(fd, 200, SEEK_SET) == 200);
    CHECK(write(fd, "via write()", 11) == 11);
    printf("mapping after write: %.11s\n", (const char *)p + 200);
    CHECK(memcmp((const char *)p + 200, "via write()", 11) == 0);

    CHECK(munmap((void *)p, (size_t)pg) == 0);
    close(fd);
    CHECK(unlink(path) == 0);
    fprintf(stderr, "stderr: done\n");
    return 0;
}
