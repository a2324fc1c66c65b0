/* Watchpoints without debug registers (tracee/soft_watchpoint.h,
 * tracee/watch_pages.h) on a real tracee: a global on a page the program
 * writes around it, a local on the stack page where signal frames go, and
 * a global that is only read, beside one that is written.  Every change
 * (every read, for the access watchpoint) is reported with the right value, the kernel's writes into
 * those pages (a syscall's result, a signal frame) succeed, a signal's
 * siginfo survives the protection's changes, and the tracee runs freely:
 * it is not single-stepped, and its plain stores to a protected page are
 * made by the tracer (with the values the program reads back). */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch/hw_breakpoint.h"
#include "arch/tracee_mem.h"
#include "check.h"
#include "common/die.h"
#include "tracee/soft_breakpoint.h"
#include "tracee/soft_watchpoint.h"

#define ITERATIONS 100000

/* watched shares its page with what the loop writes more often. */
static struct {
    long watched;
    long neighbour;
    struct timespec ts;
    volatile int stored; /* plain stores: the tracer makes them */
} g __attribute__((aligned(4096)));
static long far[1024] __attribute__((aligned(4096)));
/* read_me is only read; other, beside it, is written. */
static volatile struct {
    long other;
    long read_me;
} r __attribute__((aligned(4096)));
static volatile long *local_at;
static volatile int bad_siginfo, handled;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (sig != SIGUSR1 || si->si_code != SI_TKILL || si->si_pid != getpid())
        bad_siginfo = 1;
    handled++;
    g.neighbour++;
}

__attribute__((noinline)) static int loop(volatile long *local)
{
    long sum = 0;
    for (long i = 0; i < ITERATIONS; i++) {
        far[i % 1024] += i;
        if (i % 1000 == 0)
            r.other++;
        if (i % 20000 == 0)
            sum += r.read_me;
        if (i % 1000 == 0)
            g.neighbour++;
        if (i % 100 == 0)
            g.stored = (int)i;
        if (i % 25000 == 0)
            g.watched = i + 1;
        if (i % 10000 == 0 && syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &g.ts) != 0)
            return 2; /* the kernel could not write the watched page */
        if (i % 50000 == 0) {
            raise(SIGUSR1);
            *local += 1;
        }
    }
    return bad_siginfo ? 3 : handled != 2 ? 4 : sum != 5 * 7 ? 5 : g.stored != ITERATIONS - 100 ? 6 : 0;
}

static int child(void)
{
    volatile long local = 0;
    local_at = &local;
    r.read_me = 7;
    struct sigaction sa = {.sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO};
    sigaction(SIGUSR1, &sa, NULL);
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    return loop(&local);
}

int main(void)
{
    debug_enabled = getenv("REWIND_DEBUG") != NULL;
    pid_t pid = fork();
    if (pid == 0)
        _exit(child());
    int st;
    if (!CHECK(tracee_wait(pid, &st, 0) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
               "the child did not stop"))
        return 1;
    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
    uint64_t local_addr = 0;
    tracee_read(pid, (uint64_t)(uintptr_t)&local_at, &local_addr, sizeof local_addr);
    int wg = soft_watch_open(pid, (uint64_t)(uintptr_t)&g.watched, sizeof g.watched, false, 1);
    int wl = soft_watch_open(pid, local_addr, sizeof(long), false, 1);
    int wr = soft_watch_open(pid, (uint64_t)(uintptr_t)&r.read_me, sizeof r.read_me, true, 1);
    CHECK(wg >= 0 && wl >= 0 && wr >= 0, "cannot open the watchpoints");
    uint64_t steps_before = tracee_watch_steps(), stores_before = tracee_emulated_stores();
    long seen[8];
    int nseen = 0, local_changes = 0, reads = 0, sig = 0, other = 0;
    for (;;) {
        if (tracee_resume(PTRACE_SYSCALL, pid, sig) < 0)
            break;
        sig = 0;
        if (tracee_wait(pid, &st, 0) != pid || !WIFSTOPPED(st))
            break;
        siginfo_t si;
        if (WSTOPSIG(st) == HWBP_SIGNAL && ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0) {
            long v = 0;
            if (si.si_fd == wg && nseen < 8) {
                tracee_read(pid, (uint64_t)(uintptr_t)&g.watched, &v, sizeof v);
                seen[nseen++] = v;
            } else if (si.si_fd == wl) {
                local_changes++;
            } else if (si.si_fd == wr) {
                reads++;
            }
        } else if (WSTOPSIG(st) == SIGUSR1) {
            sig = SIGUSR1;
        } else if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
            other = WSTOPSIG(st); /* a fault of the protection would show here */
            sig = other;
        }
    }
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the tracee ended with status 0x%x", st);
    CHECK(other == 0, "the tracee stopped with signal %d", other);
    CHECK(nseen == 4, "%d triggers of the global, not 4", nseen);
    for (int i = 0; i < nseen && i < 4; i++)
        CHECK(seen[i] == i * 25000 + 1, "trigger %d saw %ld", i, seen[i]);
    CHECK(local_changes == 2, "%d triggers of the local, not 2", local_changes);
    CHECK(reads == 5, "%d reads of the read-watched variable, not 5", reads);
    uint64_t steps = tracee_watch_steps() - steps_before;
    CHECK(steps < 1000, "%llu instructions single-stepped", (unsigned long long)steps);
    uint64_t stores = tracee_emulated_stores() - stores_before;
    CHECK(stores >= ITERATIONS / 100, "%llu stores made by the tracer, not the %d plain ones",
          (unsigned long long)stores, ITERATIONS / 100);
    soft_watch_close(wg);
    soft_watch_close(wl);
    soft_watch_close(wr);
    printf("soft_watch: %d checks passed (%llu steps)\n", passed, (unsigned long long)steps);
    return failed != 0;
}
