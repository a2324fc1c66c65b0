/* Replaying one syscall.  Emulated ones never run: the recorded result
 * and memory are put in place at the SYSEMU stop.  Executed ones run for
 * real, steered to their recorded outcome (an mmap lands at its recorded
 * address, filled from the file saved in the trace). */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arch/tracee_mem.h"
#include "common/die.h"
#include "replay/replayer.h"
#include "syscalls/syscall_table.h"
#include "tracee/tracee.h"
#include "syscalls/written_data.h"
#include "tracee/soft_breakpoint.h"

static bool is_emulated(long nr)
{
    const struct syscall_info *si = syscall_info(nr);
    return si->kind == SYS_EMULATE || si->kind == SYS_UNSUPPORTED ||
           si->kind == SYS_UNKNOWN || nr == SYS_rseq;
}

void replay_syscall_enter(struct replayer *rp, struct ptask *t, const struct event *ev)
{
    const regs_t *rec = &ev->u.enter.regs;
    long nr = rec->orig_rax;
    bool emulate = is_emulated(nr);
    struct stop s;
    resume_and_wait(rp, t, emulate ? PTRACE_SYSEMU : PTRACE_SYSCALL, &s);
    if (s.kind != STOP_SYSCALL_ENTRY) {
        char what[64];
        snprintf(what, sizeof what, "syscall %s", syscall_name(nr));
        divergence(rp, "expected %s, got %s", what,
                   s.kind == STOP_SIGNAL ? strsignal(s.sig) : s.kind == STOP_EXITED ? "the task's end" : "another stop");
    }
    regs_t now;
    regs_get(t->tid, &now);
    char why[160];
    if (now.orig_rax != rec->orig_rax)
        divergence(rp, "expected syscall %s, got %s", syscall_name(nr), syscall_name(now.orig_rax));
    if (!regs_match(&now, rec, why, sizeof why))
        divergence(rp, "registers differ entering %s: %s", syscall_name(nr), why);
    t->entry_regs = now;
    t->enter_event_no = rp->event_no;
    t->where = emulate ? PT_EMULATED : PT_AT_ENTRY;
    t->at_sysemu_stop = emulate;
}

static void write_regions(struct replayer *rp, struct ptask *t, const struct event *ev)
{
    const uint8_t *data = ev->region_data;
    for (uint32_t i = 0; i < ev->u.exit.nregions; i++) {
        struct ev_region r;
        memcpy(&r, &ev->regions[i], sizeof r);
        if (tracee_write(t->tid, r.addr, data, r.len) < 0)
            divergence(rp, "cannot write %llu bytes of %s's output at 0x%llx",
                       (unsigned long long)r.len, syscall_name(ev->u.exit.nr),
                       (unsigned long long)r.addr);
        data += r.len;
    }
}

/* The kernel wrote futex words on t's behalf while it blocked in
 * FUTEX_LOCK_PI, or as it exited (robust list): the recorder saw them at
 * this point, before any other thread ran on.  t is stopped (at its
 * syscall's entry), so its memory is the process's. */
void replay_kernel_write(struct replayer *rp, struct ptask *t, const struct event *ev)
{
    const uint8_t *data = ev->region_data;
    for (uint32_t i = 0; i < ev->u.kwrite.nregions; i++) {
        struct ev_region r;
        memcpy(&r, &ev->regions[i], sizeof r);
        if (tracee_write(t->tid, r.addr, data, r.len) != (ssize_t)r.len)
            divergence(rp, "cannot write the %llu bytes the kernel wrote at 0x%llx",
                       (unsigned long long)r.len, (unsigned long long)r.addr);
        data += r.len;
    }
}

static bool echo_chunk(const void *buf, size_t len, void *ctx)
{
    return write(*(int *)ctx, buf, len) == (ssize_t)len;
}

/* Writes what the program wrote to the recorder's stdout/stderr to ours. */
static void echo_output(struct replayer *rp, struct ptask *t, const struct event *ev)
{
    int fd = ev->u.exit.flags & EXITF_ECHO_STDOUT ? 1 : 2;
    if (rp->mark_stdio) {
        /* -M: which process wrote it, at which event (`-g EVENT` goes there). */
        char mark[64];
        int n = snprintf(mark, sizeof mark, "[rr %d %llu]", t->rec_tgid,
                         (unsigned long long)t->enter_event_no);
        if (write(fd, mark, n) < 0)
            return;
    }
    written_data_each(t->tid, &t->entry_regs, ev->u.exit.result, echo_chunk, &fd);
}

/* A write whose bytes are not the recorded ones: the replay went another
 * way, however its registers look. */
static void check_output(struct replayer *rp, struct ptask *t, const struct event *ev)
{
    uint8_t hash[WRITTEN_HASH_LEN];
    bool echoed = ev->u.exit.flags & (EXITF_ECHO_STDOUT | EXITF_ECHO_STDERR);
    uint64_t len = written_data_hash_len(ev->u.exit.result, echoed);
    if (!written_data_hash(t->tid, &t->entry_regs, len, hash) ||
        memcmp(hash, ev->output_hash, sizeof hash))
        divergence(rp, "the %lld bytes %s wrote differ from the recorded ones",
                   (long long)ev->u.exit.result, syscall_name(ev->u.exit.nr));
}

/* Leaves the thread as the recorded syscall left it: its result in rax,
 * and the argument registers we may have rewritten put back.  Other
 * registers are as the kernel left them (arch_prctl changed fs_base). */
void finish_with_result(struct ptask *t, int64_t result)
{
    regs_t r;
    regs_get(t->tid, &r);
    for (int i = 0; i < 6; i++)
        regs_set_arg(&r, i, regs_arg(&t->entry_regs, i));
    r.orig_rax = t->entry_regs.orig_rax;
    r.rax = result;
    regs_set(t->tid, &r);
    t->where = PT_STOPPED;
}

int64_t replay_execute(struct replayer *rp, struct ptask *t, const regs_t *args)
{
    if (args)
        regs_set(t->tid, args);
    struct stop s;
    resume_and_wait(rp, t, PTRACE_SYSCALL, &s);
    if (s.kind != STOP_SYSCALL_EXIT) {
        char what[64];
        snprintf(what, sizeof what, "the end of %s", syscall_name(t->entry_regs.orig_rax));
        divergence(rp, "expected %s, got another stop", what);
    }
    regs_t now;
    regs_get(t->tid, &now);
    return now.rax;
}

/* The kernel state of t a checkpoint's copy must be given again. */
static void note_thread_state(struct ptask *t, long nr, int64_t result)
{
    const regs_t *r = &t->entry_regs;
    if (nr == SYS_set_tid_address) {
        t->clear_child_tid = r->rdi;
    } else if (nr == SYS_sigaltstack && result == 0 && r->rdi) {
        stack_t ss;
        if (tracee_read(t->tid, r->rdi, &ss, sizeof ss) == (ssize_t)sizeof ss) {
            t->has_altstack = !(ss.ss_flags & SS_DISABLE);
            t->altstack = ss;
        }
    }
}

void replay_syscall_exit(struct replayer *rp, struct ptask *t, const struct event *ev)
{
    long nr = ev->u.exit.nr;
    int64_t result = ev->u.exit.result;
    if (nr != (long)t->entry_regs.orig_rax)
        divergence(rp, "exit of %s while in %s", syscall_name(nr), syscall_name(t->entry_regs.orig_rax));
    if (t->where == PT_EMULATED) {
        write_regions(rp, t, ev);
    } else if (t->where == PT_IN_SYSCALL && (nr == SYS_vfork || (nr == SYS_clone && (t->entry_regs.rdi & CLONE_VFORK)))) {
        /* The parent of a vfork returns only once its child has exec'd or
         * exited, which later events bring about: finish it then. */
        if (tracee_resume(PTRACE_SYSCALL, t->tid, 0) < 0)
            divergence(rp, "cannot resume thread %d: %s", t->tid, strerror(errno));
        t->where = PT_COMPLETING;
        t->completing_result = result;
        return;
    } else if (t->where == PT_IN_SYSCALL) {
        /* fork/clone after its new-task event. */
        replay_execute(rp, t, NULL);
        write_regions(rp, t, ev);
    } else if (t->where != PT_AT_ENTRY) {
        divergence(rp, "exit of %s without its entry", syscall_name(nr));
    } else if (result < 0 && result > -4096 && syscall_info(nr)->kind == SYS_SPECIAL &&
               nr != SYS_rt_sigreturn /* its "result" is the restored rax */) {
        /* It failed when recorded: make it fail now without running it. */
        regs_t a = t->entry_regs;
        a.orig_rax = -1;
        replay_execute(rp, t, &a);
    } else if (nr == SYS_mmap) {
        replay_mmap(rp, t, ev);
    } else if (nr == SYS_mremap) {
        replay_mremap(rp, t, result);
    } else {
        int64_t got = replay_execute(rp, t, NULL);
        if (nr == SYS_brk && got != result)
            divergence(rp, "brk returned 0x%llx, recorded 0x%llx", (unsigned long long)got,
                       (unsigned long long)result);
        write_regions(rp, t, ev);
    }
    if (nr == SYS_rt_sigreturn) {
        t->where = PT_STOPPED; /* it restored every register itself */
        return;
    }
    note_thread_state(t, nr, result);
    finish_with_result(t, result);
    t->interrupted_syscall = result == -EINTR || (result <= -512 && result >= -516);
    t->restart_due = result <= -512 && result >= -516;
    if (ev->u.exit.flags & EXITF_OUTPUT_HASH)
        check_output(rp, t, ev);
    if ((ev->u.exit.flags & (EXITF_ECHO_STDOUT | EXITF_ECHO_STDERR)) && !rp->quiet)
        echo_output(rp, t, ev);
}

void replay_complete_syscall(struct replayer *rp, struct ptask *t)
{
    struct stop s;
    stop_classify(t->tid, replay_wait(rp, t->tid), &s);
    if (s.kind != STOP_SYSCALL_EXIT)
        divergence(rp, "thread %d did not finish %s", t->tid, syscall_name(t->entry_regs.orig_rax));
    finish_with_result(t, t->completing_result);
}
