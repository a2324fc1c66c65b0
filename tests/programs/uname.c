// Feature: system information: uname, sysinfo, getrusage (self and children), getrlimit.
#include "t.h"
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>

int main(void)
{
    struct utsname u;
    CHECK(uname(&u) == 0);
    printf("uname: %s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version, u.machine);

    struct sysinfo si;
    CHECK(sysinfo(&si) == 0);
    printf("sysinfo: uptime %ld s, loads %lu %lu %lu, ram %lu total %lu free, procs %u\n", si.uptime,
           si.loads[0], si.loads[1], si.loads[2], si.totalram, si.freeram, (unsigned)si.procs);

    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 3000000; i++)
        x += i;
    struct rusage ru;
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    printf("rusage self: user %ld.%06ld sys %ld.%06ld maxrss %ld KiB minflt %ld\n", (long)ru.ru_utime.tv_sec,
           (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec, ru.ru_maxrss, ru.ru_minflt);

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        for (unsigned long i = 0; i < 3000000; i++)
            x += i;
        _exit(0);
    }
    CHECK(waitpid(pid, NULL, 0) == pid);
    CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0);
    printf("rusage children: user %ld.%06ld maxrss %ld KiB\n", (long)ru.ru_utime.tv_sec,
           (long)ru.ru_utime.tv_usec, ru.ru_maxrss);

    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    printf("RLIMIT_NOFILE: soft %llu hard %llu\n", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
    CHECK(getrlimit(RLIMIT_STACK, &rl) == 0);
    printf("RLIMIT_STACK: soft %llu\n", (unsigned long long)rl.rlim_cur);
    fprintf(stderr, "stderr: %s\n", u.release);
    return 0;
}
