/* A watched local variable whose stack page the kernel writes too: a
 * signal mask and a sigaction read back into the same frame, a signal
 * frame pushed below it, memory mapped and unmapped between the writes. */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile int handled;

static void on_usr1(int sig)
{
    handled += sig;
}

static long work(void)
{
    long v = 0;
    sigset_t block, old;
    struct sigaction sa, prev;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    for (int i = 1; i <= 4; i++) {
        sigprocmask(SIG_BLOCK, &block, &old);
        sigaction(SIGUSR1, &sa, &prev);
        char *p = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        p[0] = (char)i;
        v += p[0] * 10;
        munmap(p, 1 << 16);
        raise(SIGUSR1);
        v += handled;
        sigprocmask(SIG_SETMASK, &old, NULL);
    }
    return v;
}

int main(void)
{
    return work() == 200 ? 0 : 1;
}
