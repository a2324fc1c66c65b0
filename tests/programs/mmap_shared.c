// Feature: MAP_SHARED file mapping written through memory, msync, then read back with read().
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>

int main(void)
{
    char path[4096];
    int fd = mkstemp(tmp_template(path, sizeof path, "mmap-shared"));
    CHECK(fd >= 0);
    long pg = sysconf(_SC_PAGESIZE);
    CHECK(ftruncate(fd, pg * 2) == 0);
    char *p = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    printf("mapped at %p, initially zero: %s\n", (void *)p, p[0] == 0 && p[pg] == 0 ? "yes" : "no");

    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int len = snprintf(p, 100, "written through the mapping at %lld.%09ld\n",
                       (long long)now.tv_sec, now.tv_nsec);
    memset(p + pg, 'Z', 16);
    CHECK(msync(p, (size_t)pg * 2, MS_SYNC) == 0);

    char buf[128] = { 0 };
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(read(fd, buf, (size_t)len) == len);
    printf("read() after msync: %s", buf);
    CHECK(memcmp(buf, p, (size_t)len) == 0);
    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 16, pg) == 16);
    printf("pread() of page 2: %s\n", buf);

    CHECK(munmap(p, (size_t)pg * 2) == 0);
    /* A second mapping sees what the first one wrote. */
    char *q = mmap(NULL, (size_t)pg, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(q != MAP_FAILED);
    printf("new mapping sees: %.*s", len, q);
    CHECK(munmap(q, (size_t)pg) == 0);
    close(fd);
    CHECK(unlink(path) == 0);
    fprintf(stderr, "stderr: wrote %d bytes\n", len);
    return 0;
}
