/* Recording one syscall: its entry registers, then its result and every
 * byte of memory it wrote, as the syscall table describes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch/insn_sites.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "record/recorder.h"
#include "syscalls/syscall_table.h"
#include "syscalls/written_data.h"
#include "trace/event.h"

#define MAX_REGIONS (SYS_OUTPUTS_MAX + 64)

/* The rdtsc of a library mapped executable get their int3 now, before
 * the program can run them; replay plants the same after its mmap. */
static void plant_insn_sites(struct rtask *t, int64_t addr)
{
    const regs_t *e = &t->entry_regs;
    if (!(e->rdx & PROT_EXEC) || (e->r10 & MAP_SHARED_VALIDATE) != MAP_PRIVATE)
        return;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd/%d", t->tid, (int)e->r8);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    insn_sites_plant_file(t->tid, fd, addr, addr + e->rsi, e->r9);
    close(fd);
}

static bool refused(long nr)
{
    const struct syscall_info *si = syscall_info(nr);
    return nr == SYS_rseq || si->kind == SYS_UNSUPPORTED || si->kind == SYS_UNKNOWN;
}

/* Makes the syscall fail with -err without running it. */
static void cancel(struct rtask *t, int err)
{
    regs_t regs = t->entry_regs;
    regs.orig_rax = -1;
    regs_set(t->tid, &regs);
    t->cancelled = err;
}

/* Syscalls whose kernel-side effects cannot be replayed are made to fail
 * with ENOSYS, which programs already handle: glibc falls back from rseq,
 * most programs from io_uring and friends. */
static void refuse(struct recorder *r, struct rtask *t, long nr)
{
    cancel(t, ENOSYS);
    if (nr == SYS_rseq || nr < 0 || nr >= SYSCALL_TABLE_SIZE)
        return;
    if (!(r->warned[nr / 8] & (1 << (nr % 8)))) {
        r->warned[nr / 8] |= 1 << (nr % 8);
        warn("unsupported syscall %s: made to fail with ENOSYS", syscall_name(nr));
    }
}

static int our_output(struct recorder *r, pid_t tid, int fd);

/* Copies between fds (sendfile, splice, copy_file_range) move data the
 * program never holds in memory; when it goes to the recorder's stdout or
 * stderr, replay could not show it.  They are refused with EINVAL there,
 * and programs fall back to read and write, which replay can show. */
static bool copies_to_our_output(struct recorder *r, struct rtask *t, long nr)
{
    int out_fd;
    switch (nr) {
    case SYS_sendfile: out_fd = t->entry_regs.rdi; break;
    case SYS_copy_file_range: case SYS_splice: out_fd = t->entry_regs.rdx; break;
    case SYS_tee: out_fd = t->entry_regs.rsi; break;
    default: return false;
    }
    return our_output(r, t->tid, out_fd) != 0;
}

void record_syscall_entry(struct recorder *r, struct rtask *t)
{
    regs_get(t->tid, &t->entry_regs);
    t->cancelled = 0;
    t->exec_seen = false;
    struct ev_syscall_enter e = {.regs = t->entry_regs};
    event_write(r->events, EV_SYSCALL_ENTER, t->tid, &e, sizeof e, NULL, 0);
    r->nevents++;
    long nr = t->entry_regs.orig_rax;
    if (refused(nr))
        refuse(r, t, nr);
    else if (copies_to_our_output(r, t, nr))
        cancel(t, EINVAL);
    if (nr == SYS_setitimer || nr == SYS_alarm || nr == SYS_timer_create || nr == SYS_timer_settime)
        r->timers_used = true;
    if (nr == SYS_execve) {
        char path[4096];
        if (tracee_read_str(t->tid, t->entry_regs.rdi, path, sizeof path) > 0)
            note_exec_path(t, path);
    }
}

/* Which of the recorder's own stdout (1) or stderr (2) the tracee's fd
 * writes to, or 0: what went there is shown again on replay. */
static int our_output(struct recorder *r, pid_t tid, int fd)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d/fd/%d", tid, fd);
    if (stat(path, &st) < 0)
        return 0;
    bool is_out = st.st_dev == r->out_dev[1] && st.st_ino == r->out_ino[1];
    bool is_err = st.st_dev == r->out_dev[2] && st.st_ino == r->out_ino[2];
    if (is_out && is_err) /* one terminal for both: keep the program's choice */
        return fd == 2 ? 2 : 1;
    return is_out ? 1 : is_err ? 2 : 0;
}

static uint32_t echo_flags(struct recorder *r, struct rtask *t, const struct syscall_info *si,
                           int64_t result)
{
    if (!(si->flags & SF_WRITE_OUT) || result <= 0)
        return 0;
    switch (our_output(r, t->tid, (int)t->entry_regs.rdi)) {
    case 1: return EXITF_ECHO_STDOUT;
    case 2: return EXITF_ECHO_STDERR;
    default: return 0;
    }
}

/* Regions written by the syscall, plus, for a write to a file that the
 * process maps MAP_SHARED, the mapped bytes the write changed. */
static int written_regions(struct recorder *r, struct rtask *t, const struct syscall_info *si,
                           int64_t result, struct mem_region *mr, int max)
{
    struct sys_call c = {.tid = t->tid, .nr = t->entry_regs.orig_rax, .result = result};
    for (int i = 0; i < 6; i++)
        c.args[i] = regs_arg(&t->entry_regs, i);
    int n = syscall_outputs(&c, mr, max);
    if (r->shared_file_maps && (si->flags & SF_WRITE_OUT) && result > 0)
        n += shared_mapping_regions(t->tid, &c, mr + n, max - n);
    return n;
}

void record_syscall_exit(struct recorder *r, struct rtask *t)
{
    static struct mem_region mr[MAX_REGIONS];
    static struct ev_region regions[MAX_REGIONS];
    regs_t regs;
    regs_get(t->tid, &regs);
    long nr = t->entry_regs.orig_rax;
    int64_t result = regs.rax;
    const struct syscall_info *si = syscall_info(nr);

    struct ev_syscall_exit x = {.nr = nr, .result = result};
    struct iovec tail[5];
    int ntail = 0;
    uint8_t *data = NULL;
    uint64_t total = 0;
    struct ev_mmap_file mf = {0};
    const char *mname = NULL;
    uint8_t hash[WRITTEN_HASH_LEN];

    if (t->cancelled) {
        x.flags |= EXITF_CANCELLED;
        x.result = result = -t->cancelled;
        regs.rax = result;
        regs.orig_rax = nr;
        regs_set(t->tid, &regs);
    } else {
        int n = written_regions(r, t, si, result, mr, MAX_REGIONS);
        for (int i = 0; i < n; i++)
            total += mr[i].len;
        data = xmalloc(total);
        uint64_t off = 0;
        for (int i = 0; i < n; i++) {
            ssize_t got = tracee_read(t->tid, mr[i].addr, data + off, mr[i].len);
            if (got <= 0)
                continue; /* a bad pointer: the kernel wrote nothing there */
            regions[x.nregions++] = (struct ev_region){mr[i].addr, (uint64_t)got};
            off += got;
        }
        total = off;
        x.flags |= echo_flags(r, t, si, result);
        bool echoed = x.flags & (EXITF_ECHO_STDOUT | EXITF_ECHO_STDERR);
        if ((si->flags & SF_WRITE_OUT) && result > 0 &&
            written_data_hash(t->tid, &t->entry_regs, written_data_hash_len(result, echoed), hash))
            x.flags |= EXITF_OUTPUT_HASH;
        if (nr == SYS_mmap && result >= 0 && !(t->entry_regs.r10 & MAP_ANONYMOUS)) {
            mname = mapped_file_save(r->files, t->tid, (int)t->entry_regs.r8, &mf.file_size);
            if (mname) {
                mf.offset = t->entry_regs.r9;
                mf.name_len = strlen(mname);
                x.flags |= EXITF_MMAP_FILE;
                if (t->entry_regs.r10 & MAP_SHARED)
                    r->shared_file_maps = true;
            }
            plant_insn_sites(t, result);
        }
    }
    tail[ntail++] = (struct iovec){regions, x.nregions * sizeof *regions};
    tail[ntail++] = (struct iovec){data, total};
    if (mname) {
        tail[ntail++] = (struct iovec){&mf, sizeof mf};
        tail[ntail++] = (struct iovec){(void *)mname, mf.name_len};
    }
    if (x.flags & EXITF_OUTPUT_HASH)
        tail[ntail++] = (struct iovec){hash, sizeof hash};
    event_write(r->events, EV_SYSCALL_EXIT, t->tid, &x, sizeof x, tail, ntail);
    r->nevents++;
    t->restartable = result <= -512 && result >= -516;
    free(data);
}
