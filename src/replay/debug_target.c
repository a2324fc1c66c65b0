/* gdb's questions, answered from the stopped replay.  Ids are the
 * recorded ones, as in the recording's output and `rewind ps`.  Memory
 * reads hide gdb's breakpoint bytes.  gdb may change memory at a stop
 * (`set var`): the change is kept beside the replay, seen by later reads
 * at the same stop, and thrown away when the replay moves on, so the
 * replay never departs from the recording.  Registers cannot be changed:
 * running the program with them changed (`call f()`) is refused. */
#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arch/tracee_mem.h"
#include "common/die.h"
#include "replay/checkpoint.h"
#include "replay/debugger.h"
#include "replay/replayer.h"

#define XSAVE_YMMH_OFFSET 576
#define XSAVE_SIZE_MAX 4096

static struct ptask *task_of(struct replayer *rp, pid_t tid)
{
    return ptask_find(rp, tid);
}

static struct ptask *process_task(struct replayer *rp, pid_t pid)
{
    for (struct ptask *t = rp->tasks; t; t = t->next)
        if (t->rec_tgid == pid)
            return t;
    return NULL;
}

static int threads(void *ctx, struct gdb_thread *out, int max)
{
    struct replayer *rp = ctx;
    int n = 0;
    if (rp->dbg->exited)
        return 0;
    for (struct ptask *t = rp->tasks; t && n < max; t = t->next)
        if (t->rec_tgid == rp->dbg->rec_pid)
            out[n++] = (struct gdb_thread){t->rec_tgid, t->rec_tid};
    return n;
}

static void thread_name(void *ctx, pid_t tid, char *buf, size_t len)
{
    struct ptask *t = task_of(ctx, tid);
    buf[0] = 0;
    if (!t || !len)
        return;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/comm", t->tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    buf[strcspn(buf, "\n")] = 0;
}

/* Where XSAVE keeps state component i (CPUID leaf 0xd), in the standard
 * format ptrace gives. */
static uint32_t xsave_offset(unsigned i)
{
    unsigned a, b, c, d;
    __cpuid_count(0xd, i, a, b, c, d);
    (void)a, (void)c, (void)d;
    return b;
}

/* The AVX-512 state: opmask (component 5), the upper halves of zmm0-15
 * (6), zmm16-31 (7); a component not in xstate_bv is in its initial,
 * zero state. */
static void get_avx512(struct gdb_regs *out, const uint8_t *xsave, size_t len, uint64_t xcr0,
                       uint64_t xstate_bv)
{
    if ((xcr0 & 0xe0) != 0xe0)
        return;
    static const struct {
        unsigned component;
        size_t size;
    } parts[] = {{5, sizeof out->k}, {6, sizeof out->zmmh}, {7, sizeof out->zmm_hi16}};
    void *dst[] = {out->k, out->zmmh, out->zmm_hi16};
    for (int i = 0; i < 3; i++) {
        uint32_t off = xsave_offset(parts[i].component);
        if (!off || off + parts[i].size > len)
            return;
        if (xstate_bv & (1ull << parts[i].component))
            memcpy(dst[i], xsave + off, parts[i].size);
    }
    out->has_avx512 = true;
}

static int get_regs(void *ctx, pid_t tid, struct gdb_regs *out)
{
    struct replayer *rp = ctx;
    struct ptask *t = task_of(rp, tid);
    if (!t || rp->dbg->exited)
        return -ESRCH;
    memset(out, 0, sizeof *out);
    if (ptrace(PTRACE_GETREGS, t->tid, 0, &out->gpr) < 0 ||
        ptrace(PTRACE_GETFPREGS, t->tid, 0, &out->fp) < 0)
        return -errno;
    static uint8_t xsave[XSAVE_SIZE_MAX];
    struct iovec iov = {xsave, sizeof xsave};
    if (ptrace(PTRACE_GETREGSET, t->tid, NT_X86_XSTATE, &iov) == 0 &&
        iov.iov_len >= XSAVE_YMMH_OFFSET + sizeof out->ymmh) {
        uint64_t xcr0, xstate_bv;
        memcpy(&xcr0, xsave + 464, sizeof xcr0);     /* saved by the kernel for us */
        memcpy(&xstate_bv, xsave + 512, sizeof xstate_bv);
        out->has_avx = xcr0 & 4;
        if (xstate_bv & 4) /* else the upper halves are in their initial, zero state */
            memcpy(out->ymmh, xsave + XSAVE_YMMH_OFFSET, sizeof out->ymmh);
        get_avx512(out, xsave, iov.iov_len, xcr0, xstate_bv);
    }
    return 0;
}

static int set_regs(void *ctx, pid_t tid, const struct gdb_regs *in, char *why, size_t whylen)
{
    /* gdb sets orig_rax to -1 after `run` (so that no syscall restarts):
     * that changes nothing here, as under rr. */
    struct gdb_regs now;
    if (get_regs(ctx, tid, &now) == 0) {
        struct user_regs_struct a = now.gpr, b = in->gpr;
        a.orig_rax = b.orig_rax = 0;
        if (!memcmp(&a, &b, sizeof a) && !memcmp(&now.fp, &in->fp, sizeof now.fp) &&
            (!now.has_avx || !memcmp(now.ymmh, in->ymmh, sizeof now.ymmh)) &&
            (!now.has_avx512 ||
             (!memcmp(now.zmmh, in->zmmh, sizeof now.zmmh) &&
              !memcmp(now.zmm_hi16, in->zmm_hi16, sizeof now.zmm_hi16) &&
              !memcmp(now.k, in->k, sizeof now.k))))
            return 0;
    }
    snprintf(why, whylen, "registers cannot be changed in a replay: the program would no longer "
                          "follow its recording");
    return -EPERM;
}

static ssize_t read_mem(void *ctx, pid_t pid, uint64_t addr, void *buf, size_t len)
{
    struct replayer *rp = ctx;
    struct ptask *t = process_task(rp, pid);
    if (!t)
        return -ESRCH;
    ssize_t n = tracee_read(t->tid, addr, buf, len);
    if (n <= 0)
        return -EIO;
    debug_hide_bps(rp->dbg, t->tgid, addr, buf, n);
    struct debugger *d = rp->dbg;
    for (int i = 0; i < d->nov; i++) {
        const struct mem_overlay *o = &d->ov[i];
        for (size_t k = 0; k < o->len; k++)
            if (o->addr + k >= addr && o->addr + k - addr < (uint64_t)n)
                ((uint8_t *)buf)[o->addr + k - addr] = o->bytes[k];
    }
    return n;
}

static int write_mem(void *ctx, pid_t pid, uint64_t addr, const void *buf, size_t len, char *why,
                     size_t whylen)
{
    struct replayer *rp = ctx;
    struct debugger *d = rp->dbg;
    struct ptask *t = process_task(rp, pid);
    uint8_t probe;
    if (!t || (len && tracee_read(t->tid, addr, &probe, 1) != 1) ||
        (len && tracee_read(t->tid, addr + len - 1, &probe, 1) != 1)) {
        snprintf(why, whylen, "cannot access memory at 0x%llx", (unsigned long long)addr);
        return -EIO;
    }
    if (!len)
        return 0;
    d->ov = xrealloc(d->ov, (d->nov + 1) * sizeof *d->ov);
    struct mem_overlay *o = &d->ov[d->nov++];
    o->addr = addr;
    o->len = len;
    o->bytes = xmalloc(len);
    memcpy(o->bytes, buf, len);
    return 0;
}

void debug_overlay_discard(struct debugger *d)
{
    if (!d->nov)
        return;
    for (int i = 0; i < d->nov; i++)
        free(d->ov[i].bytes);
    free(d->ov);
    d->ov = NULL;
    d->nov = 0;
    warn("memory changed from gdb at that stop is forgotten: the replay goes on as recorded");
}

static int insert_point(void *ctx, int type, uint64_t addr, int len)
{
    return debug_insert_point(ctx, type, addr, len);
}

static int remove_point(void *ctx, int type, uint64_t addr, int len)
{
    return debug_remove_point(ctx, type, addr, len);
}

static ssize_t auxv(void *ctx, pid_t pid, void *buf, size_t len)
{
    struct ptask *t = process_task(ctx, pid);
    if (!t)
        return -ESRCH;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/auxv", t->tgid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, len);
    int err = errno;
    close(fd);
    return n < 0 ? -err : n;
}

static int exec_file(void *ctx, pid_t pid, char *buf, size_t len)
{
    struct replayer *rp = ctx;
    if (!process_task(rp, pid))
        return -ESRCH;
    snprintf(buf, len, "%s", rp->dbg_exe);
    return 0;
}

static int rr_command(void *ctx, const char *name, pid_t tid, const char *args, char *out,
                      size_t outlen)
{
    struct replayer *rp = ctx;
    struct ptask *t = task_of(rp, tid);
    (void)args;
    if (!strcmp(name, "rr-history-push")) {
        out[0] = 0; /* gdb's script sends it at every stop; nothing to say */
    } else if (!strcmp(name, "when")) {
        snprintf(out, outlen, "Current event: %llu\n", (unsigned long long)rp->event_no);
    } else if (!strcmp(name, "when-ticks")) {
        /* No tick counter without a PMU: a thread's time is the number of
         * its events replayed so far (see docs/debugging.md). */
        snprintf(out, outlen, "Current tick: %llu\n", (unsigned long long)(t ? t->nevents : 0));
    } else if (!strcmp(name, "checkpoint")) {
        struct debugger *d = rp->dbg;
        d->checkpoints = xrealloc(d->checkpoints, (d->ncheckpoints + 1) * sizeof *d->checkpoints);
        struct checkpoint *c = &d->checkpoints[d->ncheckpoints++];
        c->id = ++d->next_checkpoint;
        c->pos = d->cur;
        c->kept = checkpoint_pin(c->pos.event_no);
        snprintf(c->where, sizeof c->where, "%s", args);
        snprintf(out, outlen, "Checkpoint %d at %s\n", c->id, c->where);
    } else if (!strcmp(name, "delete checkpoint")) {
        struct debugger *d = rp->dbg;
        int id = atoi(args), i = 0;
        while (i < d->ncheckpoints && d->checkpoints[i].id != id)
            i++;
        if (i == d->ncheckpoints) {
            snprintf(out, outlen, "No checkpoint %s.\n", args);
        } else {
            checkpoint_unpin(d->checkpoints[i].kept);
            memmove(&d->checkpoints[i], &d->checkpoints[i + 1],
                    (d->ncheckpoints - i - 1) * sizeof *d->checkpoints);
            d->ncheckpoints--;
            snprintf(out, outlen, "Deleted checkpoint %d.\n", id); /* Delve wants it */
        }
    } else if (!strcmp(name, "info checkpoints")) {
        struct debugger *d = rp->dbg;
        size_t n = snprintf(out, outlen, "ID\tWhen\tWhere\n");
        for (int i = 0; i < d->ncheckpoints && n < outlen; i++)
            n += snprintf(out + n, outlen - n, "%d\t%llu\t%s\n", d->checkpoints[i].id,
                          (unsigned long long)d->checkpoints[i].pos.event_no,
                          d->checkpoints[i].where);
    } else if (!strcmp(name, "when-tid")) {
        snprintf(out, outlen, "Current tid: %d\n", t ? t->rec_tid : 0);
    } else {
        snprintf(out, outlen, "Command '%s' not found.\n", name);
    }
    return 0;
}

/* /proc/PID[/task/TID]/... with recorded ids names the live tasks. */
static int live_path(void *ctx, const char *path, char *out, size_t outlen)
{
    struct replayer *rp = ctx;
    char *end;
    if (strncmp(path, "/proc/", 6) || path[6] < '1' || path[6] > '9') {
        snprintf(out, outlen, "%s", path);
        return 0;
    }
    long pid = strtol(path + 6, &end, 10);
    struct ptask *p = process_task(rp, pid);
    if (!p)
        return -ENOENT;
    pid_t live_tid = 0;
    if (!strncmp(end, "/task/", 6)) {
        long tid = strtol(end + 6, &end, 10);
        struct ptask *t = task_of(rp, tid);
        if (!t || t->rec_tgid != pid)
            return -ENOENT;
        live_tid = t->tid;
    }
    if (live_tid)
        snprintf(out, outlen, "/proc/%d/task/%d%s", p->tgid, live_tid, end);
    else
        snprintf(out, outlen, "/proc/%d%s", p->tgid, end);
    return 0;
}

void debug_target_init(struct replayer *rp, struct gdb_target *tgt)
{
    *tgt = (struct gdb_target){
        .ctx = rp,
        .threads = threads,
        .thread_name = thread_name,
        .get_regs = get_regs,
        .set_regs = set_regs,
        .read_mem = read_mem,
        .write_mem = write_mem,
        .insert_point = insert_point,
        .remove_point = remove_point,
        .auxv = auxv,
        .exec_file = exec_file,
        .rr_command = rr_command,
        .live_path = live_path,
    };
}
