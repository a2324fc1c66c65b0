/* Replaying mmap and mremap: executed at their recorded addresses.  A
 * file's contents come from the copy saved in the trace: mapped straight
 * from it (the tracee opens it for the moment of the mmap), or, for a
 * writable shared mapping, copied into shared anonymous memory so that
 * neither the trace nor the original file is ever written. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch/insn_sites.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "replay/replayer.h"
#include "syscalls/syscall_table.h"
#include "tracee/tracee.h"

/* At a syscall-entry stop whose syscall has not run: runs nr(a) in its
 * place, to its exit stop. */
static int64_t run_instead(struct replayer *rp, struct ptask *t, long nr, const uint64_t a[6])
{
    regs_t r = t->entry_regs;
    r.orig_rax = nr;
    for (int i = 0; i < 6; i++)
        regs_set_arg(&r, i, a[i]);
    return replay_execute(rp, t, &r);
}

/* At the exit stop of a syscall run from t's syscall instruction: runs
 * nr(a) from that same instruction, to its exit stop. */
static int64_t run_again(struct replayer *rp, struct ptask *t, long nr, const uint64_t a[6])
{
    regs_t r = t->entry_regs;
    r.rip -= 2; /* the syscall instruction */
    r.rax = nr;
    regs_set(t->tid, &r);
    struct stop s;
    resume_and_wait(rp, t, PTRACE_SYSCALL, &s);
    if (s.kind != STOP_SYSCALL_ENTRY)
        divergence(rp, "could not re-run a syscall instruction for mmap");
    regs_get(t->tid, &r);
    for (int i = 0; i < 6; i++)
        regs_set_arg(&r, i, a[i]);
    return replay_execute(rp, t, &r);
}

static int fixed_flag(const struct ptask *t)
{
    return (t->entry_regs.r10 & MAP_FIXED) ? MAP_FIXED : MAP_FIXED_NOREPLACE;
}

/* Has the tracee open the trace's copy of the file; returns the fd (the
 * mmap syscall itself has then been used up), or -1 with nothing run. */
static int64_t open_in_tracee(struct replayer *rp, struct ptask *t, const char *name)
{
    file_cache_fd(rp->files, name); /* a missing file: one clear error */
    char path[4096 + 256];
    int len = snprintf(path, sizeof path, "%s/%s", rp->dir, name) + 1;
    /* The path goes below the red zone of the stack, briefly. */
    uint64_t at = (t->entry_regs.rsp - 256 - len) & ~15ull;
    char saved[sizeof path];
    if (len > (int)sizeof path || tracee_read(t->tid, at, saved, len) != len ||
        tracee_write(t->tid, at, path, len) < 0)
        return -1;
    uint64_t a[6] = {(uint64_t)AT_FDCWD, at, O_RDONLY | O_CLOEXEC};
    int64_t fd = run_instead(rp, t, SYS_openat, a);
    tracee_write(t->tid, at, saved, len);
    if (fd < 0)
        die("%s/%s: the trace's copy of a mapped file cannot be opened (%s)", rp->dir, name,
            strerror(-fd));
    return fd;
}

static void fill_from_trace(struct replayer *rp, struct ptask *t, const struct event *ev)
{
    int fd = file_cache_fd(rp->files, ev->mmap_name);
    uint64_t addr = ev->u.exit.result, len = t->entry_regs.rsi, off = ev->mmap.offset;
    uint64_t avail = ev->mmap.file_size > off ? ev->mmap.file_size - off : 0;
    if (len > avail)
        len = avail;
    char *buf = xmalloc(1 << 20);
    for (uint64_t done = 0; done < len;) {
        size_t chunk = len - done < (1 << 20) ? len - done : (1 << 20);
        ssize_t n = pread(fd, buf, chunk, off + done);
        if (n <= 0)
            die("%s/%s: shorter than recorded", rp->dir, ev->mmap_name);
        if (tracee_write(t->tid, addr + done, buf, n) < 0)
            divergence(rp, "cannot fill the mapping at 0x%llx", (unsigned long long)addr);
        done += n;
    }
    free(buf);
}

void replay_mmap(struct replayer *rp, struct ptask *t, const struct event *ev)
{
    int64_t result = ev->u.exit.result;
    const regs_t *e = &t->entry_regs;
    int flags = (e->r10 & ~MAP_FIXED_NOREPLACE) | fixed_flag(t);
    bool file = ev->u.exit.flags & EXITF_MMAP_FILE;
    bool shared_writable = (flags & MAP_SHARED_VALIDATE) != MAP_PRIVATE && (e->rdx & PROT_WRITE);
    int64_t got;
    int64_t fd = file && !shared_writable ? open_in_tracee(rp, t, ev->mmap_name) : -1;
    if (fd >= 0) {
        uint64_t a[6] = {result, e->rsi, e->rdx,
                         (flags & ~(MAP_SHARED_VALIDATE | MAP_ANONYMOUS)) | MAP_PRIVATE,
                         (uint64_t)fd, ev->mmap.offset};
        got = run_again(rp, t, SYS_mmap, a);
        uint64_t c[6] = {(uint64_t)fd};
        run_again(rp, t, SYS_close, c);
    } else {
        if (file || !(flags & MAP_ANONYMOUS)) {
            /* Shared stays shared, so processes forked later share its
             * stores; the bytes are copied in below. */
            int type = shared_writable ? MAP_SHARED : MAP_PRIVATE;
            flags = (flags & ~MAP_SHARED_VALIDATE) | type | MAP_ANONYMOUS;
        }
        uint64_t a[6] = {result, e->rsi, e->rdx, (uint64_t)flags, (uint64_t)-1, 0};
        got = run_instead(rp, t, SYS_mmap, a);
        if (got == result && file)
            fill_from_trace(rp, t, ev);
    }
    if (got != result)
        divergence(rp, "mmap returned 0x%llx, recorded 0x%llx", (unsigned long long)got,
                   (unsigned long long)result);
    if (file && (e->rdx & PROT_EXEC) && (e->r10 & MAP_SHARED_VALIDATE) == MAP_PRIVATE)
        insn_sites_plant_file(t->tid, file_cache_fd(rp->files, ev->mmap_name), result,
                             result + e->rsi, ev->mmap.offset);
}

void replay_mremap(struct replayer *rp, struct ptask *t, int64_t result)
{
    regs_t a = t->entry_regs;
    if ((uint64_t)result != a.rdi) {
        a.r10 |= MREMAP_MAYMOVE | MREMAP_FIXED;
        a.r8 = result;
    }
    int64_t got = replay_execute(rp, t, &a);
    if (got != result)
        divergence(rp, "mremap returned 0x%llx, recorded 0x%llx", (unsigned long long)got,
                   (unsigned long long)result);
}

