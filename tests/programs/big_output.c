// Feature: lots of output (over 100 KB each) on stdout and stderr, interleaved, with fflush and raw write().
#include "t.h"
#include <time.h>

int main(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    printf("start %lld.%09ld\n", (long long)now.tv_sec, now.tv_nsec);
    unsigned long long h = (unsigned long long)now.tv_nsec;
    for (int i = 0; i < 1200; i++) {
        h = h * 6364136223846793005ULL + 1442695040888963407ULL;
        printf("out %04d %016llx ................................................................\n", i, h);
        fprintf(stderr, "err %04d %016llx ,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n", i, ~h);
        if (i % 10 == 9) {
            fflush(stdout);
            fflush(stderr);
        }
    }
    fflush(NULL);
    static char block[65536];
    for (size_t i = 0; i < sizeof block; i++)
        block[i] = i % 64 == 63 ? '\n' : (char)('A' + (i / 64) % 26);
    size_t off = 0;
    while (off < sizeof block) {
        ssize_t n = write(1, block + off, sizeof block - off);
        CHECK(n > 0);
        off += (size_t)n;
    }
    CHECK(write(2, block, 4096) == 4096);
    printf("end\n");
    return 0;
}
