// Feature: vDSO time functions: clock_gettime, clock_getres, gettimeofday, time.
#include "t.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static const struct { clockid_t id; const char *name; } clocks[] = {
    { CLOCK_REALTIME, "REALTIME" },
    { CLOCK_MONOTONIC, "MONOTONIC" },
    { CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" },
    { CLOCK_BOOTTIME, "BOOTTIME" },
    { CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
    { CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" },
    { CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME" },
    { CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME" },
};

int main(void)
{
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec ts, res;
        CHECK(clock_gettime(clocks[i].id, &ts) == 0);
        CHECK(clock_getres(clocks[i].id, &res) == 0);
        printf("clock %-16s %lld.%09ld  res %ld ns\n", clocks[i].name,
               (long long)ts.tv_sec, ts.tv_nsec, res.tv_nsec);
    }

    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0);
    printf("gettimeofday %lld.%06ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);

    time_t t1 = time(NULL), t2;
    CHECK(time(&t2) >= t1);
    printf("time %lld %lld\n", (long long)t1, (long long)t2);

    struct timespec raw;
    CHECK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &raw) == 0);
    printf("raw syscall clock_gettime %lld.%09ld\n", (long long)raw.tv_sec, raw.tv_nsec);
    printf("realtime and gettimeofday agree within 2 s: %s\n",
           llabs((long long)raw.tv_sec - (long long)tv.tv_sec) <= 2 ? "yes" : "no");

    /* Many reads with no other syscall in between: each must be recorded. */
    struct timespec prev = { 0, 0 }, cur;
    long back = 0;
    unsigned long long sum = 0;
    for (int i = 0; i < 2000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &cur);
        if (cur.tv_sec < prev.tv_sec ||
            (cur.tv_sec == prev.tv_sec && cur.tv_nsec < prev.tv_nsec))
            back++;
        sum += (unsigned long long)cur.tv_nsec;
        prev = cur;
    }
    printf("2000 monotonic reads: went back %ld times, nsec sum %llu\n", back, sum);
    CHECK(back == 0);
    fprintf(stderr, "stderr: last monotonic %lld.%09ld\n", (long long)cur.tv_sec, cur.tv_nsec);
    return 0;
}
