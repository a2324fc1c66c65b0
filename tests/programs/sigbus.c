// Feature: SIGBUS from touching a file mapping past the end of the (truncated) file, handled.
#include "t.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf env;
static volatile int code;
static void *volatile addr;

static void on_bus(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    code = si->si_code;
    addr = si->si_addr;
    siglongjmp(env, 1);
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGBUS, &sa, NULL) == 0);

    char path[4096];
    int fd = mkstemp(tmp_template(path, sizeof path, "sigbus"));
    CHECK(fd >= 0);
    long pg = sysconf(_SC_PAGESIZE);
    CHECK(ftruncate(fd, pg * 2) == 0);
    volatile char *p = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    p[0] = 'a';
    p[pg] = 'b';
    printf("both pages usable: %c %c\n", p[0], p[pg]);

    CHECK(ftruncate(fd, pg / 2) == 0);
    printf("page 0 still readable after truncation: %c\n", p[0]);
    if (sigsetjmp(env, 1) == 0) {
        p[pg + 8] = 'c';
        printf("no SIGBUS?\n");
    } else {
        printf("SIGBUS past EOF: code %s, offset into the mapping %ld\n",
               code == BUS_ADRERR ? "BUS_ADRERR" : "other", (long)((char *)addr - (char *)p));
    }
    CHECK(munmap((void *)p, (size_t)pg * 2) == 0);
    close(fd);
    CHECK(unlink(path) == 0);
    fprintf(stderr, "stderr: mapping was at %p\n", (void *)p);
    return 0;
}
