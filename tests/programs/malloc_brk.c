// Feature: brk/sbrk and malloc of small (heap) and large (mmap-backed) blocks.
#include "t.h"
#include <malloc.h>
#include <stdint.h>
#include <sys/syscall.h>

int main(void)
{
    /* No stdio before this: printf's buffer would move the break. */
    char *b0 = sbrk(0);
    int raw_agrees = (char *)syscall(SYS_brk, 0) == b0;
    char *old = sbrk(65536);
    CHECK(old == b0);
    CHECK((char *)sbrk(0) == b0 + 65536);
    memset(old, 0x5a, 65536);
    unsigned char last = (unsigned char)old[65535];
    CHECK(sbrk(-65536) == b0 + 65536);
    CHECK(sbrk(0) == b0);
    printf("initial break %p, raw brk(0) agrees: %s\n", (void *)b0, raw_agrees ? "yes" : "no");
    printf("sbrk(+64K) then touched it: last byte 0x%x\n", last);

    void *small[1000];
    unsigned long long sum = 0;
    for (int i = 0; i < 1000; i++) {
        size_t n = 16 + (size_t)(i * 37 % 1000);
        small[i] = malloc(n);
        CHECK(small[i] != NULL);
        memset(small[i], i & 0xff, n);
    }
    for (int i = 0; i < 1000; i += 2)
        free(small[i]);
    for (int i = 1; i < 1000; i += 2) {
        small[i] = realloc(small[i], 2000);
        CHECK(small[i] != NULL);
        sum += ((unsigned char *)small[i])[0];
    }
    char *brk_now = sbrk(0);
    int in_heap = (char *)small[1] >= b0 && (char *)small[1] < brk_now;
    printf("small blocks: first at %p, in the brk heap: %s, checksum %llu\n", small[1],
           in_heap ? "yes" : "no", sum);
    printf("heap grew by %ld bytes\n", (long)(brk_now - b0));

    char *large = malloc(8 << 20);
    CHECK(large != NULL);
    memset(large, 1, 8 << 20);
    int outside = large < b0 || large >= brk_now;
    printf("8 MiB block at %p, outside the brk heap (mmap): %s\n", (void *)large, outside ? "yes" : "no");
    free(large);

    unsigned char *z = calloc(1 << 20, 1);
    CHECK(z != NULL);
    size_t nonzero = 0;
    for (size_t i = 0; i < 1 << 20; i++)
        nonzero += z[i] != 0;
    printf("calloc 1 MiB: nonzero bytes %zu\n", nonzero);
    free(z);
    for (int i = 1; i < 1000; i += 2)
        free(small[i]);
    struct mallinfo2 mi = mallinfo2();
    fprintf(stderr, "stderr: arena %zu bytes, in use %zu\n", mi.arena, mi.uordblks);
    return 0;
}
