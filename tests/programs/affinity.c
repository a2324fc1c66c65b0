// Feature: CPU affinity: sched_getaffinity, sched_setaffinity, sched_getcpu.
#include "t.h"
#include <sched.h>
#include <sys/sysinfo.h>

int main(void)
{
    cpu_set_t set, one, back;
    CPU_ZERO(&set);
    CHECK(sched_getaffinity(0, sizeof set, &set) == 0);
    printf("allowed CPUs: %d:", CPU_COUNT(&set));
    int first = -1;
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &set)) {
            printf(" %d", i);
            if (first < 0)
                first = i;
        }
    printf("\n");
    printf("get_nprocs %d, sysconf online %ld\n", get_nprocs(), sysconf(_SC_NPROCESSORS_ONLN));
    printf("running on CPU %d\n", sched_getcpu());

    CPU_ZERO(&one);
    CPU_SET(first, &one);
    CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
    CHECK(sched_getaffinity(0, sizeof back, &back) == 0);
    printf("after pinning to CPU %d: %d CPU(s) allowed, running on CPU %d\n", first, CPU_COUNT(&back),
           sched_getcpu());
    CHECK(CPU_COUNT(&back) == 1 && sched_getcpu() == first);
    CHECK(sched_setaffinity(0, sizeof set, &set) == 0);
    printf("restored: %d CPU(s)\n", CPU_COUNT(&set));
    fprintf(stderr, "stderr: first CPU %d\n", first);
    return 0;
}
