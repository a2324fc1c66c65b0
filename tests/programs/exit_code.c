// Feature: exit status: exit(42) after atexit handlers run and stdio is flushed.
// expect-exit: 42
#include "t.h"

static void at_exit_handler(void) { printf("atexit handler ran\n"); }

int main(void)
{
    CHECK(atexit(at_exit_handler) == 0);
    printf("pid %d exiting with 42\n", getpid());
    fprintf(stderr, "stderr: bye\n");
    exit(42);
}
