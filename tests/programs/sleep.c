// Feature: sleeping: nanosleep, clock_nanosleep (relative and absolute), usleep, and an interrupted nanosleep.
#include "t.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
    long long t0 = now_ns();
    struct timespec req = { 0, 10000000 };
    CHECK(nanosleep(&req, NULL) == 0);
    long long d = now_ns() - t0;
    printf("nanosleep 10 ms took %lld ns\n", d);
    CHECK(d >= 10000000);

    t0 = now_ns();
    req.tv_nsec = 5000000;
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0);
    d = now_ns() - t0;
    printf("clock_nanosleep relative 5 ms took %lld ns\n", d);
    CHECK(d >= 5000000);

    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    t0 = until.tv_sec * 1000000000LL + until.tv_nsec;
    until.tv_nsec += 5000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0);
    printf("clock_nanosleep absolute +5 ms woke %lld ns after the deadline\n", now_ns() - t0 - 5000000);

    t0 = now_ns();
    CHECK(usleep(2000) == 0);
    printf("usleep 2 ms took %lld ns\n", now_ns() - t0);

    /* An interval timer interrupts a long nanosleep; the remainder is reported. */
    struct sigaction sa = { .sa_handler = on_alarm };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = { .it_value = { 0, 20000 } };
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    struct timespec rem = { 0, 0 };
    req = (struct timespec){ 2, 0 };
    int r = nanosleep(&req, &rem);
    int err = errno;
    printf("nanosleep 2 s interrupted by SIGALRM: %d (%s), remaining %ld.%09ld s\n", r, strerror(err),
           (long)rem.tv_sec, rem.tv_nsec);
    CHECK(r == -1 && err == EINTR && rem.tv_sec >= 1);
    fprintf(stderr, "stderr: done\n");
    return 0;
}
