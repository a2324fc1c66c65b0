// Feature: abort() kills the process with SIGABRT even after a handler returns.
// expect-exit: 134
#include "t.h"
#include <signal.h>
#include <sys/resource.h>

static void on_abrt(int sig)
{
    (void)sig;
    static const char msg[] = "SIGABRT handler ran and returned\n";
    write(1, msg, sizeof msg - 1);
}

int main(void)
{
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    signal(SIGABRT, on_abrt);
    printf("pid %d about to abort\n", getpid());
    fprintf(stderr, "stderr: calling abort()\n");
    fflush(NULL);
    abort();
}
