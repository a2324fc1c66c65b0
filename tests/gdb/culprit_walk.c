/* 20,000 syscalls; a global written at five iterations, the last near the
 * end: walked back write by write across the replay's checkpoints.  Each
 * iteration also writes one of 512 pages, so every checkpoint comes to
 * hold memory of its own (the budget test). */
#include <stdio.h>
#include <unistd.h>

static volatile long culprit;
static volatile long marks;
static volatile char pages[512][4096];

static void __attribute__((noinline)) mark(int i)
{
    marks += i;
}

int main(void)
{
    long sum = 0;
    for (int i = 0; i < 20000; i++) {
        sum += getppid() > 0;
        pages[i % 512][0] = (char)i;
        if (i == 1500 || i == 6000 || i == 9000 || i == 15000 || i == 19990)
            culprit = i;
        if (i % 1000 == 0)
            mark(i);
    }
    printf("sum %ld culprit %ld marks %ld\n", sum, culprit, marks);
    return 0;
}
