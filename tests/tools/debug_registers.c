/* Exits 0 when this machine's debug registers work: a perf execution
 * breakpoint (PERF_TYPE_BREAKPOINT) counts a call of a function.  Many
 * virtual machines accept the event and never count; gdb's hardware
 * breakpoints and watchpoints, native or on a replay, then cannot work. */
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((noinline)) static void target(void)
{
    __asm__ volatile("" ::: "memory");
}

int main(void)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_BREAKPOINT;
    a.size = sizeof a;
    a.bp_type = HW_BREAKPOINT_X;
    a.bp_addr = (uint64_t)(uintptr_t)target;
    a.bp_len = sizeof(long);
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    int fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
    target();
    uint64_t n = 0;
    return fd >= 0 && read(fd, &n, sizeof n) == sizeof n && n == 1 ? 0 : 1;
}
