/* End-to-end test of the GDB server with the real gdb (/usr/bin/gdb): the
 * server, in a thread, serves a target that is this very process (its
 * memory, auxv, executable and libraries) with made-up registers and
 * made-up execution (steps move rip by one nop, a continue stops at an
 * inserted breakpoint or watchpoint, or exits).  gdb runs in batch mode
 * and its output is checked.  Prints "gdb_real: N checks passed" (or
 * "skipped" without gdb); exits non-zero on any failure. */
#include "common/die.h"
#include "gdb/gdb_server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"


/* What gdb looks at. */
volatile int watched = 1;
unsigned char pattern[4] = {0xde, 0xad, 0xbe, 0xef};
static uint64_t fake_stack[512];

__attribute__((noinline)) void target_fn(void)
{
    __asm__ volatile(".rept 64\n\tnop\n\t.endr");
}

static pid_t pid, tid1, tid2;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct gdb_regs regs[2];
static uint64_t bp_addr, watch_addr;   /* inserted in target_fn (0: none) */
static int watch_len;
static int nresumes[8];                /* by enum gdb_resume_kind */

static uint64_t fn_addr(void)
{
    return (uint64_t)(uintptr_t)&target_fn;
}

static int t_threads(void *ctx, struct gdb_thread *out, int max)
{
    (void)ctx;
    int n = 0;
    if (n < max)
        out[n++] = (struct gdb_thread){pid, tid1};
    if (n < max)
        out[n++] = (struct gdb_thread){pid, tid2};
    return n;
}

static void t_name(void *ctx, pid_t tid, char *buf, size_t len)
{
    (void)ctx;
    snprintf(buf, len, "%s", tid == tid1 ? "rw-main" : "rw-worker");
}

static struct gdb_regs *regs_of(pid_t tid)
{
    return tid == tid1 ? &regs[0] : tid == tid2 ? &regs[1] : NULL;
}

static int t_get_regs(void *ctx, pid_t tid, struct gdb_regs *out)
{
    (void)ctx;
    pthread_mutex_lock(&lock);
    struct gdb_regs *r = regs_of(tid);
    if (r)
        *out = *r;
    pthread_mutex_unlock(&lock);
    return r ? 0 : -ESRCH;
}

static int t_set_regs(void *ctx, pid_t tid, const struct gdb_regs *in, char *why, size_t len)
{
    (void)ctx, (void)tid, (void)in;
    snprintf(why, len, "a replay cannot be changed");
    return -EPERM;
}

static ssize_t t_read_mem(void *ctx, pid_t p, uint64_t addr, void *buf, size_t len)
{
    (void)ctx;
    if (p != pid)
        return -ESRCH;
    struct iovec l = {buf, len}, r = {(void *)(uintptr_t)addr, len};
    ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
    /* a read crossing into an unmapped page: give what is readable */
    while (n < 0 && errno == EFAULT && len > 1) {
        len = (4096 - addr % 4096) < len ? 4096 - addr % 4096 : len / 2;
        l.iov_len = r.iov_len = len;
        n = process_vm_readv(pid, &l, 1, &r, 1, 0);
    }
    return n < 0 ? -errno : n;
}

static int t_write_mem(void *ctx, pid_t p, uint64_t addr, const void *buf, size_t len,
                       char *why, size_t whylen)
{
    (void)ctx, (void)p, (void)addr, (void)buf, (void)len;
    snprintf(why, whylen, "a replay cannot be changed");
    return -EPERM;
}

static int t_insert(void *ctx, int type, uint64_t addr, int len)
{
    (void)ctx;
    pthread_mutex_lock(&lock);
    /* gdb also puts breakpoints in ld.so (shared library events) */
    if (type == 0 && addr >= fn_addr() && addr < fn_addr() + 64)
        bp_addr = addr;
    else if (type == 2)
        watch_addr = addr, watch_len = len;
    pthread_mutex_unlock(&lock);
    return type == 0 || type == 2 ? 0 : -ENOSYS;
}

static int t_remove(void *ctx, int type, uint64_t addr, int len)
{
    (void)ctx, (void)len;
    pthread_mutex_lock(&lock);
    if (type == 0 && addr == bp_addr)
        bp_addr = 0;
    else if (type == 2)
        watch_addr = 0;
    pthread_mutex_unlock(&lock);
    return 0;
}

static ssize_t t_auxv(void *ctx, pid_t p, void *buf, size_t len)
{
    (void)ctx, (void)p;
    int fd = open("/proc/self/auxv", O_RDONLY);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, len);
    close(fd);
    return n < 0 ? -errno : n;
}

static int t_exec_file(void *ctx, pid_t p, char *buf, size_t len)
{
    (void)ctx, (void)p;
    char path[PATH_MAX];
    if (!realpath("/proc/self/exe", path))
        return -errno;
    snprintf(buf, len, "%s", path);
    return 0;
}

static int t_rr_command(void *ctx, const char *name, pid_t tid, const char *args, char *out,
                        size_t len)
{
    (void)ctx, (void)args;
    if (strcmp(name, "when"))
        return -ENOENT;
    snprintf(out, len, "Completed event: 7 (thread %s)\n", tid == tid1 ? "main" : "other");
    return 0;
}

static const struct gdb_target target = {
    .threads = t_threads,
    .thread_name = t_name,
    .get_regs = t_get_regs,
    .set_regs = t_set_regs,
    .read_mem = t_read_mem,
    .write_mem = t_write_mem,
    .insert_point = t_insert,
    .remove_point = t_remove,
    .auxv = t_auxv,
    .exec_file = t_exec_file,
    .rr_command = t_rr_command,
};

static void init_regs(void)
{
    for (int t = 0; t < 2; t++) {
        struct gdb_regs *r = &regs[t];
        memset(r, 0, sizeof(*r));
        r->gpr.rip = fn_addr() + 4 + 4 * (unsigned)t;
        r->gpr.rsp = (uintptr_t)&fake_stack[256];
        r->gpr.rax = 0x1122334455667788ull;
        r->gpr.eflags = 0x246;
        r->gpr.cs = 0x33;
        r->gpr.ss = 0x2b;
        r->gpr.orig_rax = (unsigned long long)-1;
        r->gpr.fs_base = 0x7f0000001000ull;
        for (int i = 0; i < 16; i++) {
            ((uint8_t *)r->fp.xmm_space)[i] = (uint8_t)i;
            r->ymmh[0][i] = (uint8_t)(0x80 + i);
        }
        r->fp.cwd = 0x37f;
        r->fp.swd = 0;   /* TOP = 0 */
        r->fp.ftw = 0x1; /* st0 (physical 0) in use */
        uint8_t *st0 = (uint8_t *)r->fp.st_space; /* 1.5 */
        st0[7] = 0xc0, st0[8] = 0xff, st0[9] = 0x3f;
        r->fp.mxcsr = 0x1f80;
        r->has_avx = true;
    }
}

static struct gdb_server *srv;

static void *server_main(void *arg)
{
    (void)arg;
    gdb_server_accept(srv);
    gdb_server_set_process(srv, pid, tid1);
    struct gdb_stop stop = {.kind = GDB_STOP_SIGNAL, .pid = pid, .tid = tid1, .sig = SIGTRAP};
    for (;;) {
        struct gdb_resume res;
        gdb_server_stopped(srv, &stop, &target, &res);
        pthread_mutex_lock(&lock);
        if ((unsigned)res.kind < 8)
            nresumes[res.kind]++;
        pid_t t = res.tid > 0 ? res.tid : tid1;
        struct gdb_regs *r = regs_of(t) ? regs_of(t) : &regs[0];
        stop = (struct gdb_stop){.kind = GDB_STOP_SIGNAL, .pid = pid, .tid = t, .sig = SIGTRAP};
        switch (res.kind) {
        case GDB_RESUME_STEP:
            r->gpr.rip++;
            break;
        case GDB_RESUME_REVERSE_STEP:
            r->gpr.rip--;
            break;
        case GDB_RESUME_REVERSE_CONTINUE:
            stop.kind = GDB_STOP_REPLAY_END;
            stop.at_start = true;
            break;
        case GDB_RESUME_CONTINUE:
            if (bp_addr) {
                r->gpr.rip = bp_addr;
                stop.kind = GDB_STOP_SWBREAK;
            } else if (watch_addr) {
                watched = 2;
                r->gpr.rip += 2;
                stop.kind = GDB_STOP_WATCH;
                stop.watch_type = 2;
                stop.watch_addr = watch_addr;
            } else {
                stop = (struct gdb_stop){.kind = GDB_STOP_EXITED, .pid = pid, .exit_code = 0};
            }
            break;
        default:
            break;
        }
        pthread_mutex_unlock(&lock);
        if (res.kind == GDB_RESUME_KILL || res.kind == GDB_RESUME_DETACH ||
            res.kind == GDB_RESUME_RESTART)
            break;
    }
    return NULL;
}

/* Runs gdb with the commands; returns its output (stdout and stderr). */
static char *run_gdb(int port, const char *const *cmds, int ncmds, int *status)
{
    const char *argv[128];
    int n = 0;
    char target_cmd[64];
    snprintf(target_cmd, sizeof(target_cmd), "target remote 127.0.0.1:%d", port);
    argv[n++] = "gdb";
    argv[n++] = "-batch";
    argv[n++] = "-nx";
    argv[n++] = "-iex";
    argv[n++] = "set debuginfod enabled off";
    argv[n++] = "-ex";
    argv[n++] = target_cmd;
    for (int i = 0; i < ncmds && n < 124; i++) {
        argv[n++] = "-ex";
        argv[n++] = cmds[i];
    }
    argv[n] = NULL;
    int p[2];
    if (pipe(p) < 0)
        die_errno("pipe");
    pid_t child = fork();
    if (child == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        close(p[0]);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        execvp("gdb", (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    size_t cap = 1 << 16, len = 0;
    char *out = xmalloc(cap);
    time_t deadline = time(NULL) + 30;
    for (;;) {
        struct pollfd pfd = {.fd = p[0], .events = POLLIN};
        int left = (int)(deadline - time(NULL));
        if (left <= 0 || poll(&pfd, 1, left * 1000) <= 0) {
            kill(child, SIGKILL);
            CHECK(false, "gdb timed out");
            break;
        }
        if (len + 4096 > cap)
            out = xrealloc(out, cap *= 2);
        ssize_t got = read(p[0], out + len, cap - len - 1);
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    out[len] = '\0';
    close(p[0]);
    waitpid(child, status, 0);
    return out;
}

static bool has(const char *out, const char *s)
{
    return strstr(out, s) != NULL;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    alarm(60);
    debug_enabled = getenv("REWIND_DEBUG") != NULL;
    if (access("/usr/bin/gdb", X_OK) != 0 && system("command -v gdb >/dev/null 2>&1") != 0) {
        printf("gdb_real: skipped (no gdb)\n");
        return 0;
    }
    pid = getpid();
    tid1 = gettid();
    tid2 = tid1 + 0x1000;
    init_regs();
    int port;
    srv = gdb_server_listen("127.0.0.1", 0, &port);
    pthread_t th;
    pthread_create(&th, NULL, server_main, NULL);

    char xcmd[64], bcmd[64];
    snprintf(xcmd, sizeof(xcmd), "x/4xb %p", (void *)pattern);
    snprintf(bcmd, sizeof(bcmd), "break *%p", (void *)((char *)(uintptr_t)fn_addr() + 20));
    const char *cmds[] = {
        "echo @@regs\\n", "info registers rip rax eflags",
        "echo @@mem\\n", xcmd,
        "echo @@xmm\\n", "p/x $xmm0",
        "echo @@ymm\\n", "p/x $ymm0", "info registers fs_base orig_rax",
        "echo @@st0\\n", "p $st0",
        "p/x $ftag",
        "echo @@all\\n", "info all-registers",
        "echo @@threads\\n", "info threads",
        "echo @@libs\\n", "info sharedlibrary",
        "echo @@rrcmd\\n", "maint packet qRRCmd:when:-1",
        "echo @@write\\n", "set var $rax = 5",
        "echo @@stepi\\n", "stepi", "p $pc",
        "echo @@break\\n", bcmd, "continue",
        "echo @@watch\\n", "delete", "watch watched", "continue",
        "echo @@reverse\\n", "delete", "reverse-stepi", "p $pc", "reverse-continue",
        "echo @@exit\\n", "continue",
    };
    int status;
    char *out = run_gdb(port, cmds, (int)(sizeof(cmds) / sizeof(cmds[0])), &status);
    pthread_join(th, NULL);
    gdb_server_close(srv);

    char want[512];
    uint64_t fn = fn_addr();
    CHECK(WIFEXITED(status), "gdb exit status %d", status);
    snprintf(want, sizeof(want), "0x%llx <target_fn+4>", (unsigned long long)fn + 4);
    CHECK(has(out, want), "rip shown as %s", want);
    CHECK(has(out, "rax            0x1122334455667788"), "rax");
    CHECK(has(out, "[ PF ZF IF ]"), "eflags flags from target.xml");
    CHECK(has(out, "0xde\t0xad\t0xbe\t0xef"), "x/4xb reads memory");
    CHECK(has(out, "uint128 = 0xf0e0d0c0b0a09080706050403020100"), "p $xmm0");
    CHECK(has(out, "v2_int128 = {0xf0e0d0c0b0a09080706050403020100, "
                   "0x8f8e8d8c8b8a89888786858483828180}"),
          "p $ymm0 combines xmm0 and ymm0h");
    CHECK(has(out, "@@st0\n$3 = 1.5\n$4 = 0xfffc"), "st0 and the full tag word");
    CHECK(has(out, "fs_base        0x7f0000001000") &&
              has(out, "orig_rax       0xffffffffffffffff"),
          "fs_base and orig_rax");
    CHECK(has(out, "ymm15          {") && has(out, "mxcsr          0x1f80") &&
              has(out, "ftag           0xfffc") && has(out, "fop            0x0"),
          "info all-registers");
    CHECK(has(out, "\"rw-main\"") && has(out, "\"rw-worker\""), "thread names");
    CHECK(has(out, "libc.so.6"), "shared libraries from qXfer:libraries-svr4");
    const char *text = "Completed event: 7 (thread main)\n";
    char hex[256];
    for (size_t i = 0; i < strlen(text); i++)
        sprintf(hex + 2 * i, "%02x", (unsigned char)text[i]);
    snprintf(want, sizeof(want), "received: \"%s\"", hex);
    CHECK(has(out, want), "qRRCmd through maint packet");
    CHECK(has(out, "Could not write register"), "register writes refused");
    snprintf(want, sizeof(want), "(void (*)()) 0x%llx <target_fn+5>", (unsigned long long)fn + 5);
    CHECK(has(out, want), "stepi moved the pc");
    CHECK(has(out, "Breakpoint 1, 0x") && has(out, "in target_fn ()"), "breakpoint hit");
    CHECK(has(out, "Hardware watchpoint 2: watched") && has(out, "Old value = 1") &&
              has(out, "New value = 2"),
          "watchpoint hit");
    CHECK(watch_len == 4, "watch on an int is Z2 of 4 bytes (%d)", watch_len);
    snprintf(want, sizeof(want), "(void (*)()) 0x%llx <target_fn+21>", (unsigned long long)fn + 21);
    CHECK(has(out, want), "reverse-stepi");
    CHECK(has(out, "No more reverse-execution history."), "reverse-continue to the start");
    CHECK(has(out, "exited normally"), "exit reported");
    CHECK(nresumes[GDB_RESUME_REVERSE_STEP] == 1 && nresumes[GDB_RESUME_REVERSE_CONTINUE] == 1,
          "reverse resumes");
    CHECK(!has(out, "Remote failure") && !has(out, "Bogus") && !has(out, "malformed") &&
              !has(out, "Protocol error"),
          "no protocol complaints");
    if (failed || getenv("SHOW_GDB_OUTPUT"))
        fprintf(stderr, "---- gdb output ----\n%s----\n", out);
    free(out);
    if (failed) {
        printf("gdb_real: %d checks failed, %d passed\n", failed, passed);
        return 1;
    }
    printf("gdb_real: %d checks passed\n", passed);
    return 0;
}
