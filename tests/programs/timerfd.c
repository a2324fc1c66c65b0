// Feature: timerfd: periodic timer with a short interval, reading expiration counts; absolute timers.
#include "t.h"
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>

int main(void)
{
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(tfd >= 0);
    struct itimerspec its = { .it_interval = { 0, 5000000 }, .it_value = { 0, 5000000 } };
    CHECK(timerfd_settime(tfd, 0, &its, NULL) == 0);
    usleep(30000);
    uint64_t n;
    CHECK(read(tfd, &n, 8) == 8);
    printf("expirations during a 30 ms sleep with a 5 ms interval: %llu\n", (unsigned long long)n);
    CHECK(n >= 1);
    CHECK(read(tfd, &n, 8) == 8);
    printf("blocking read: %llu expiration(s)\n", (unsigned long long)n);
    struct itimerspec cur;
    CHECK(timerfd_gettime(tfd, &cur) == 0);
    printf("time to next expiration: %ld ns, interval %ld ns\n", cur.it_value.tv_nsec, cur.it_interval.tv_nsec);

    struct itimerspec off = { { 0, 0 }, { 0, 0 } };
    CHECK(timerfd_settime(tfd, 0, &off, NULL) == 0);
    close(tfd);

    int nb = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    CHECK(nb >= 0);
    ssize_t r = read(nb, &n, 8);
    printf("unarmed nonblocking read: %zd (%s)\n", r, strerror(errno));
    struct timespec now;
    CHECK(clock_gettime(CLOCK_REALTIME, &now) == 0);
    struct itimerspec abs = { .it_value = now };
    abs.it_value.tv_nsec += 10000000;
    if (abs.it_value.tv_nsec >= 1000000000) {
        abs.it_value.tv_sec++;
        abs.it_value.tv_nsec -= 1000000000;
    }
    CHECK(timerfd_settime(nb, TFD_TIMER_ABSTIME, &abs, NULL) == 0);
    while ((r = read(nb, &n, 8)) < 0 && errno == EAGAIN)
        usleep(1000);
    printf("absolute one-shot timer fired: %zd bytes, count %llu\n", r, (unsigned long long)n);
    fprintf(stderr, "stderr: armed at %lld.%09ld\n", (long long)now.tv_sec, now.tv_nsec);
    return 0;
}
