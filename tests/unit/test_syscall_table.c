/* Unit test of the syscall table: names and numbers against the kernel
 * headers, row sanity, output regions (read from this process's own memory
 * through tracee_read), and strace-style formatting. */
#include <asm/unistd_64.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscalls/syscall_table.h"

static int passed, failures;

#define CHECK(cond, ...)                                          \
    do {                                                          \
        if (cond) {                                               \
            passed++;                                             \
        } else {                                                  \
            failures++;                                           \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            printf(__VA_ARGS__);                                  \
            printf("\n");                                         \
        }                                                         \
    } while (0)

#define U(p) ((uint64_t)(uintptr_t)(p))

/* ---- names and numbers ------------------------------------------------ */

#define NR(n) {__NR_##n, #n}
static const struct { long nr; const char *name; } known[] = {
    NR(read), NR(write), NR(open), NR(close), NR(stat), NR(fstat), NR(mmap),
    NR(brk), NR(rt_sigaction), NR(ioctl), NR(readv), NR(select), NR(mremap),
    NR(dup2), NR(nanosleep), NR(getpid), NR(socket), NR(accept), NR(recvmsg),
    NR(clone), NR(fork), NR(execve), NR(exit), NR(wait4), NR(kill), NR(uname),
    NR(fcntl), NR(getdents), NR(getcwd), NR(readlink), NR(gettimeofday),
    NR(ptrace), NR(sigaltstack), NR(arch_prctl), NR(prctl), NR(gettid),
    NR(futex), NR(getdents64), NR(set_tid_address), NR(restart_syscall),
    NR(clock_gettime), NR(exit_group), NR(epoll_wait), NR(tgkill),
    NR(waitid), NR(openat), NR(newfstatat), NR(pselect6), NR(ppoll),
    NR(set_robust_list), NR(pipe2), NR(prlimit64), NR(getrandom),
    NR(execveat), NR(statx), NR(rseq), NR(pidfd_send_signal),
    NR(io_uring_setup), NR(clone3), NR(close_range), NR(pidfd_getfd),
    NR(epoll_pwait2), NR(futex_waitv), NR(set_mempolicy_home_node),
};

static void test_known_names(void)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        CHECK(strcmp(syscall_name(known[i].nr), known[i].name) == 0,
              "%ld is %s, not %s", known[i].nr, syscall_name(known[i].nr), known[i].name);
        CHECK(syscall_by_name(known[i].name) == known[i].nr, "%s", known[i].name);
    }
}

/* Every __NR_ line of the installed header must have its row. */
static void test_against_header(void)
{
    static const char *paths[] = {
        "/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
        "/usr/include/asm/unistd_64.h",
    };
    FILE *f = NULL;
    for (size_t i = 0; i < 2 && !f; i++)
        f = fopen(paths[i], "r");
    if (!f) {
        printf("note: asm/unistd_64.h not found as a file; header scan skipped\n");
        return;
    }
    char line[256], name[128];
    long nr;
    int rows = 0, ok = 1;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "#define __NR_%127s %ld", name, &nr) != 2)
            continue;
        rows++;
        const struct syscall_info *si = syscall_info(nr);
        if (!si->name || strcmp(si->name, name) != 0 || syscall_by_name(name) != nr) {
            ok = 0;
            printf("FAIL header: %ld should be %s, table says %s\n", nr, name,
                   si->name ? si->name : "(no row)");
        }
    }
    fclose(f);
    CHECK(ok && rows > 300, "%d header rows", rows);
}

static void test_coverage_and_uniqueness(void)
{
    int missing = 0, dup = 0;
    for (long nr = 0; nr <= __NR_set_mempolicy_home_node; nr++) {
        int gap = nr >= 337 && nr <= 423; /* unused on x86-64 */
        const struct syscall_info *si = syscall_info(nr);
        if (gap != (si->name == NULL)) {
            missing++;
            printf("FAIL coverage: %ld %s\n", nr, si->name ? si->name : "(no row)");
        }
    }
    CHECK(missing == 0, "%d numbers without the expected row", missing);
    for (long a = 0; a < SYSCALL_TABLE_SIZE; a++)
        for (long b = a + 1; b < SYSCALL_TABLE_SIZE; b++)
            if (syscall_info(a)->name && syscall_info(b)->name &&
                strcmp(syscall_info(a)->name, syscall_info(b)->name) == 0) {
                dup++;
                printf("FAIL duplicate name %s at %ld and %ld\n", syscall_info(a)->name, a, b);
            }
    CHECK(dup == 0, "%d duplicate names", dup);
    /* Round trip for every number, with or without a row. */
    int bad = 0;
    for (long nr = 0; nr < SYSCALL_TABLE_SIZE + 8; nr++)
        if (syscall_by_name(syscall_name(nr)) != nr)
            bad++;
    CHECK(bad == 0, "%d numbers do not round-trip", bad);
}

static void test_unknown(void)
{
    long nums[] = {337, 400, 423, 511, 512, 100000, -1};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char want[32];
        snprintf(want, sizeof want, "syscall_%ld", nums[i]);
        const struct syscall_info *si = syscall_info(nums[i]);
        CHECK(si != NULL && si->name == NULL && si->kind == SYS_UNKNOWN, "%ld", nums[i]);
        CHECK(strcmp(syscall_name(nums[i]), want) == 0, "%s", syscall_name(nums[i]));
    }
    CHECK(syscall_by_name("no_such_call") == -1, "unknown name");
    CHECK(syscall_by_name("") == -1, "empty name");
    CHECK(syscall_by_name("syscall_") == -1, "syscall_");
    CHECK(syscall_by_name("syscall_12x") == -1, "syscall_12x");
    CHECK(syscall_by_name(NULL) == -1, "NULL");
    struct mem_region r[4];
    struct sys_call c = {.tid = getpid(), .nr = 400, .result = 5};
    CHECK(syscall_outputs(&c, r, 4) == 0, "unknown call has no outputs");
}

static void test_kinds(void)
{
    static const char *special[] = {"mmap", "mremap", "brk", "execve", "execveat", "clone",
        "clone3", "fork", "vfork", "exit", "exit_group", "rseq", "rt_sigreturn"};
    static const char *execute[] = {"munmap", "mprotect", "pkey_mprotect", "madvise", "mlock",
        "munlock", "mlockall", "munlockall", "mlock2", "msync", "arch_prctl",
        "set_tid_address", "set_robust_list", "rt_sigaction", "rt_sigprocmask", "sigaltstack"};
    static const char *emulate[] = {"read", "write", "open", "openat", "close", "stat",
        "fstat", "newfstatat", "statx", "socket", "connect", "pipe2", "eventfd2",
        "timerfd_create", "signalfd4", "epoll_wait", "poll", "select", "ioctl", "fcntl",
        "dup", "dup3", "wait4", "waitid", "kill", "tgkill", "tkill", "getpid", "gettid",
        "getppid", "getrandom", "clock_gettime", "nanosleep", "futex", "prctl",
        "personality", "sched_yield", "getdents64", "readlink", "uname", "lseek",
        "pread64", "access", "faccessat2", "umask", "getcwd", "sysinfo", "getrlimit"};
    static const char *unsupported[] = {"io_uring_setup", "io_uring_enter",
        "io_uring_register", "io_setup", "io_submit", "ptrace", "process_vm_readv",
        "process_vm_writev", "userfaultfd", "perf_event_open", "bpf", "shmget", "shmat",
        "shmdt", "shmctl", "pidfd_getfd", "kexec_load", "kexec_file_load", "init_module",
        "finit_module", "modify_ldt", "memfd_secret"};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++)
        CHECK(syscall_info(syscall_by_name(special[i]))->kind == SYS_SPECIAL, "%s", special[i]);
    for (size_t i = 0; i < sizeof execute / sizeof *execute; i++)
        CHECK(syscall_info(syscall_by_name(execute[i]))->kind == SYS_EXECUTE, "%s", execute[i]);
    for (size_t i = 0; i < sizeof emulate / sizeof *emulate; i++)
        CHECK(syscall_info(syscall_by_name(emulate[i]))->kind == SYS_EMULATE, "%s", emulate[i]);
    for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
        CHECK(syscall_info(syscall_by_name(unsupported[i]))->kind == SYS_UNSUPPORTED, "%s",
              unsupported[i]);
    CHECK(strcmp(syscall_name(438), "pidfd_getfd") == 0, "438 is %s", syscall_name(438));

    /* SF_WRITE_OUT on exactly the write family. */
    int wout = 0;
    for (long nr = 0; nr < SYSCALL_TABLE_SIZE; nr++)
        if (syscall_info(nr)->flags & SF_WRITE_OUT)
            wout++;
    CHECK(wout == 5, "%d rows with SF_WRITE_OUT", wout);
    static const char *writers[] = {"write", "writev", "pwrite64", "pwritev", "pwritev2"};
    for (size_t i = 0; i < 5; i++)
        CHECK(syscall_info(syscall_by_name(writers[i]))->flags & SF_WRITE_OUT, "%s", writers[i]);
    static const char *blocking[] = {"read", "readv", "recvfrom", "recvmsg", "recvmmsg",
        "accept", "accept4", "connect", "wait4", "waitid", "poll", "ppoll", "select",
        "pselect6", "epoll_wait", "epoll_pwait", "epoll_pwait2", "futex", "nanosleep",
        "clock_nanosleep", "pause", "rt_sigsuspend", "rt_sigtimedwait", "msgrcv", "semop",
        "flock", "open", "openat", "write", "writev", "sendto", "sendmsg", "sendfile",
        "splice", "tee"};
    for (size_t i = 0; i < sizeof blocking / sizeof *blocking; i++)
        CHECK(syscall_info(syscall_by_name(blocking[i]))->flags & SF_BLOCKING, "%s", blocking[i]);
    CHECK(!(syscall_info(__NR_pread64)->flags & SF_BLOCKING), "pread64");
    CHECK(!(syscall_info(__NR_getpid)->flags & SF_BLOCKING), "getpid");
    CHECK(syscall_info(__NR_read)->flags & SF_FD, "read SF_FD");
    CHECK(!(syscall_info(__NR_open)->flags & SF_FD), "open not SF_FD");
    CHECK(syscall_info(__NR_open)->flags & SF_PATH, "open SF_PATH");
    CHECK(syscall_info(__NR_kill)->flags & SF_SIGNAL, "kill SF_SIGNAL");
    CHECK(syscall_info(__NR_kill)->flags & SF_PROCESS, "kill SF_PROCESS");
    CHECK(syscall_info(__NR_mmap)->flags & SF_MEMORY, "mmap SF_MEMORY");
}

static void test_row_sanity(void)
{
    int bad = 0;
    for (long nr = 0; nr < SYSCALL_TABLE_SIZE; nr++) {
        const struct syscall_info *si = syscall_info(nr);
        if (!si->name) {
            if (si->kind != SYS_UNKNOWN || si->args || si->outputs || si->out[0].size) {
                bad++;
                printf("FAIL row %ld: nameless row has content\n", nr);
            }
            continue;
        }
        const char *why = NULL;
        if (!si->args)
            why = "no argument string";
        else if (strlen(si->args) > 6)
            why = "more than 6 arguments";
        else if (strspn(si->args, "duxfpsoS") != strlen(si->args))
            why = "undocumented argument letter";
        else if (si->kind < SYS_EMULATE || si->kind > SYS_UNSUPPORTED)
            why = "bad kind";
        else if (strspn(si->name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(si->name))
            why = "odd name";
        for (int i = 0; i < SYS_MAX_OUTS && !why; i++) {
            const struct sys_out *o = &si->out[i];
            if (o->size > OUT_IOV_RESULT ||
                (o->size != OUT_NONE && (o->arg >= strlen(si->args) || o->size_arg >= 6)))
                why = "bad out row";
            else if (o->size != OUT_NONE && si->args[o->arg] != 'p')
                why = "output argument is not a pointer";
            else if ((o->size == OUT_FIXED || o->size == OUT_RESULT_X ||
                      o->size == OUT_ARG_X) && o->bytes == 0)
                why = "output needs a byte count";
        }
        if (!why && si->kind == SYS_UNSUPPORTED && (si->outputs || si->out[0].size))
            why = "unsupported row describes outputs";
        if (why) {
            bad++;
            printf("FAIL row %ld %s: %s\n", nr, si->name, why);
        }
    }
    CHECK(bad == 0, "%d bad rows", bad);
}

/* ---- outputs -------------------------------------------------------- */

static int outs(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                uint64_t a5, int64_t result, struct mem_region *r, int max)
{
    struct sys_call c = {.tid = getpid(), .nr = nr, .args = {a0, a1, a2, a3, a4, a5},
                         .result = result};
    return syscall_outputs(&c, r, max);
}

#define HAS(r, i, a, l) ((r)[i].addr == U(a) && (r)[i].len == (uint64_t)(l))

static void test_outputs_simple(void)
{
    struct mem_region r[SYS_MAX_OUTS * 4];
    char buf[4096];
    int n = outs(__NR_read, 3, U(buf), sizeof buf, 0, 0, 0, 12, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 12), "read: n=%d", n);
    CHECK(outs(__NR_read, 3, U(buf), sizeof buf, 0, 0, 0, 0, r, 16) == 0, "read EOF");
    CHECK(outs(__NR_read, 3, U(buf), sizeof buf, 0, 0, 0, -EINTR, r, 16) == 0, "read EINTR");
    n = outs(__NR_pread64, 3, U(buf), sizeof buf, 0, 0, 0, 100, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 100), "pread64");

    struct stat st;
    n = outs(__NR_stat, U("/"), U(&st), 0, 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, &st, 144) && sizeof st == 144, "stat: n=%d", n);
    n = outs(__NR_stat, U("/x"), U(&st), 0, 0, 0, 0, -ENOENT, r, 16);
    CHECK(n == 1 && HAS(r, 0, &st, 144), "stat fixed output kept on failure");
    CHECK(outs(__NR_fstat, 1, 0, 0, 0, 0, 0, -EFAULT, r, 16) == 0, "fstat NULL");
    n = outs(__NR_newfstatat, AT_FDCWD, U("/"), U(&st), 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, &st, 144), "newfstatat");
    n = outs(__NR_statx, AT_FDCWD, U("/"), 0, 0x7ff, U(buf), 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 256), "statx");

    int status;
    char ru[144];
    n = outs(__NR_wait4, -1, U(&status), 0, U(ru), 0, 0, 1234, r, 16);
    CHECK(n == 2 && HAS(r, 0, &status, 4) && HAS(r, 1, ru, 144), "wait4: n=%d", n);
    n = outs(__NR_wait4, -1, U(&status), 0, 0, 0, 0, 1234, r, 16);
    CHECK(n == 1 && HAS(r, 0, &status, 4), "wait4 without rusage");
    n = outs(__NR_waitid, P_ALL, 0, U(buf), WEXITED, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 128), "waitid");

    char ts[16];
    n = outs(__NR_nanosleep, U(ts), U(ts), 0, 0, 0, 0, -EINTR, r, 16);
    CHECK(n == 1 && HAS(r, 0, ts, 16), "nanosleep rem on EINTR");
    n = outs(__NR_time, U(buf), 0, 0, 0, 0, 0, 1700000000, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 8), "time");
    CHECK(outs(__NR_time, 0, 0, 0, 0, 0, 0, 1700000000, r, 16) == 0, "time(NULL)");
    n = outs(__NR_pipe2, U(buf), O_CLOEXEC, 0, 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 8), "pipe2");
    n = outs(__NR_uname, U(buf), 0, 0, 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 390), "uname");
    n = outs(__NR_epoll_wait, 5, U(buf), 64, -1, 0, 0, 3, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 36) && sizeof(struct epoll_event) == 12, "epoll_wait");
    n = outs(__NR_poll, U(buf), 3, 1000, 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 24), "poll (timeout still writes revents)");
    CHECK(outs(__NR_poll, U(buf), 3, 1000, 0, 0, 0, -EINTR, r, 16) == 0, "poll EINTR");
    n = outs(__NR_rt_sigaction, SIGINT, 0, U(buf), 8, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 32), "rt_sigaction oldact");
    n = outs(__NR_rt_sigprocmask, SIG_BLOCK, 0, U(buf), 8, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 8), "rt_sigprocmask oldset");
    CHECK(outs(__NR_rt_sigprocmask, SIG_BLOCK, 0, U(buf), 9, 0, 0, -EINVAL, r, 16) == 0,
          "rt_sigprocmask EINVAL");
    n = outs(__NR_getresuid, U(buf), U(buf + 4), U(buf + 8), 0, 0, 0, 0, r, 16);
    CHECK(n == 3 && HAS(r, 2, buf + 8, 4), "getresuid");
    n = outs(__NR_getgroups, 0, U(buf), 0, 0, 0, 0, 5, r, 16);
    CHECK(n == 0, "getgroups(0, ...) only counts");
    n = outs(__NR_getgroups, 32, U(buf), 0, 0, 0, 0, 5, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 20), "getgroups");
    n = outs(__NR_getxattr, U("/"), U("user.x"), U(buf), 0, 0, 0, 10, r, 16);
    CHECK(n == 0, "getxattr size query");
    n = outs(__NR_getxattr, U("/"), U("user.x"), U(buf), 64, 0, 0, 10, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 10), "getxattr");
    n = outs(__NR_getcwd, U(buf), sizeof buf, 0, 0, 0, 0, 6, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 6), "getcwd");
    n = outs(__NR_readlinkat, AT_FDCWD, U("/x"), U(buf), 100, 0, 0, 9, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 9), "readlinkat");
    n = outs(__NR_prlimit64, 0, RLIMIT_NOFILE, 0, U(buf), 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 16), "prlimit64 old");
    n = outs(__NR_arch_prctl, 0x1003, U(buf), 0, 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 8), "arch_prctl ARCH_GET_FS");
    CHECK(outs(__NR_arch_prctl, 0x1002, U(buf), 0, 0, 0, 0, 0, r, 16) == 0, "ARCH_SET_FS");
    n = outs(__NR_prctl, PR_GET_NAME, U(buf), 0, 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 16), "prctl PR_GET_NAME");
    CHECK(outs(__NR_prctl, PR_SET_NAME, U(buf), 0, 0, 0, 0, 0, r, 16) == 0, "PR_SET_NAME");
    n = outs(__NR_prctl, PR_GET_PDEATHSIG, U(buf), 0, 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 4), "PR_GET_PDEATHSIG");
    CHECK(outs(__NR_futex, U(buf), FUTEX_WAIT_PRIVATE, 0, 0, 0, 0, 0, r, 16) == 0, "futex wait");
    n = outs(__NR_futex, U(buf), FUTEX_WAKE_OP_PRIVATE, 1, 1, U(buf + 8), 0, 1, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf + 8, 4), "futex WAKE_OP");
    n = outs(__NR_fcntl, 3, F_GETLK, U(buf), 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 32), "fcntl F_GETLK");
    CHECK(outs(__NR_fcntl, 3, F_SETFD, 1, 0, 0, 0, 0, r, 16) == 0, "fcntl F_SETFD");
    n = outs(__NR_sched_getaffinity, 0, 128, U(buf), 0, 0, 0, 8, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 8), "sched_getaffinity");
    n = outs(__NR_mincore, U(buf), 3 * 4096 + 1, U(buf + 100), 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf + 100, 4), "mincore");
}

static void test_outputs_ioctl_select(void)
{
    struct mem_region r[16];
    char buf[256];
    int n = outs(__NR_ioctl, 0, TCGETS, U(buf), 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 36), "TCGETS");
    n = outs(__NR_ioctl, 0, 0x802c542a, U(buf), 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 44), "TCGETS2");
    n = outs(__NR_ioctl, 1, TIOCGWINSZ, U(buf), 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 8), "TIOCGWINSZ");
    n = outs(__NR_ioctl, 1, FIONREAD, U(buf), 0, 0, 0, 0, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf, 4), "FIONREAD");
    CHECK(outs(__NR_ioctl, 1, TIOCGWINSZ, U(buf), 0, 0, 0, -ENOTTY, r, 16) == 0, "ENOTTY");
    CHECK(outs(__NR_ioctl, 1, FIONBIO, U(buf), 0, 0, 0, 0, r, 16) == 0, "FIONBIO");
    CHECK(outs(__NR_ioctl, 1, TCSETSW, U(buf), 0, 0, 0, 0, r, 16) == 0, "TCSETSW");
    CHECK(outs(__NR_ioctl, 1, 0x1234, U(buf), 0, 0, 0, 0, r, 16) == 0, "unknown ioctl");

    n = outs(__NR_select, 65, U(buf), 0, U(buf + 64), U(buf + 128), 0, 1, r, 16);
    CHECK(n == 3 && HAS(r, 0, buf, 16) && HAS(r, 1, buf + 64, 16) && HAS(r, 2, buf + 128, 16),
          "select: n=%d", n);
    n = outs(__NR_pselect6, 3, U(buf), 0, 0, U(buf + 128), 0, -EINTR, r, 16);
    CHECK(n == 1 && HAS(r, 0, buf + 128, 16), "pselect6 EINTR keeps the timeout");
}

static void test_outputs_iov(void)
{
    struct mem_region r[16];
    char b0[5], b2[10], b3[100];
    struct iovec iov[4] = {{b0, 5}, {NULL, 0}, {b2, 10}, {b3, 100}};
    int n = outs(__NR_readv, 3, U(iov), 4, 0, 0, 0, 12, r, 16);
    CHECK(n == 2 && HAS(r, 0, b0, 5) && HAS(r, 1, b2, 7), "readv: n=%d", n);
    n = outs(__NR_readv, 3, U(iov), 4, 0, 0, 0, 115, r, 16);
    CHECK(n == 3 && HAS(r, 2, b3, 100), "readv all");
    CHECK(outs(__NR_readv, 3, U(iov), 4, 0, 0, 0, -EAGAIN, r, 16) == 0, "readv EAGAIN");
    n = outs(__NR_preadv2, 3, U(iov), 4, 0, 0, 0, 3, r, 16);
    CHECK(n == 1 && HAS(r, 0, b0, 3), "preadv2");

    /* More regions than room: die() rather than a silent cut. */
    fflush(stdout); /* the child exits through exit(), which flushes */
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        outs(__NR_readv, 3, U(iov), 4, 0, 0, 0, 115, r, 2);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 0, "overflow must fail loudly");
}

static void test_outputs_sockets(void)
{
    struct mem_region r[16];
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0) {
        printf("FAIL socketpair: %s\n", strerror(errno));
        failures++;
        return;
    }
    /* A real recvmsg with data and an SCM_RIGHTS fd. */
    char out[] = "payload";
    int fd_to_pass = 0;
    char ctl_out[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec siov = {out, 7};
    struct msghdr sm = {.msg_iov = &siov, .msg_iovlen = 1, .msg_control = ctl_out,
                        .msg_controllen = sizeof ctl_out};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&sm);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd_to_pass, sizeof(int));
    CHECK(sendmsg(sv[0], &sm, 0) == 7, "sendmsg");

    char a[3], b[16];
    struct iovec riov[2] = {{a, 3}, {b, 16}};
    char ctl[64];
    struct sockaddr_un from;
    struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = riov,
                       .msg_iovlen = 2, .msg_control = ctl, .msg_controllen = sizeof ctl};
    ssize_t got = recvmsg(sv[1], &m, 0);
    CHECK(got == 7, "recvmsg got %zd", got);
    int n = outs(__NR_recvmsg, sv[1], U(&m), 0, 0, 0, 0, got, r, 16);
    int ok = n >= 4 && HAS(r, 0, &m, 56) && m.msg_controllen == CMSG_SPACE(sizeof(int));
    int saw_a = 0, saw_b = 0, saw_ctl = 0;
    for (int i = 0; i < n; i++) {
        saw_a |= HAS(r, i, a, 3);
        saw_b |= HAS(r, i, b, 4);
        saw_ctl |= HAS(r, i, ctl, m.msg_controllen);
    }
    CHECK(ok && saw_a && saw_b && saw_ctl, "recvmsg regions: n=%d a=%d b=%d ctl=%d", n, saw_a,
          saw_b, saw_ctl);
    int passed_fd;
    memcpy(&passed_fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof passed_fd);
    close(passed_fd);
    CHECK(outs(__NR_recvmsg, sv[1], U(&m), 0, 0, 0, 0, -EAGAIN, r, 16) == 0, "recvmsg EAGAIN");

    /* recvmmsg: two entries filled. */
    struct mmsghdr mm[3];
    memset(mm, 0, sizeof mm);
    mm[0].msg_hdr.msg_iov = &riov[0];
    mm[0].msg_hdr.msg_iovlen = 1;
    mm[0].msg_len = 2;
    mm[1].msg_hdr.msg_iov = &riov[1];
    mm[1].msg_hdr.msg_iovlen = 1;
    mm[1].msg_len = 16;
    n = outs(__NR_recvmmsg, sv[1], U(mm), 3, 0, 0, 0, 2, r, 16);
    CHECK(n == 6 && HAS(r, 0, &mm[0], 56) && HAS(r, 1, a, 2) && HAS(r, 2, &mm[0].msg_len, 8) &&
          HAS(r, 4, b, 16), "recvmmsg: n=%d", n);

    /* getsockname on a bound inet socket: the address with *addrlen. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(s >= 0 && bind(s, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    CHECK(getsockname(s, (struct sockaddr *)&ss, &len) == 0 && len == 16, "getsockname");
    n = outs(__NR_getsockname, s, U(&ss), U(&len), 0, 0, 0, 0, r, 16);
    CHECK(n == 2 && HAS(r, 0, &ss, 16) && HAS(r, 1, &len, 4), "getsockname regions n=%d", n);
    /* accept: a length larger than any address is capped. */
    len = 4000;
    n = outs(__NR_accept, s, U(&ss), U(&len), 0, 0, 0, 7, r, 16);
    CHECK(n == 2 && HAS(r, 0, &ss, 128) && HAS(r, 1, &len, 4), "accept capped n=%d", n);
    n = outs(__NR_accept4, s, 0, 0, 0, 0, 0, 7, r, 16);
    CHECK(n == 0, "accept4 without address");
    CHECK(outs(__NR_accept, s, U(&ss), U(&len), 0, 0, 0, -EAGAIN, r, 16) == 0, "accept EAGAIN");

    /* getsockopt: optval sized by *optlen after the call. */
    int type;
    socklen_t olen = sizeof type;
    CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &olen) == 0 && olen == 4, "getsockopt");
    n = outs(__NR_getsockopt, s, SOL_SOCKET, SO_TYPE, U(&type), U(&olen), 0, 0, r, 16);
    CHECK(n == 2 && HAS(r, 0, &type, 4) && HAS(r, 1, &olen, 4), "getsockopt regions n=%d", n);

    /* recvfrom: MSG_TRUNC may report more than len. */
    char rb[8];
    len = 110;
    n = outs(__NR_recvfrom, s, U(rb), sizeof rb, MSG_TRUNC, U(&ss), U(&len), 50, r, 16);
    CHECK(n == 3 && HAS(r, 0, rb, 8) && HAS(r, 1, &ss, 110) && HAS(r, 2, &len, 4),
          "recvfrom n=%d", n);
    close(s);
    close(sv[0]);
    close(sv[1]);
}

/* ---- formatting ----------------------------------------------------- */

static void fmt_is(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, int64_t res,
                   const char *want)
{
    uint64_t args[6] = {a0, a1, a2, a3, 0x55, 0x66};
    char buf[256];
    syscall_format(buf, sizeof buf, nr, args, res);
    CHECK(strcmp(buf, want) == 0, "got \"%s\", want \"%s\"", buf, want);
}

static void test_format(void)
{
    fmt_is(__NR_read, 3, 0x7ffd1234, 4096, 0, 12, "read(3, 0x7ffd1234, 4096) = 12");
    fmt_is(__NR_openat, (uint64_t)-100, 0x5000, 0x80000, 0, -ENOENT,
           "openat(-100, 0x5000, 0x80000, 0) = -2 ENOENT");
    fmt_is(__NR_kill, 1234, SIGINT, 0, 0, 0, "kill(1234, SIGINT) = 0");
    fmt_is(__NR_tgkill, 10, 11, 34, 0, -ESRCH, "tgkill(10, 11, SIGRT_2) = -3 ESRCH");
    fmt_is(__NR_chmod, 0x1000, 0644, 0, 0, -EACCES, "chmod(0x1000, 0644) = -13 EACCES");
    fmt_is(__NR_getpid, 0, 0, 0, 0, 42, "getpid() = 42");
    fmt_is(__NR_close, (uint64_t)-1, 0, 0, 0, -EBADF, "close(-1) = -9 EBADF");
    fmt_is(__NR_nanosleep, 0x1000, 0, 0, 0, -512, "nanosleep(0x1000, NULL) = -512 ERESTARTSYS");
    fmt_is(__NR_mmap, 0, 4096, 3, 0x22, 0x7f0000001000,
           "mmap(NULL, 0x1000, 0x3, 0x22, 85, 0x66) = 0x7f0000001000");
    fmt_is(__NR_lseek, 3, (uint64_t)-10, 2, 0, 100, "lseek(3, -10, 2) = 100");
    fmt_is(__NR_write, 1, 0x2000, 5, 0, -4095, "write(1, 0x2000, 5) = -4095");
    fmt_is(__NR_read, 1, 0x2000, 5, 0, -4096, "read(1, 0x2000, 5) = -4096");
    fmt_is(400, 1, 2, 3, 4, -ENOSYS, "syscall_400(0x1, 0x2, 0x3, 0x4, 0x55, 0x66) = -38 ENOSYS");
    fmt_is(__NR_pidfd_getfd, 3, 4, 0, 0, -ENOSYS, "pidfd_getfd(3, 4, 0) = -38 ENOSYS");
    /* A small buffer is cut, never overrun. */
    char small[12];
    memset(small, 'X', sizeof small);
    uint64_t args[6] = {3, 0x7ffd1234, 4096};
    syscall_format(small, 8, __NR_read, args, 12);
    CHECK(strcmp(small, "read(3,") == 0 && small[9] == 'X', "cut to \"%s\"", small);
}

int main(void)
{
    test_known_names();
    test_against_header();
    test_coverage_and_uniqueness();
    test_unknown();
    test_kinds();
    test_row_sanity();
    test_outputs_simple();
    test_outputs_ioctl_select();
    test_outputs_iov();
    test_outputs_sockets();
    test_format();
    if (failures) {
        printf("syscall_table: %d checks failed, %d passed\n", failures, passed);
        return 1;
    }
    printf("syscall_table: %d checks passed\n", passed);
    return 0;
}
