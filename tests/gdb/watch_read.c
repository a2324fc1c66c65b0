/* Read and access watchpoints: a setting read in three places and written
 * once, beside a counter written all the time. */
#include <stdio.h>

static struct {
    long counter;
    long setting;
} cfg = {0, 3};

static long twice(void)
{
    return cfg.setting * 2;
}

int main(void)
{
    long total = 0;
    for (int i = 0; i < 200; i++)
        cfg.counter += i;
    total += cfg.setting;
    total += twice();
    cfg.setting = 5;
    for (int i = 0; i < 200; i++)
        cfg.counter += i;
    total += cfg.setting;
    printf("%ld %ld\n", total, cfg.counter);
    return 0;
}
