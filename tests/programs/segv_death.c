// Feature: death by SIGSEGV with no handler (the recorder exits 128 + 11).
// expect-exit: 139
#include "t.h"
#include <sys/resource.h>

int main(void)
{
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    printf("pid %d about to dereference a bad pointer\n", getpid());
    fprintf(stderr, "stderr: crashing now\n");
    fflush(NULL);
    *(volatile int *)16 = 1;
    printf("still alive?\n");
    return 0;
}
