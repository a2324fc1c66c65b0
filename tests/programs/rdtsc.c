// Feature: the rdtsc instruction (inline asm), which a recorder must trap and record.
#include "t.h"
#include <stdint.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

int main(void)
{
    uint64_t v[5];
    for (int i = 0; i < 5; i++)
        v[i] = rdtsc();
    for (int i = 0; i < 5; i++)
        printf("rdtsc[%d] = %llu\n", i, (unsigned long long)v[i]);
    for (int i = 1; i < 5; i++)
        printf("delta[%d] = %llu\n", i, (unsigned long long)(v[i] - v[i - 1]));

    /* A tight loop of rdtsc with no syscall in between. */
    uint64_t hash = 0, prev = rdtsc(), back = 0;
    for (int i = 0; i < 2000; i++) {
        uint64_t c = rdtsc();
        if (c < prev)
            back++;
        hash = (hash ^ c) * 1099511628211ULL;
        prev = c;
    }
    printf("2000 reads: hash %016llx, went back %llu times\n",
           (unsigned long long)hash, (unsigned long long)back);

    uint64_t a = rdtsc();
    usleep(10000);
    uint64_t b = rdtsc();
    printf("ticks across a 10 ms sleep: %llu\n", (unsigned long long)(b - a));
    CHECK(b > a);
    fprintf(stderr, "stderr: last rdtsc %llu\n", (unsigned long long)rdtsc());
    return 0;
}
