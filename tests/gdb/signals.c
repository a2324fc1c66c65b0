/* Signals under gdb: a handled SIGUSR1, then a crash. */
#include <signal.h>
#include <string.h>

static volatile int handled;
static int *nowhere;

static void on_usr1(int sig)
{
    handled += sig;
}

static int crash(int depth)
{
    if (depth == 0)
        return *nowhere;
    return crash(depth - 1) + 1;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    return crash(3) + handled;
}
