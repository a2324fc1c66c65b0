#include "arch/hw_breakpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tracee/soft_breakpoint.h"
#include "tracee/soft_watchpoint.h"
#include "tracee/watch_pages.h"

static int perf_breakpoint(pid_t tid, enum hwbp_kind kind, uint64_t addr, int len,
                           uint64_t period)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_BREAKPOINT;
    a.size = sizeof a;
    a.bp_type = kind == HWBP_EXEC ? HW_BREAKPOINT_X
                : kind == HWBP_WRITE ? HW_BREAKPOINT_W : HW_BREAKPOINT_RW;
    a.bp_addr = addr;
    /* An execution breakpoint's length is the kernel's sizeof(long). */
    a.bp_len = kind == HWBP_EXEC ? sizeof(long) : (uint64_t)len;
    a.sample_period = period;
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    a.wakeup_events = 1;
    int fd = syscall(SYS_perf_event_open, &a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0 || !period)
        return fd;
    struct f_owner_ex owner = {F_OWNER_TID, tid};
    if (fcntl(fd, F_SETFL, O_ASYNC) < 0 || fcntl(fd, F_SETOWN_EX, &owner) < 0 ||
        fcntl(fd, F_SETSIG, HWBP_SIGNAL) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

__attribute__((noinline)) static void probe_target(void)
{
    __asm__ volatile("" ::: "memory");
}

bool hwbp_works(void)
{
    static int works = -1;
    if (works < 0) {
        int fd = perf_breakpoint(0, HWBP_EXEC, (uint64_t)(uintptr_t)probe_target, 0, 0);
        probe_target();
        uint64_t n = 0;
        works = fd >= 0 && read(fd, &n, sizeof n) == sizeof n && n == 1;
        if (fd >= 0)
            close(fd);
    }
    return works;
}

int hwbp_open(pid_t tid, uint64_t addr, uint64_t period)
{
    return hwbp_open_kind(tid, HWBP_EXEC, addr, sizeof(long), period);
}

int hwbp_open_kind(pid_t tid, enum hwbp_kind kind, uint64_t addr, int len, uint64_t period)
{
    if (hwbp_works())
        return perf_breakpoint(tid, kind, addr, len, period);
    if (kind == HWBP_EXEC)
        return soft_bp_open(tid, addr, period);
    /* A read is seen only by the fault of a page made inaccessible. */
    if (kind == HWBP_ACCESS && !watch_pages_can_protect(tid, addr, len)) {
        errno = ENODEV;
        return -1;
    }
    return soft_watch_open(tid, addr, len, kind == HWBP_ACCESS, period);
}

void hwbp_close(int fd)
{
    if (soft_bp_is(fd))
        soft_bp_close(fd);
    else if (soft_watch_is(fd))
        soft_watch_close(fd);
    else if (fd >= 0)
        close(fd);
}

uint64_t hwbp_read(int fd)
{
    if (soft_bp_is(fd))
        return soft_bp_read(fd);
    if (soft_watch_is(fd))
        return soft_watch_read(fd);
    uint64_t n = 0;
    if (read(fd, &n, sizeof n) != sizeof n)
        return 0;
    return n;
}

int clock_open(pid_t tid, uint64_t ns, int sig)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_SOFTWARE;
    a.size = sizeof a;
    a.config = PERF_COUNT_SW_TASK_CLOCK;
    a.sample_period = ns;
    a.disabled = 1;
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    a.wakeup_events = 1;
    int fd = syscall(SYS_perf_event_open, &a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0)
        return fd;
    struct f_owner_ex owner = {F_OWNER_TID, tid};
    if (fcntl(fd, F_SETFL, O_ASYNC) < 0 || fcntl(fd, F_SETOWN_EX, &owner) < 0 ||
        fcntl(fd, F_SETSIG, sig) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

bool perf_signalled(pid_t tid, int fd)
{
    siginfo_t si;
    return fd >= 0 && ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0 &&
           (si.si_code == POLL_IN || si.si_code == POLL_HUP) && si.si_fd == fd;
}

bool clock_start(int fd, uint64_t ns)
{
    /* Setting the period also drops what was left of the last one. */
    return ioctl(fd, PERF_EVENT_IOC_PERIOD, &ns) == 0 && ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) == 0;
}

void clock_stop(int fd)
{
    ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
}
