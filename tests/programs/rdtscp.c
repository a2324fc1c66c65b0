// Feature: the rdtscp instruction (inline asm): timestamp plus TSC_AUX (cpu id).
#include "t.h"
#include <stdint.h>

static inline uint64_t rdtscp(uint32_t *aux)
{
    uint32_t lo, hi, c;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
    *aux = c;
    return (uint64_t)hi << 32 | lo;
}

int main(void)
{
    uint32_t aux[4];
    uint64_t t[4];
    for (int i = 0; i < 4; i++)
        t[i] = rdtscp(&aux[i]);
    for (int i = 0; i < 4; i++)
        printf("rdtscp[%d] = %llu aux 0x%x (cpu %u, node %u)\n", i,
               (unsigned long long)t[i], aux[i], aux[i] & 0xfff, aux[i] >> 12);

    uint64_t hash = 0;
    uint32_t a;
    for (int i = 0; i < 1000; i++)
        hash = (hash ^ rdtscp(&a) ^ a) * 1099511628211ULL;
    printf("1000 reads: hash %016llx\n", (unsigned long long)hash);

    uint64_t before = rdtscp(&a);
    usleep(5000);
    uint64_t after = rdtscp(&a);
    printf("ticks across a 5 ms sleep: %llu\n", (unsigned long long)(after - before));
    CHECK(after > before);
    fprintf(stderr, "stderr: last aux %u\n", a);
    return 0;
}
