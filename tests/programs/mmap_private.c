// Feature: mmap of a file with MAP_PRIVATE: reading file data through memory, copy-on-write writes.
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>

int main(void)
{
    char path[4096];
    int fd = mkstemp(tmp_template(path, sizeof path, "mmap-private"));
    CHECK(fd >= 0);
    long pg = sysconf(_SC_PAGESIZE);
    char *data = malloc((size_t)pg * 3);
    CHECK(data != NULL);
    for (long i = 0; i < pg * 3; i++)
        data[i] = (char)('a' + (i / pg) * 3 + i % 3);
    /* The first line depends on the time: replay must map the recorded bytes. */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int len = snprintf(data, 64, "mapped file made at %lld.%09ld", (long long)now.tv_sec, now.tv_nsec);
    data[len] = '\n';
    CHECK(write(fd, data, (size_t)pg * 3) == pg * 3);

    char *p = mmap(NULL, (size_t)pg * 3, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED);
    printf("mapped at %p\n", (void *)p);
    printf("first line through memory: %.*s\n", len, p);
    printf("page bytes: %c%c%c %c%c%c %c%c%c\n", p[pg * 0 + 100], p[pg * 0 + 101], p[pg * 0 + 102],
           p[pg], p[pg + 1], p[pg + 2], p[pg * 2], p[pg * 2 + 1], p[pg * 2 + 2]);
    printf("fingerprint of mapping %016llx, equals file data: %s\n",
           fnv1a(p, (size_t)pg * 3), memcmp(p, data, (size_t)pg * 3) == 0 ? "yes" : "no");
    CHECK(memcmp(p, data, (size_t)pg * 3) == 0);

    /* A writable private mapping of page 1: writes stay in memory. */
    char *q = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, pg);
    CHECK(q != MAP_FAILED);
    memcpy(q, "PRIVATE", 7);
    char buf[8] = { 0 };
    CHECK(pread(fd, buf, 7, pg) == 7);
    printf("after writing the private copy: memory %.7s, file %.7s\n", q, buf);
    CHECK(memcmp(buf, "PRIVATE", 7) != 0);

    CHECK(munmap(q, (size_t)pg) == 0);
    CHECK(munmap(p, (size_t)pg * 3) == 0);
    close(fd);
    CHECK(unlink(path) == 0);
    fprintf(stderr, "stderr: file was %ld bytes\n", pg * 3);
    return 0;
}
