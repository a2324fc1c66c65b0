/* 20,000 syscalls, and one write in the middle to find backwards. */
#include <stdio.h>
#include <unistd.h>

static volatile long marker;

int main(void)
{
    long sum = 0;
    for (int i = 0; i < 20000; i++) {
        sum += getppid() > 0;
        if (i == 7777)
            marker = i;
    }
    printf("sum %ld marker %ld\n", sum, marker);
    return 0;
}
