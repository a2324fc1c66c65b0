/* The x86-64 syscall table: one row per syscall number, supported or not,
 * so that every message can name the call.  Struct sizes are those of the
 * x86-64 kernel ABI (struct stat 144, statx 256, rusage 144, siginfo 128,
 * timespec 16, itimerspec/itimerval 32, the kernel's sigaction 32 ...).
 *
 * A row:  KIND(name, "args", flags, out rows...)  or  KINDF(name, "args",
 * flags, outputs_fn) for irregular layouts (syscall_outputs.c).  Argument
 * letters: d int, u unsigned, x hex, f fd, p pointer, s path/string, o octal
 * mode, S signal. */
#include "syscalls/syscall_table.h"

#include <asm/unistd_64.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/syscall_outputs.h"

#define OUT_FIXED_(a, n)     { .arg = (a), .size = OUT_FIXED, .bytes = (n) }
#define OUT_RES_(a)          { .arg = (a), .size = OUT_RESULT }
#define OUT_RES_X_(a, n)     { .arg = (a), .size = OUT_RESULT_X, .bytes = (n) }
#define OUT_ARG_(a, s)       { .arg = (a), .size = OUT_ARG, .size_arg = (s) }
#define OUT_ARG_X_(a, s, n)  { .arg = (a), .size = OUT_ARG_X, .size_arg = (s), .bytes = (n) }
#define OUT_LEN_(a, s)       { .arg = (a), .size = OUT_LENPTR, .size_arg = (s) }
#define OUT_IOV_(a, s)       { .arg = (a), .size = OUT_IOV_RESULT, .size_arg = (s) }

#define ROW_(nr, nm, kd, a, fl, fn, ...) \
    [nr] = { .name = nm, .args = a, .kind = kd, .flags = fl, .out = { __VA_ARGS__ }, .outputs = fn }
#define EMU(n, a, fl, ...)  ROW_(__NR_##n, #n, SYS_EMULATE, a, fl, NULL, __VA_ARGS__)
#define EMUF(n, a, fl, fn)  ROW_(__NR_##n, #n, SYS_EMULATE, a, fl, fn)
#define EXE(n, a, fl, ...)  ROW_(__NR_##n, #n, SYS_EXECUTE, a, fl, NULL, __VA_ARGS__)
#define EXEF(n, a, fl, fn)  ROW_(__NR_##n, #n, SYS_EXECUTE, a, fl, fn)
#define SPC(n, a, fl, fn)   ROW_(__NR_##n, #n, SYS_SPECIAL, a, fl, fn)
#define UNS(n, a, fl)       ROW_(__NR_##n, #n, SYS_UNSUPPORTED, a, fl, NULL)
/* Removed from (or never implemented by) the kernel: always -ENOSYS, which
 * replay can hand back like any other result. */
#define NOSYS(n, a)         ROW_(__NR_##n, #n, SYS_EMULATE, a, 0, NULL)

/* Flag groups used by many rows. */
#define FD    SF_FD
#define PATH  SF_PATH
#define FDP   (SF_FD | SF_PATH)          /* *at() calls: dirfd + path */
#define BLK   SF_BLOCKING
#define PROC  SF_PROCESS
#define SIG   SF_SIGNAL
#define MEM   SF_MEMORY
#define WOUT  SF_WRITE_OUT

/* x86-64 sizes of what the kernel writes back. */
enum {
    SZ_STAT = 144, SZ_STATX = 256, SZ_STATFS = 120, SZ_RUSAGE = 144,
    SZ_SIGINFO = 128, SZ_TIMESPEC = 16, SZ_TIMEVAL = 16, SZ_ITIMER = 32,
    SZ_KSIGACTION = 32, SZ_STACK_T = 24, SZ_UTSNAME = 390, SZ_SYSINFO = 112,
    SZ_TMS = 32, SZ_RLIMIT = 16, SZ_TIMEX = 208, SZ_MQ_ATTR = 64,
    SZ_EPOLL_EVENT = 12, SZ_POLLFD = 8, SZ_MMSGHDR = 64, SZ_CACHESTAT = 40,
};

static const struct syscall_info table[SYSCALL_TABLE_SIZE] = {
    EMU(read,                "fpu",    FD | BLK, OUT_RES_(1)),
    EMU(write,               "fpu",    FD | BLK | WOUT),
    EMU(open,                "sxo",    PATH | BLK),
    EMU(close,               "f",      FD),
    EMU(stat,                "sp",     PATH, OUT_FIXED_(1, SZ_STAT)),
    EMU(fstat,               "fp",     FD, OUT_FIXED_(1, SZ_STAT)),
    EMU(lstat,               "sp",     PATH, OUT_FIXED_(1, SZ_STAT)),
    /* int poll(struct pollfd *fds, nfds_t nfds, int timeout): revents */
    EMU(poll,                "pud",    BLK, OUT_ARG_X_(0, 1, SZ_POLLFD)),
    EMU(lseek,               "fdd",    FD),
    SPC(mmap,                "pxxxfx", MEM, NULL),
    EXE(mprotect,            "pxx",    MEM),
    EXE(munmap,              "px",     MEM),
    SPC(brk,                 "p",      MEM, NULL),
    /* int rt_sigaction(int sig, const struct k_sigaction *act,
     *                  struct k_sigaction *oldact, size_t sigsetsize) */
    EXE(rt_sigaction,        "Sppu",   SIG, OUT_FIXED_(2, SZ_KSIGACTION)),
    /* int rt_sigprocmask(int how, const sigset_t *set, sigset_t *oldset, size_t sigsetsize) */
    EXE(rt_sigprocmask,      "dppu",   SIG, OUT_ARG_(2, 3)),
    SPC(rt_sigreturn,        "",       SIG, NULL),
    EMUF(ioctl,              "fxp",    FD, outputs_ioctl),
    EMU(pread64,             "fpud",   FD, OUT_RES_(1)),
    EMU(pwrite64,            "fpud",   FD | WOUT),
    EMU(readv,               "fpd",    FD | BLK, OUT_IOV_(1, 2)),
    EMU(writev,              "fpd",    FD | BLK | WOUT),
    EMU(access,              "sx",     PATH),
    EMU(pipe,                "p",      0, OUT_FIXED_(0, 8)),
    /* int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *timeout) */
    EMUF(select,             "dpppp",  BLK, outputs_select),
    EMU(sched_yield,         "",       0),
    SPC(mremap,              "pxxxp",  MEM, NULL),
    EXE(msync,               "pxx",    MEM),
    /* int mincore(void *addr, size_t len, unsigned char *vec): one byte a page */
    EMUF(mincore,            "pxp",    0, outputs_mincore),
    EXE(madvise,             "pxd",    MEM),
    UNS(shmget,              "dux",    0),
    UNS(shmat,               "dpx",    MEM),
    UNS(shmctl,              "ddp",    0),
    EMU(dup,                 "f",      FD),
    EMU(dup2,                "ff",     FD),
    EMU(pause,               "",       SIG | BLK),
    /* int nanosleep(const struct timespec *req, struct timespec *rem) */
    EMU(nanosleep,           "pp",     BLK, OUT_FIXED_(1, SZ_TIMESPEC)),
    EMU(getitimer,           "dp",     0, OUT_FIXED_(1, SZ_ITIMER)),
    EMU(alarm,               "u",      SIG),
    EMU(setitimer,           "dpp",    0, OUT_FIXED_(2, SZ_ITIMER)),
    EMU(getpid,              "",       0),
    /* ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count) */
    EMU(sendfile,            "ffpu",   FD | BLK, OUT_FIXED_(2, 8)),
    EMU(socket,              "ddd",    0),
    EMU(connect,             "fpu",    FD | BLK),
    /* int accept(int fd, struct sockaddr *addr, socklen_t *addrlen) */
    EMUF(accept,             "fpp",    FD | BLK, outputs_sockaddr),
    EMU(sendto,              "fpuxpu", FD | BLK),
    /* ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
     *                  struct sockaddr *src, socklen_t *addrlen) */
    EMUF(recvfrom,           "fpuxpp", FD | BLK, outputs_recvfrom),
    EMU(sendmsg,             "fpx",    FD | BLK),
    /* ssize_t recvmsg(int fd, struct msghdr *msg, int flags) */
    EMUF(recvmsg,            "fpx",    FD | BLK, outputs_recvmsg),
    EMU(shutdown,            "fd",     FD),
    EMU(bind,                "fpu",    FD),
    EMU(listen,              "fd",     FD),
    EMUF(getsockname,        "fpp",    FD, outputs_sockaddr),
    EMUF(getpeername,        "fpp",    FD, outputs_sockaddr),
    EMU(socketpair,          "dddp",   0, OUT_FIXED_(3, 8)),
    EMU(setsockopt,          "fddpu",  FD),
    /* int getsockopt(int fd, int level, int name, void *optval, socklen_t *optlen) */
    EMU(getsockopt,          "fddpp",  FD, OUT_LEN_(3, 4), OUT_FIXED_(4, 4)),
    /* long clone(unsigned long flags, void *stack, int *parent_tid, int *child_tid, unsigned long tls) */
    SPC(clone,               "xpppp",  PROC, outputs_clone),
    SPC(fork,                "",       PROC, NULL),
    SPC(vfork,               "",       PROC, NULL),
    SPC(execve,              "spp",    PATH | PROC, NULL),
    SPC(exit,                "d",      PROC, NULL),
    /* pid_t wait4(pid_t pid, int *status, int options, struct rusage *rusage) */
    EMU(wait4,               "dpxp",   PROC | BLK, OUT_FIXED_(1, 4), OUT_FIXED_(3, SZ_RUSAGE)),
    EMU(kill,                "dS",     PROC | SIG),
    EMU(uname,               "p",      0, OUT_FIXED_(0, SZ_UTSNAME)),
    /* System V IPC lives outside the recorded processes. */
    UNS(semget,              "ddx",    0),
    UNS(semop,               "dpu",    BLK),
    UNS(semctl,              "dddx",   0),
    UNS(shmdt,               "p",      MEM),
    UNS(msgget,              "dx",     0),
    UNS(msgsnd,              "dpux",   BLK),
    UNS(msgrcv,              "dpudx",  BLK),
    UNS(msgctl,              "ddp",    0),
    /* int fcntl(int fd, int cmd, ...): F_GETLK writes a struct flock;
     * F_SETLKW blocks */
    EMUF(fcntl,              "fdx",    FD | BLK, outputs_fcntl),
    EMU(flock,               "fd",     FD | BLK),
    EMU(fsync,               "f",      FD),
    EMU(fdatasync,           "f",      FD),
    EMU(truncate,            "sd",     PATH),
    EMU(ftruncate,           "fd",     FD),
    EMU(getdents,            "fpu",    FD, OUT_RES_(1)),
    /* int getcwd(char *buf, size_t size): returns the length with the NUL */
    EMU(getcwd,              "pu",     0, OUT_RES_(0)),
    EMU(chdir,               "s",      PATH),
    EMU(fchdir,              "f",      FD),
    EMU(rename,              "ss",     PATH),
    EMU(mkdir,               "so",     PATH),
    EMU(rmdir,               "s",      PATH),
    EMU(creat,               "so",     PATH | BLK),
    EMU(link,                "ss",     PATH),
    EMU(unlink,              "s",      PATH),
    EMU(symlink,             "ss",     PATH),
    EMU(readlink,            "spu",    PATH, OUT_RES_(1)),
    EMU(chmod,               "so",     PATH),
    EMU(fchmod,              "fo",     FD),
    EMU(chown,               "sdd",    PATH),
    EMU(fchown,              "fdd",    FD),
    EMU(lchown,              "sdd",    PATH),
    EMU(umask,               "o",      0),
    /* int gettimeofday(struct timeval *tv, struct timezone *tz) */
    EMU(gettimeofday,        "pp",     0, OUT_FIXED_(0, SZ_TIMEVAL), OUT_FIXED_(1, 8)),
    EMU(getrlimit,           "dp",     0, OUT_FIXED_(1, SZ_RLIMIT)),
    EMU(getrusage,           "dp",     0, OUT_FIXED_(1, SZ_RUSAGE)),
    EMU(sysinfo,             "p",      0, OUT_FIXED_(0, SZ_SYSINFO)),
    EMU(times,               "p",      0, OUT_FIXED_(0, SZ_TMS)),
    UNS(ptrace,              "ddpp",   PROC),
    EMU(getuid,              "",       0),
    /* int syslog(int type, char *buf, int len): READ* types fill buf */
    EMUF(syslog,             "dpd",    BLK, outputs_syslog),
    EMU(getgid,              "",       0),
    EMU(setuid,              "d",      0),
    EMU(setgid,              "d",      0),
    EMU(geteuid,             "",       0),
    EMU(getegid,             "",       0),
    EMU(setpgid,             "dd",     PROC),
    EMU(getppid,             "",       0),
    EMU(getpgrp,             "",       0),
    EMU(setsid,              "",       0),
    EMU(setreuid,            "dd",     0),
    EMU(setregid,            "dd",     0),
    /* int getgroups(int size, gid_t *list): size 0 only counts */
    EMUF(getgroups,          "dp",     0, outputs_getgroups),
    EMU(setgroups,           "dp",     0),
    EMU(setresuid,           "ddd",    0),
    EMU(getresuid,           "ppp",    0, OUT_FIXED_(0, 4), OUT_FIXED_(1, 4), OUT_FIXED_(2, 4)),
    EMU(setresgid,           "ddd",    0),
    EMU(getresgid,           "ppp",    0, OUT_FIXED_(0, 4), OUT_FIXED_(1, 4), OUT_FIXED_(2, 4)),
    EMU(getpgid,             "d",      PROC),
    EMU(setfsuid,            "d",      0),
    EMU(setfsgid,            "d",      0),
    EMU(getsid,              "d",      PROC),
    /* int capget(cap_user_header_t hdr, cap_user_data_t data) */
    EMUF(capget,             "pp",     0, outputs_capget),
    EMU(capset,              "pp",     0),
    EMU(rt_sigpending,       "pu",     SIG, OUT_ARG_(0, 1)),
    /* int rt_sigtimedwait(const sigset_t *set, siginfo_t *info,
     *                     const struct timespec *timeout, size_t sigsetsize) */
    EMU(rt_sigtimedwait,     "pppu",   SIG | BLK, OUT_FIXED_(1, SZ_SIGINFO)),
    EMU(rt_sigqueueinfo,     "dSp",    PROC | SIG),
    EMU(rt_sigsuspend,       "pu",     SIG | BLK),
    /* int sigaltstack(const stack_t *ss, stack_t *old_ss) */
    EXE(sigaltstack,         "pp",     SIG, OUT_FIXED_(1, SZ_STACK_T)),
    EMU(utime,               "sp",     PATH),
    EMU(mknod,               "sox",    PATH),
    UNS(uselib,              "s",      PATH | MEM),
    EMU(personality,         "x",      0),
    UNS(ustat,               "xp",     0),
    EMU(statfs,              "sp",     PATH, OUT_FIXED_(1, SZ_STATFS)),
    EMU(fstatfs,             "fp",     FD, OUT_FIXED_(1, SZ_STATFS)),
    UNS(sysfs,               "dxx",    0),
    EMU(getpriority,         "dd",     0),
    EMU(setpriority,         "ddd",    0),
    EMU(sched_setparam,      "dp",     0),
    EMU(sched_getparam,      "dp",     0, OUT_FIXED_(1, 4)),
    EMU(sched_setscheduler,  "ddp",    0),
    EMU(sched_getscheduler,  "d",      0),
    EMU(sched_get_priority_max, "d",   0),
    EMU(sched_get_priority_min, "d",   0),
    EMU(sched_rr_get_interval, "dp",   0, OUT_FIXED_(1, SZ_TIMESPEC)),
    EXE(mlock,               "px",     MEM),
    EXE(munlock,             "px",     MEM),
    EXE(mlockall,            "x",      MEM),
    EXE(munlockall,          "",       MEM),
    UNS(vhangup,             "",       0),
    UNS(modify_ldt,          "dpu",    MEM),
    UNS(pivot_root,          "ss",     PATH),
    NOSYS(_sysctl,           "p"),
    /* int prctl(int option, unsigned long arg2, ...): PR_GET_NAME & co. */
    EMUF(prctl,              "dxxxx",  0, outputs_prctl),
    /* int arch_prctl(int code, unsigned long addr): ARCH_GET_FS writes *addr */
    EXEF(arch_prctl,         "xp",     0, outputs_arch_prctl),
    EMU(adjtimex,            "p",      0, OUT_FIXED_(0, SZ_TIMEX)),
    /* Executed: the limits change what the kernel does (stack growth, ...). */
    EXE(setrlimit,           "dp",     0),
    EMU(chroot,              "s",      PATH),
    EMU(sync,                "",       0),
    EMU(acct,                "s",      PATH),
    EMU(settimeofday,        "pp",     0),
    UNS(mount,               "sssxp",  PATH),
    UNS(umount2,             "sx",     PATH),
    UNS(swapon,              "sx",     PATH),
    UNS(swapoff,             "s",      PATH),
    UNS(reboot,              "xxxp",   0),
    EMU(sethostname,         "pu",     0),
    EMU(setdomainname,       "pu",     0),
    UNS(iopl,                "d",      0),
    UNS(ioperm,              "xxd",    0),
    NOSYS(create_module,     "su"),
    UNS(init_module,         "pus",    0),
    UNS(delete_module,       "sx",     0),
    NOSYS(get_kernel_syms,   "p"),
    NOSYS(query_module,      "sdpup"),
    UNS(quotactl,            "xsdp",   PATH),
    NOSYS(nfsservctl,        "dpp"),
    NOSYS(getpmsg,           "fppp"),
    NOSYS(putpmsg,           "fppd"),
    NOSYS(afs_syscall,       ""),
    NOSYS(tuxcall,           ""),
    NOSYS(security,          ""),
    EMU(gettid,              "",       0),
    EMU(readahead,           "fdu",    FD),
    EMU(setxattr,            "sspux",  PATH),
    EMU(lsetxattr,           "sspux",  PATH),
    EMU(fsetxattr,           "fspux",  FD),
    /* ssize_t getxattr(const char *path, const char *name, void *value, size_t size) */
    EMUF(getxattr,           "sspu",   PATH, outputs_xattr),
    EMUF(lgetxattr,          "sspu",   PATH, outputs_xattr),
    EMUF(fgetxattr,          "fspu",   FD, outputs_xattr),
    /* ssize_t listxattr(const char *path, char *list, size_t size) */
    EMUF(listxattr,          "spu",    PATH, outputs_xattr),
    EMUF(llistxattr,         "spu",    PATH, outputs_xattr),
    EMUF(flistxattr,         "fpu",    FD, outputs_xattr),
    EMU(removexattr,         "ss",     PATH),
    EMU(lremovexattr,        "ss",     PATH),
    EMU(fremovexattr,        "fs",     FD),
    EMU(tkill,               "dS",     PROC | SIG),
    /* time_t time(time_t *tloc) */
    EMU(time,                "p",      0, OUT_FIXED_(0, 8)),
    /* long futex(u32 *uaddr, int op, u32 val, const struct timespec *timeout,
     *            u32 *uaddr2, u32 val3): only the PI and WAKE_OP ops write */
    EMUF(futex,              "pxuppx", BLK, outputs_futex),
    EMU(sched_setaffinity,   "dup",    0),
    /* int sched_getaffinity(pid_t pid, size_t len, cpu_set_t *mask): returns bytes */
    EMU(sched_getaffinity,   "dup",    0, OUT_RES_(2)),
    UNS(set_thread_area,     "p",      0),
    UNS(io_setup,            "up",     0),
    UNS(io_destroy,          "x",      0),
    UNS(io_getevents,        "xddpp",  BLK),
    UNS(io_submit,           "xdp",    0),
    UNS(io_cancel,           "xpp",    0),
    UNS(get_thread_area,     "p",      0),
    EMU(lookup_dcookie,      "xpu",    0, OUT_RES_(1)),
    EMU(epoll_create,        "d",      0),
    NOSYS(epoll_ctl_old,     "fdfp"),
    NOSYS(epoll_wait_old,    "fpdd"),
    UNS(remap_file_pages,    "pxxxx",  MEM),
    EMU(getdents64,          "fpu",    FD, OUT_RES_(1)),
    EXE(set_tid_address,     "p",      0),
    /* Continues an interrupted call (nanosleep, poll, futex ...) whose
     * outputs are the original call's: record/replay must remember it. */
    SPC(restart_syscall,     "",       BLK, NULL),
    UNS(semtimedop,          "dpup",   BLK),
    EMU(fadvise64,           "fddd",   FD),
    /* int timer_create(clockid_t clk, struct sigevent *sevp, timer_t *timerid) */
    EMU(timer_create,        "dpp",    0, OUT_FIXED_(2, 4)),
    EMU(timer_settime,       "dxpp",   0, OUT_FIXED_(3, SZ_ITIMER)),
    EMU(timer_gettime,       "dp",     0, OUT_FIXED_(1, SZ_ITIMER)),
    EMU(timer_getoverrun,    "d",      0),
    EMU(timer_delete,        "d",      0),
    EMU(clock_settime,       "dp",     0),
    EMU(clock_gettime,       "dp",     0, OUT_FIXED_(1, SZ_TIMESPEC)),
    EMU(clock_getres,        "dp",     0, OUT_FIXED_(1, SZ_TIMESPEC)),
    /* int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
     *                     struct timespec *rem) */
    EMU(clock_nanosleep,     "dxpp",   BLK, OUT_FIXED_(3, SZ_TIMESPEC)),
    SPC(exit_group,          "d",      PROC, NULL),
    /* int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout):
     * struct epoll_event is packed, 12 bytes */
    EMU(epoll_wait,          "fpdd",   FD | BLK, OUT_RES_X_(1, SZ_EPOLL_EVENT)),
    EMU(epoll_ctl,           "fdfp",   FD),
    EMU(tgkill,              "ddS",    PROC | SIG),
    EMU(utimes,              "sp",     PATH),
    NOSYS(vserver,           ""),
    EMU(mbind,               "pxdpux", 0),
    EMU(set_mempolicy,       "dpu",    0),
    /* long get_mempolicy(int *mode, unsigned long *nodemask, unsigned long maxnode,
     *                    void *addr, unsigned long flags) */
    EMUF(get_mempolicy,      "ppupx",  0, outputs_get_mempolicy),
    EMU(mq_open,             "sxop",   0),
    EMU(mq_unlink,           "s",      0),
    EMU(mq_timedsend,        "fpuup",  FD | BLK),
    /* ssize_t mq_timedreceive(mqd_t mq, char *msg, size_t len, unsigned *prio,
     *                         const struct timespec *timeout) */
    EMU(mq_timedreceive,     "fpupp",  FD | BLK, OUT_RES_(1), OUT_FIXED_(3, 4)),
    EMU(mq_notify,           "fp",     FD),
    EMU(mq_getsetattr,       "fpp",    FD, OUT_FIXED_(2, SZ_MQ_ATTR)),
    UNS(kexec_load,          "xupx",   0),
    /* int waitid(idtype_t type, id_t id, siginfo_t *info, int options, struct rusage *ru) */
    EMU(waitid,              "ddpxp",  PROC | BLK, OUT_FIXED_(2, SZ_SIGINFO), OUT_FIXED_(4, SZ_RUSAGE)),
    UNS(add_key,             "sspud",  0),
    UNS(request_key,         "sssd",   0),
    UNS(keyctl,              "dxxxx",  0),
    EMU(ioprio_set,          "ddd",    0),
    EMU(ioprio_get,          "dd",     0),
    EMU(inotify_init,        "",       0),
    EMU(inotify_add_watch,   "fsx",    FDP),
    EMU(inotify_rm_watch,    "fd",     FD),
    EMU(migrate_pages,       "dupp",   0),
    EMU(openat,              "fsxo",   FDP | BLK),
    EMU(mkdirat,             "fso",    FDP),
    EMU(mknodat,             "fsox",   FDP),
    EMU(fchownat,            "fsddx",  FDP),
    EMU(futimesat,           "fsp",    FDP),
    /* int newfstatat(int dirfd, const char *path, struct stat *st, int flags) */
    EMU(newfstatat,          "fspx",   FDP, OUT_FIXED_(2, SZ_STAT)),
    EMU(unlinkat,            "fsx",    FDP),
    EMU(renameat,            "fsfs",   FDP),
    EMU(linkat,              "fsfsx",  FDP),
    EMU(symlinkat,           "sfs",    PATH),
    EMU(readlinkat,          "fspu",   FDP, OUT_RES_(2)),
    EMU(fchmodat,            "fso",    FDP),
    EMU(faccessat,           "fsx",    FDP),
    /* int pselect6(int nfds, fd_set *r, fd_set *w, fd_set *e,
     *              struct timespec *timeout, const void *sigmask_and_size) */
    EMUF(pselect6,           "dppppp", BLK | SIG, outputs_select),
    /* int ppoll(struct pollfd *fds, nfds_t nfds, struct timespec *tmo,
     *           const sigset_t *mask, size_t sigsetsize): revents, remaining time */
    EMU(ppoll,               "puppu",  BLK | SIG, OUT_ARG_X_(0, 1, SZ_POLLFD), OUT_FIXED_(2, SZ_TIMESPEC)),
    UNS(unshare,             "x",      0),
    EXE(set_robust_list,     "pu",     0),
    /* long get_robust_list(int pid, struct robust_list_head **head, size_t *len) */
    EMU(get_robust_list,     "dpp",    0, OUT_FIXED_(1, 8), OUT_FIXED_(2, 8)),
    /* ssize_t splice(int in, loff_t *off_in, int out, loff_t *off_out, size_t len, unsigned flags) */
    EMU(splice,              "fpfpux", FD | BLK, OUT_FIXED_(1, 8), OUT_FIXED_(3, 8)),
    EMU(tee,                 "ffux",   FD | BLK),
    EMU(sync_file_range,     "fddx",   FD),
    /* ssize_t vmsplice(int fd, const struct iovec *iov, size_t n, unsigned flags):
     * from a pipe's read end it fills the iovecs */
    EMU(vmsplice,            "fpux",   FD | BLK, OUT_IOV_(1, 2)),
    /* long move_pages(int pid, unsigned long count, void **pages, const int *nodes,
     *                 int *status, int flags) */
    EMU(move_pages,          "dupppx", 0, OUT_ARG_X_(4, 1, 4)),
    EMU(utimensat,           "fspx",   FDP),
    EMU(epoll_pwait,         "fpddpu", FD | BLK | SIG, OUT_RES_X_(1, SZ_EPOLL_EVENT)),
    EMU(signalfd,            "fpu",    FD | SIG),
    EMU(timerfd_create,      "dx",     0),
    EMU(eventfd,             "u",      0),
    EMU(fallocate,           "fxdd",   FD),
    /* int timerfd_settime(int fd, int flags, const struct itimerspec *new,
     *                     struct itimerspec *old) */
    EMU(timerfd_settime,     "fxpp",   FD, OUT_FIXED_(3, SZ_ITIMER)),
    EMU(timerfd_gettime,     "fp",     FD, OUT_FIXED_(1, SZ_ITIMER)),
    EMUF(accept4,            "fppx",   FD | BLK, outputs_sockaddr),
    EMU(signalfd4,           "fpux",   FD | SIG),
    EMU(eventfd2,            "ux",     0),
    EMU(epoll_create1,       "x",      0),
    EMU(dup3,                "ffx",    FD),
    EMU(pipe2,               "px",     0, OUT_FIXED_(0, 8)),
    EMU(inotify_init1,       "x",      0),
    /* ssize_t preadv(int fd, const struct iovec *iov, int n, off_t pos_l, pos_h) */
    EMU(preadv,              "fpdd",   FD, OUT_IOV_(1, 2)),
    EMU(pwritev,             "fpdd",   FD | WOUT),
    EMU(rt_tgsigqueueinfo,   "ddSp",   PROC | SIG),
    UNS(perf_event_open,     "pddfx",  0),
    /* int recvmmsg(int fd, struct mmsghdr *vec, unsigned n, int flags,
     *              struct timespec *timeout) */
    EMUF(recvmmsg,           "fpuxp",  FD | BLK, outputs_recvmmsg),
    EMU(fanotify_init,       "xx",     0),
    EMU(fanotify_mark,       "fxxfs",  FDP),
    /* int prlimit64(pid_t pid, int res, const struct rlimit *new, struct rlimit *old) */
    EXE(prlimit64,           "ddpp",   PROC, OUT_FIXED_(3, SZ_RLIMIT)),
    /* int name_to_handle_at(int dirfd, const char *path, struct file_handle *h,
     *                       int *mount_id, int flags) */
    EMUF(name_to_handle_at,  "fsppx",  FDP, outputs_name_to_handle_at),
    EMU(open_by_handle_at,   "fpx",    FD | BLK),
    EMU(clock_adjtime,       "dp",     0, OUT_FIXED_(1, SZ_TIMEX)),
    EMU(syncfs,              "f",      FD),
    /* int sendmmsg(int fd, struct mmsghdr *vec, unsigned n, int flags):
     * sets msg_len in the first `result` entries */
    EMU(sendmmsg,            "fpux",   FD | BLK, OUT_RES_X_(1, SZ_MMSGHDR)),
    UNS(setns,               "fx",     FD),
    /* int getcpu(unsigned *cpu, unsigned *node, void *unused) */
    EMU(getcpu,              "ppp",    0, OUT_FIXED_(0, 4), OUT_FIXED_(1, 4)),
    UNS(process_vm_readv,    "dpupux", PROC),
    UNS(process_vm_writev,   "dpupux", PROC),
    UNS(kcmp,                "ddduu",  PROC),
    UNS(finit_module,        "fsx",    FD),
    EMU(sched_setattr,       "dpx",    0),
    /* int sched_getattr(pid_t pid, struct sched_attr *attr, unsigned size, unsigned flags) */
    EMU(sched_getattr,       "dpux",   0, OUT_ARG_(1, 2)),
    EMU(renameat2,           "fsfsx",  FDP),
    UNS(seccomp,             "dxp",    0),
    EMU(getrandom,           "pux",    0, OUT_RES_(0)),
    EMU(memfd_create,        "sx",     0),
    UNS(kexec_file_load,     "ffusx",  FD),
    UNS(bpf,                 "dpu",    0),
    SPC(execveat,            "fsppx",  FDP | PROC, NULL),
    UNS(userfaultfd,         "x",      0),
    EMU(membarrier,          "xxd",    0),
    EXE(mlock2,              "pxx",    MEM),
    /* ssize_t copy_file_range(int in, loff_t *off_in, int out, loff_t *off_out,
     *                         size_t len, unsigned flags) */
    EMU(copy_file_range,     "fpfpux", FD, OUT_FIXED_(1, 8), OUT_FIXED_(3, 8)),
    /* preadv2/pwritev2 with offset -1 use the file position, so pipes can block */
    EMU(preadv2,             "fpdddx", FD | BLK, OUT_IOV_(1, 2)),
    EMU(pwritev2,            "fpdddx", FD | BLK | WOUT),
    EXE(pkey_mprotect,       "pxxd",   MEM),
    EXE(pkey_alloc,          "xx",     MEM),
    EXE(pkey_free,           "d",      MEM),
    /* int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf) */
    EMU(statx,               "fsxxp",  FDP, OUT_FIXED_(4, SZ_STATX)),
    UNS(io_pgetevents,       "xddppp", BLK),
    SPC(rseq,                "puxx",   0, NULL),
    /* 335, 336: newer than this machine's headers; entered only from
     * kernel-made uprobe trampolines. */
    ROW_(335, "uretprobe", SYS_UNSUPPORTED, "", 0, NULL),
    ROW_(336, "uprobe",    SYS_UNSUPPORTED, "", 0, NULL),
    /* 337..423 are unused on x86-64. */
    EMU(pidfd_send_signal,   "fSpx",   FD | PROC | SIG),
    UNS(io_uring_setup,      "up",     0),
    UNS(io_uring_enter,      "fuuxpu", FD | BLK),
    UNS(io_uring_register,   "fupu",   FD),
    UNS(open_tree,           "fsx",    FDP),
    UNS(move_mount,          "fsfsx",  FDP),
    UNS(fsopen,              "sx",     0),
    UNS(fsconfig,            "fdspd",  FD),
    UNS(fsmount,             "fxx",    FD),
    UNS(fspick,              "fsx",    FDP),
    EMU(pidfd_open,          "dx",     PROC),
    /* long clone3(struct clone_args *args, size_t size) */
    SPC(clone3,              "pu",     PROC, outputs_clone3),
    EMU(close_range,         "fux",    FD),
    EMU(openat2,             "fspu",   FDP | BLK),
    UNS(pidfd_getfd,         "ffx",    FD | PROC),
    EMU(faccessat2,          "fsxx",   FDP),
    UNS(process_madvise,     "fpudx",  FD | PROC),
    /* int epoll_pwait2(int epfd, struct epoll_event *ev, int max,
     *                  const struct timespec *timeout, const sigset_t *mask, size_t size) */
    EMU(epoll_pwait2,        "fpdppu", FD | BLK | SIG, OUT_RES_X_(1, SZ_EPOLL_EVENT)),
    UNS(mount_setattr,       "fsxpu",  FDP),
    UNS(quotactl_fd,         "fxdp",   FD),
    EMU(landlock_create_ruleset, "pux", 0),
    EMU(landlock_add_rule,   "fdpx",   FD),
    EMU(landlock_restrict_self, "fx",  FD),
    UNS(memfd_secret,        "x",      0),
    UNS(process_mrelease,    "fx",     FD | PROC),
    EMU(futex_waitv,         "puxpd",  BLK),
    EMU(set_mempolicy_home_node, "pxux", 0),
    /* Newer than this machine's headers (Linux 6.5 .. 6.18). */
    /* int cachestat(int fd, struct cachestat_range *range, struct cachestat *cs, unsigned flags) */
    ROW_(451, "cachestat",       SYS_EMULATE,     "fppx",   FD, NULL, OUT_FIXED_(2, SZ_CACHESTAT)),
    ROW_(452, "fchmodat2",       SYS_EMULATE,     "fsox",   FDP, NULL),
    ROW_(453, "map_shadow_stack", SYS_UNSUPPORTED, "pxx",   MEM, NULL),
    ROW_(454, "futex_wake",      SYS_EMULATE,     "pxdx",   0, NULL),
    ROW_(455, "futex_wait",      SYS_EMULATE,     "pxxxpd", BLK, NULL),
    ROW_(456, "futex_requeue",   SYS_EMULATE,     "pxdd",   0, NULL),
    ROW_(457, "statmount",       SYS_UNSUPPORTED, "ppux",   0, NULL),
    ROW_(458, "listmount",       SYS_UNSUPPORTED, "ppux",   0, NULL),
    ROW_(459, "lsm_get_self_attr", SYS_UNSUPPORTED, "dppx", 0, NULL),
    ROW_(460, "lsm_set_self_attr", SYS_UNSUPPORTED, "dpux", 0, NULL),
    ROW_(461, "lsm_list_modules", SYS_UNSUPPORTED, "ppx",   0, NULL),
    ROW_(462, "mseal",           SYS_EXECUTE,     "pxx",    MEM, NULL),
    ROW_(463, "setxattrat",      SYS_EMULATE,     "fsxspu", FDP, NULL),
    ROW_(464, "getxattrat",      SYS_UNSUPPORTED, "fsxspu", FDP, NULL),
    /* ssize_t listxattrat(int dirfd, const char *path, unsigned at_flags,
     *                     char *list, size_t size) */
    ROW_(465, "listxattrat",     SYS_EMULATE,     "fsxpu",  FDP, outputs_xattr),
    ROW_(466, "removexattrat",   SYS_EMULATE,     "fsxs",   FDP, NULL),
    ROW_(467, "open_tree_attr",  SYS_UNSUPPORTED, "fsxpu",  FDP, NULL),
    ROW_(468, "file_getattr",    SYS_UNSUPPORTED, "fspux",  FDP, NULL),
    ROW_(469, "file_setattr",    SYS_UNSUPPORTED, "fspux",  FDP, NULL),
    ROW_(470, "listns",          SYS_UNSUPPORTED, "ppux",   0, NULL),
};

_Static_assert(__NR_set_mempolicy_home_node < SYSCALL_TABLE_SIZE, "table too small");

static const struct syscall_info no_row; /* name NULL, kind SYS_UNKNOWN */

const struct syscall_info *syscall_info(long nr)
{
    if (nr < 0 || nr >= SYSCALL_TABLE_SIZE)
        return &no_row;
    return &table[nr];
}

const char *syscall_name(long nr)
{
    static _Thread_local char buf[32];
    const struct syscall_info *si = syscall_info(nr);
    if (si->name)
        return si->name;
    snprintf(buf, sizeof buf, "syscall_%ld", nr);
    return buf;
}

long syscall_by_name(const char *name)
{
    if (!name)
        return -1;
    for (long nr = 0; nr < SYSCALL_TABLE_SIZE; nr++)
        if (table[nr].name && strcmp(table[nr].name, name) == 0)
            return nr;
    /* The inverse of syscall_name() for numbers without a row. */
    if (strncmp(name, "syscall_", 8) == 0 && name[8] >= '0' && name[8] <= '9') {
        char *end;
        long nr = strtol(name + 8, &end, 10);
        if (*end == '\0' && nr >= 0)
            return nr;
    }
    return -1;
}
