/* The replay main loop: read the next event, drive its task to the
 * matching stop, check it is the same stop as recorded, apply what the
 * recording saw. */
#include "replay/replayer.h"

#include <errno.h>
#include <setjmp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/rdtsc.h"
#include "arch/cpuid.h"
#include "arch/insn_sites.h"
#include "arch/tracee_mem.h"
#include "arch/vdso.h"
#include "common/die.h"
#include "replay/checkpoint.h"
#include "replay/debugger.h"
#include "trace/event_reader.h"
#include "trace/tracedir.h"
#include "tracee/tracee.h"
#include "tracee/soft_breakpoint.h"

static struct replayer *active;

static char *kept_exec_dir; /* for the whole replay: checkpoints run there */

static void kill_tracees(void)
{
    if (!active)
        return;
    for (struct ptask *t = active->tasks; t; t = t->next)
        kill(t->tid, SIGKILL);
    exec_dir_remove(active);
    kept_exec_dir = NULL;
    active = NULL;
}

void divergence(struct replayer *rp, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    const struct event *ev = rp->ev;
    die("divergence at event %llu (%s, thread %d): %s", (unsigned long long)rp->event_no,
        ev ? event_type_name(ev->type) : "?", ev ? ev->tid : 0, why);
}

struct ptask *ptask_find(struct replayer *rp, pid_t rec_tid)
{
    for (struct ptask *t = rp->tasks; t; t = t->next)
        if (t->rec_tid == rec_tid)
            return t;
    return NULL;
}

noreturn void replay_abandon(int code)
{
    kill_tracees();
    exit(code);
}

static void ptask_remove(struct replayer *rp, struct ptask *t);
static jmp_buf restart_point;
static struct debugger *kept_debugger; /* survives a restart, with gdb's connection */

static const struct replay_checkpoint *restore_from; /* where the next start begins */

/* Kills the replayed tasks (not the checkpoints) and forgets them. */
static void end_tasks(struct replayer *rp)
{
    for (struct ptask *t = rp->tasks; t; t = t->next)
        kill(t->tid, SIGKILL);
    /* Threads first: a leader's end is reported once they are reaped. */
    for (int leaders = 0; leaders < 2; leaders++)
        for (struct ptask *t = rp->tasks; t; t = t->next)
            if ((t->tid == t->tgid) == leaders)
                while (waitpid(t->tid, NULL, __WALL) < 0 && errno == EINTR)
                    ;
    /* Their orphans; the checkpoints, stopped, have nothing to report. */
    while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
        ;
    while (rp->tasks)
        ptask_remove(rp, rp->tasks);
    event_reader_close(rp->reader);
    file_cache_free(rp->files);
    free(rp->stashed);
}

noreturn void replay_restart_from(const struct replay_checkpoint *cp)
{
    if (active)
        end_tasks(active);
    active = NULL;
    position_search_forget();
    restore_from = cp;
    longjmp(restart_point, 1);
}

noreturn void replay_restart(void)
{
    replay_restart_from(NULL);
}

static struct ptask *ptask_add(struct replayer *rp, pid_t rec_tid, pid_t rec_tgid, pid_t tid,
                               pid_t tgid)
{
    struct ptask *t = xcalloc(1, sizeof *t);
    t->rec_tid = rec_tid;
    t->rec_tgid = rec_tgid;
    t->tid = tid;
    t->tgid = tgid;
    struct ptask **p = &rp->tasks;
    while (*p)
        p = &(*p)->next;
    *p = t;
    return t;
}

static void ptask_remove(struct replayer *rp, struct ptask *t)
{
    for (struct ptask **p = &rp->tasks; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    tracee_forget(t->tid);
    free(t);
}

bool replay_is_fault(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGTRAP;
}

void resume_and_wait(struct replayer *rp, struct ptask *t, int request, struct stop *s)
{
    resume_and_wait_sig(rp, t, request, 0, s);
}

/* From /proc/TID/status: is sig caught by a handler, ignored, or neither. */
static int disposition(pid_t tid, int sig)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", tid);
    FILE *f = fopen(path, "re");
    int d = 0;
    unsigned long long bits;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "SigIgn: %llx", &bits) == 1 && (bits >> (sig - 1) & 1))
            d = 'I';
        if (sscanf(line, "SigCgt: %llx", &bits) == 1 && (bits >> (sig - 1) & 1))
            d = 'C';
    }
    if (f)
        fclose(f);
    return d;
}

static bool ignored_by_default(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

/* Delivers a signal that interrupted a wait with a temporary mask (see
 * waited_with_mask): the kernel saved the thread's own mask for the
 * handler's frame to restore; here the frame is given that mask. */
static int deliver_after_masked_wait(struct replayer *rp, struct ptask *t, int sig)
{
    t->mask_after_delivery = false;
    int d = disposition(t->tid, sig);
    if (d == 'C') {
        /* A single-step with the signal stops at the handler's first
         * instruction, its frame built: fix uc_sigmask (frame + 304). */
        if (tracee_resume(PTRACE_SINGLESTEP, t->tid, sig) < 0)
            divergence(rp, "cannot deliver %s: %s", strsignal(sig), strerror(errno));
        struct stop s;
        stop_classify(t->tid, replay_wait(rp, t->tid), &s);
        if (s.kind != STOP_SIGNAL || s.sig != SIGTRAP)
            divergence(rp, "%s was not delivered to its handler", strsignal(sig));
        regs_t r;
        regs_get(t->tid, &r);
        if (tracee_write(t->tid, r.rsp + 304, &t->saved_mask, sizeof t->saved_mask) < 0)
            divergence(rp, "cannot fix the signal frame of %s", strsignal(sig));
        return 0;
    }
    if (d == 'I' || ignored_by_default(sig)) {
        /* Nothing runs; the kernel put the saved mask back. */
        if (ptrace(PTRACE_SETSIGMASK, t->tid, sizeof t->saved_mask, &t->saved_mask) < 0)
            die_errno("cannot set the signal mask of thread %d", t->tid);
        return 0;
    }
    return sig; /* fatal: the mask no longer matters */
}

static void resume_and_wait_inner(struct replayer *rp, struct ptask *t, int request, int expected,
                                  struct stop *s);

void resume_and_wait_sig(struct replayer *rp, struct ptask *t, int request, int expected,
                         struct stop *s)
{
    uint64_t mask;
    bool unblocked = debugger_unblock_points(rp, t, &mask);
    resume_and_wait_inner(rp, t, request, expected, s);
    if (unblocked && ptrace(PTRACE_SETSIGMASK, t->tid, sizeof mask, &mask) < 0 && errno != ESRCH)
        die_errno("cannot set the signal mask of thread %d", t->tid);
}

static void resume_and_wait_inner(struct replayer *rp, struct ptask *t, int request, int expected,
                                  struct stop *s)
{
    int sig = t->pending_sig;
    t->pending_sig = 0;
    if (sig && t->mask_after_delivery)
        sig = deliver_after_masked_wait(rp, t, sig);
    if (debugger_before_resume(rp, t, request, expected, &sig, s))
        return;
    bool skip_exit = t->at_sysemu_stop && request != PTRACE_SYSEMU;
    t->at_sysemu_stop = false;
    for (;;) {
        if (tracee_resume(request, t->tid, sig) < 0)
            divergence(rp, "cannot resume thread %d: %s", t->tid, strerror(errno));
        stop_classify(t->tid, replay_wait(rp, t->tid), s);
        sig = 0;
        if (s->kind == STOP_GROUP)
            continue;
        if (s->kind == STOP_SYSCALL_EXIT && t->fresh && t->where == PT_STOPPED) {
            t->fresh = false; /* the child's side of fork returning */
            continue;
        }
        if (s->kind == STOP_SYSCALL_EXIT && skip_exit) {
            /* Leaving a SYSEMU stop other than by PTRACE_SYSEMU reports
             * the skipped syscall's exit. */
            skip_exit = false;
            continue;
        }
        t->fresh = false;
        if (debugger_claims_stop(rp, t, s)) {
            if (debugger_before_resume(rp, t, request, expected, &sig, s))
                return;
            continue;
        }
        /* Signals the replay's own processes raise for real (SIGCHLD when
         * a child exits, ...) are dropped: the recorded ones are events. */
        if (s->kind == STOP_SIGNAL && !replay_is_fault(s->sig) && s->sig != expected)
            continue;
        return;
    }
}

static const char *stop_name(const struct stop *s, char *buf, size_t len)
{
    switch (s->kind) {
    case STOP_SYSCALL_ENTRY: return "a syscall entry";
    case STOP_SYSCALL_EXIT: return "a syscall exit";
    case STOP_SIGNAL: snprintf(buf, len, "signal %s", strsignal(s->sig)); return buf;
    case STOP_EVENT: snprintf(buf, len, "ptrace event %d", s->event); return buf;
    case STOP_GROUP: return "a group-stop";
    case STOP_VANISHED: return "its death";
    case STOP_EXITED:
        if (WIFEXITED(s->status))
            snprintf(buf, len, "exit with status %d", WEXITSTATUS(s->status));
        else
            snprintf(buf, len, "death by %s", strsignal(WTERMSIG(s->status)));
        return buf;
    }
    return "?";
}

static void expect(struct replayer *rp, const struct stop *s, enum stop_kind kind, int sig,
                   const char *what)
{
    if (s->kind == kind && (kind != STOP_SIGNAL || s->sig == sig))
        return;
    char buf[128];
    divergence(rp, "expected %s, got %s", what, stop_name(s, buf, sizeof buf));
}

static void check_regs(struct replayer *rp, pid_t tid, const regs_t *recorded, regs_t *now)
{
    regs_get(tid, now);
    char why[160];
    if (!regs_match(now, recorded, why, sizeof why)) {
        debug("now rax %llx rcx %llx rdx %llx rsi %llx rip %llx eflags %llx", now->rax, now->rcx,
              now->rdx, now->rsi, now->rip, now->eflags);
        debug("rec rax %llx rcx %llx rdx %llx rsi %llx rip %llx eflags %llx", recorded->rax,
              recorded->rcx, recorded->rdx, recorded->rsi, recorded->rip, recorded->eflags);
        divergence(rp, "registers differ: %s", why);
    }
}

/* rt_sigsuspend, ppoll, pselect6 and epoll_pwait* wait with a temporary
 * signal mask, and a signal that interrupts them is delivered under it.
 * Replay emulates the wait, so it puts that mask in place around the
 * delivery.  Returns true with the temporary mask in *mask. */
static bool waited_with_mask(struct ptask *t, uint64_t *mask)
{
    if (!t->interrupted_syscall)
        return false;
    const regs_t *r = &t->entry_regs;
    uint64_t ptr = 0;
    switch (r->orig_rax) {
    case SYS_rt_sigsuspend: ptr = r->rdi; break;
    case SYS_ppoll: ptr = r->r8; break;
    case SYS_epoll_pwait: case SYS_epoll_pwait2: ptr = r->r8; break;
    case SYS_pselect6:
        if (r->r9 && tracee_read(t->tid, r->r9, &ptr, sizeof ptr) != sizeof ptr)
            return false;
        break;
    default: return false;
    }
    return ptr && tracee_read(t->tid, ptr, mask, sizeof *mask) == sizeof *mask;
}

/* SIGF_UNDONE_SYSCALL: no syscall since the thread's last event, so its
 * next syscall entry is where the recorder undid one.  It is skipped, and
 * the thread put back before the instruction as the recorder put it, rcx
 * and r11 as the instruction left them. */
static void run_to_undone_syscall(struct replayer *rp, struct ptask *t)
{
    struct stop s;
    resume_and_wait(rp, t, PTRACE_SYSEMU, &s);
    expect(rp, &s, STOP_SYSCALL_ENTRY, 0, "the syscall entry a signal came before");
    regs_t r;
    regs_get(t->tid, &r);
    r.rip -= 2;
    r.rax = r.orig_rax;
    r.orig_rax = -1;
    regs_set(t->tid, &r);
    t->at_sysemu_stop = true;
}

static void replay_signal(struct replayer *rp, struct ptask *t, const struct ev_signal *e,
                          uint64_t run_cpu_ns)
{
    if ((e->flags & SIGF_SYNC) && e->signo == SIGBUS && e->info.si_code == BUS_ADRERR &&
        replay_sigbus(rp, t, e))
        return;
    uint64_t temp_mask, saved_mask = 0;
    bool swap = !(e->flags & SIGF_SYNC) && waited_with_mask(t, &temp_mask);
    if (swap && (ptrace(PTRACE_GETSIGMASK, t->tid, sizeof saved_mask, &saved_mask) < 0 ||
                 ptrace(PTRACE_SETSIGMASK, t->tid, sizeof temp_mask, &temp_mask) < 0))
        die_errno("cannot set the signal mask of thread %d", t->tid);
    if (e->flags & SIGF_UNDONE_SYSCALL)
        run_to_undone_syscall(rp, t);
    if (e->flags & SIGF_IN_CODE)
        reach_position(rp, t, &e->regs, &e->pos, run_cpu_ns);
    if (!(e->flags & SIGF_SYNC) && syscall(SYS_tgkill, t->tgid, t->tid, e->signo) < 0)
        die_errno("cannot send %s to thread %d", strsignal(e->signo), t->tid);
    struct stop s;
    resume_and_wait_sig(rp, t, PTRACE_SYSEMU, e->signo, &s);
    expect(rp, &s, STOP_SIGNAL, e->signo, strsignal(e->signo));
    if (swap) {
        t->mask_after_delivery = true;
        t->saved_mask = saved_mask;
    }
    regs_t now;
    check_regs(rp, t->tid, &e->regs, &now);
    if (e->flags & SIGF_DISCARD) {
        t->where = PT_STOPPED; /* the recorder swallowed it: so do we */
        return;
    }
    debugger_signal(rp, t, e->signo);
    if (ptrace(PTRACE_SETSIGINFO, t->tid, 0, &e->info) < 0)
        die_errno("ptrace(SETSIGINFO)");
    t->pending_sig = e->signo;
    t->where = PT_STOPPED;
}

/* Runs t to the rdtsc, rdtscp or cpuid the trace has next for it: a
 * SIGTRAP from the int3 planted on it (arch/insn_sites.h), or for rdtsc
 * the SIGSEGV of PR_SET_TSC; t is left at the instruction, its registers
 * checked against the recorded ones (*now). */
static void run_to_insn(struct replayer *rp, struct ptask *t, enum insn_site want,
                        const regs_t *recorded, regs_t *now)
{
    struct stop s;
    const char *what = want == SITE_CPUID ? "a cpuid instruction" : "an rdtsc instruction";
    resume_and_wait(rp, t, PTRACE_SYSEMU, &s);
    if (s.kind == STOP_SIGNAL && s.sig == SIGTRAP) {
        regs_t at;
        regs_get(t->tid, &at);
        enum insn_site site = insn_site_at(t->tid, at.rip - 1);
        if (site == SITE_NONE || (site == SITE_CPUID) != (want == SITE_CPUID))
            divergence(rp, "a SIGTRAP at 0x%llx where %s was recorded", (unsigned long long)at.rip,
                       what);
        at.rip--; /* back onto the site */
        regs_set(t->tid, &at);
    } else {
        expect(rp, &s, STOP_SIGNAL, SIGSEGV, what);
    }
    check_regs(rp, t->tid, recorded, now);
    t->where = PT_STOPPED;
}

static void replay_rdtsc(struct replayer *rp, struct ptask *t, const struct ev_rdtsc *e)
{
    regs_t now;
    run_to_insn(rp, t, SITE_RDTSC, &e->regs, &now);
    rdtsc_apply(t->tid, &now, e);
}

static void replay_cpuid(struct replayer *rp, struct ptask *t, const struct ev_cpuid *e)
{
    regs_t now;
    run_to_insn(rp, t, SITE_CPUID, &e->regs, &now);
    cpuid_apply(t->tid, &now, e);
}

/* CLONE_PARENT_SETTID and CLONE_CHILD_SETTID made the kernel store the
 * new thread id in memory (glibc keeps it in the thread descriptor, and
 * uses it as a lock owner); the program must find the recorded one. */
static void put_recorded_tids(struct ptask *parent, struct ptask *child, const struct ev_clone *c)
{
    const regs_t *r = &parent->entry_regs;
    uint64_t ptid = 0, ctid = 0;
    if (r->orig_rax == SYS_clone) {
        ptid = r->rdx;
        ctid = r->r10;
    } else if (r->orig_rax == SYS_clone3) {
        uint64_t args[4] = {0};
        tracee_read(parent->tid, r->rdi, args, sizeof args);
        ctid = args[2];
        ptid = args[3];
    }
    child->clear_child_tid = c->flags & CLONE_CHILD_CLEARTID ? ctid : 0;
    /* A thread sharing the memory starts without a signal stack. */
    child->has_altstack = parent->has_altstack && !((c->flags & CLONE_VM) && !(c->flags & CLONE_VFORK));
    child->altstack = parent->altstack;
    int32_t tid = c->child_tid;
    if ((c->flags & CLONE_PARENT_SETTID) && ptid)
        tracee_write(parent->tid, ptid, &tid, sizeof tid);
    if ((c->flags & CLONE_CHILD_SETTID) && ctid)
        tracee_write(child->tid, ctid, &tid, sizeof tid);
}

static void replay_clone(struct replayer *rp, struct ptask *t, const struct ev_clone *c)
{
    if (t->where != PT_AT_ENTRY)
        divergence(rp, "a new task appeared outside a clone/fork syscall");
    struct stop s;
    resume_and_wait(rp, t, PTRACE_SYSCALL, &s);
    if (s.kind != STOP_EVENT || (s.event != PTRACE_EVENT_FORK && s.event != PTRACE_EVENT_VFORK &&
                                 s.event != PTRACE_EVENT_CLONE))
        expect(rp, &s, STOP_EVENT, 0, "a new task");
    unsigned long msg = 0;
    ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg);
    pid_t child = msg;
    bool thread = c->flags & CLONE_THREAD;
    struct ptask *ct = ptask_add(rp, c->child_tid, thread ? t->rec_tgid : c->child_tid, child,
                                 thread ? t->tgid : child);
    ct->fresh = true;
    ct->syscall_insn = t->syscall_insn;
    /* Its first stop is the SIGSTOP every traced child starts with. */
    struct stop cs;
    stop_classify(child, replay_wait(rp, child), &cs);
    if (cs.kind != STOP_SIGNAL || cs.sig != SIGSTOP)
        expect(rp, &cs, STOP_SIGNAL, SIGSTOP, "the new task's first stop");
    ct->where = PT_STOPPED;
    t->where = PT_IN_SYSCALL;
    put_recorded_tids(t, ct, c);
    debugger_new_task(rp, t, ct, thread);
}

static void apply_exec(struct replayer *rp, struct ptask *t, const struct event *ev)
{
    regs_t now;
    check_regs(rp, t->tid, &ev->u.exec.regs, &now);
    t->clear_child_tid = 0;
    t->has_altstack = false;
    exec_interp_restore(rp, t);
    if (tracee_write(t->tid, ev->u.exec.stack_addr, ev->stack, ev->u.exec.stack_len) < 0)
        divergence(rp, "cannot restore the initial stack");
    vdso_patch(t->tid, &t->syscall_insn);
    insn_sites_plant_all(t->tid);
    t->where = PT_STOPPED;
}

/* The replayed program runs through a link with another name: give its
 * threads the name the kernel gave them when recorded, from the file
 * exec'd (the first 15 bytes of its last path component). */
static void set_comm(struct ptask *t, const char *path)
{
    if (!path)
        return;
    const char *base = strrchr(path, '/');
    char name[16], saved[16];
    snprintf(name, sizeof name, "%s", base ? base + 1 : path);
    regs_t r;
    regs_get(t->tid, &r);
    uint64_t scratch = r.rsp - 1024; /* below the red zone, put back after */
    if (tracee_read(t->tid, scratch, saved, sizeof saved) != sizeof saved ||
        tracee_write(t->tid, scratch, name, sizeof name) < 0)
        return;
    remote_syscall(t->tid, t->syscall_insn, false, SYS_prctl, PR_SET_NAME, scratch, 0);
    tracee_write(t->tid, scratch, saved, sizeof saved);
}

static void wait_collecting(struct replayer *rp, pid_t tid, int request, bool skip_ends,
                            struct stop *s);

static void replay_exec(struct replayer *rp, struct ptask *t, const struct event *ev)
{
    if (t->where != PT_AT_ENTRY)
        divergence(rp, "an exec outside an execve syscall");
    /* Point execve at the trace's copy, through a same-length name. */
    char *link = NULL, path[4096];
    ssize_t len = -1;
    if (t->entry_regs.orig_rax == SYS_execve)
        len = tracee_read_str(t->tid, t->entry_regs.rdi, path, sizeof path);
    if (len > 0 && (link = exec_link_create(rp, len, ev)))
        tracee_write(t->tid, t->entry_regs.rdi, link, len);
    struct stop s;
    /* A non-leader's exec is reported under the leader's tid, which the
     * thread then keeps; the leader is gone. */
    struct ptask *leader = ev->u.exec.new_tid ? ptask_find(rp, ev->u.exec.new_tid) : NULL;
    if (leader == t)
        leader = NULL;
    pid_t report_tid = leader ? leader->tid : t->tid;
    int sig = t->pending_sig;
    t->pending_sig = 0;
    if (tracee_resume(PTRACE_SYSCALL, t->tid, sig) < 0)
        divergence(rp, "cannot resume thread %d: %s", t->tid, strerror(errno));
    wait_collecting(rp, report_tid, PTRACE_SYSCALL, leader != NULL, &s);
    if (leader) {
        t->tid = t->tgid = leader->tid;
        t->rec_tid = t->rec_tgid = ev->u.exec.new_tid;
        ptask_remove(rp, leader);
    }
    exec_link_remove(rp, link);
    if (s.kind != STOP_EVENT || s.event != PTRACE_EVENT_EXEC)
        expect(rp, &s, STOP_EVENT, 0, "the exec of a new program");
    resume_and_wait(rp, t, PTRACE_SYSCALL, &s);
    expect(rp, &s, STOP_SYSCALL_EXIT, 0, "the end of execve");
    apply_exec(rp, t, ev);
    set_comm(t, event_string(ev->strings, ev->strings_len, 0));
    debugger_exec(rp, t, event_string(ev->strings, ev->strings_len, 0));
}

/* The thread was stopped here to let another run: stop it at the same
 * point, and check it is the same point. */
static void replay_preempt(struct replayer *rp, struct ptask *t, const struct ev_preempt *p,
                           uint64_t run_cpu_ns)
{
    reach_position(rp, t, &p->regs, &p->pos, run_cpu_ns);
    regs_t now;
    check_regs(rp, t->tid, &p->regs, &now);
}

void stash_status(struct replayer *rp, pid_t tid, int status)
{
    if (rp->nstashed == rp->stash_cap) {
        rp->stash_cap = rp->stash_cap ? 2 * rp->stash_cap : 16;
        rp->stashed = xrealloc(rp->stashed, rp->stash_cap * sizeof *rp->stashed);
    }
    rp->stashed[rp->nstashed++] = (struct stashed_status){tid, status};
}

int replay_wait(struct replayer *rp, pid_t tid)
{
    for (int i = 0; i < rp->nstashed; i++)
        if (rp->stashed[i].tid == tid) {
            int status = rp->stashed[i].status;
            rp->stashed[i] = rp->stashed[--rp->nstashed];
            return status;
        }
    return wait_for(tid);
}

/* Waits for a stop of tid, collecting the statuses of other tasks (for
 * their own events) meanwhile: an exit_group or an exec ends the other
 * threads of a process, and the kernel reports the leader, or lets the
 * exec finish, only once they are reaped.  Stray signal stops of tid are
 * dropped (it is resumed with `request`); with skip_ends, a reported end
 * of tid is passed over (an exec'd-over leader's).  */
static void wait_collecting(struct replayer *rp, pid_t tid, int request, bool skip_ends,
                            struct stop *s)
{
    for (int i = 0; i < rp->nstashed; i++)
        if (rp->stashed[i].tid == tid) {
            stop_classify(tid, replay_wait(rp, tid), s);
            return;
        }
    for (;;) {
        int status;
        pid_t pid = tracee_wait(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            divergence(rp, "thread %d vanished: %s", tid, strerror(errno));
        }
        if (pid != tid) {
            stash_status(rp, pid, status);
            continue;
        }
        if (skip_ends && !WIFSTOPPED(status))
            continue;
        stop_classify(tid, status, s);
        if (s->kind == STOP_SIGNAL && !replay_is_fault(s->sig)) {
            tracee_resume(request, tid, 0);
            continue;
        }
        return;
    }
}

static void replay_task_exit(struct replayer *rp, struct ptask *t, int status)
{
    struct stop s;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
        /* SIGKILL has no delivery stop to record: the task just died. */
        syscall(SYS_tgkill, t->tgid, t->tid, SIGKILL);
    } else {
        int sig = t->pending_sig;
        t->pending_sig = 0;
        if (tracee_resume(PTRACE_CONT, t->tid, sig) < 0 && errno != ESRCH)
            divergence(rp, "cannot resume thread %d: %s", t->tid, strerror(errno));
    }
    wait_collecting(rp, t->tid, PTRACE_CONT, false, &s);
    bool same = s.kind == STOP_EXITED &&
                (WIFEXITED(status) ? WIFEXITED(s.status) && WEXITSTATUS(s.status) == WEXITSTATUS(status)
                                   : WIFSIGNALED(s.status) && WTERMSIG(s.status) == WTERMSIG(status));
    if (!same) {
        char buf[128], want[128];
        struct stop ws = {.kind = STOP_EXITED, .status = status};
        divergence(rp, "expected %s, got %s", stop_name(&ws, want, sizeof want),
                   stop_name(&s, buf, sizeof buf));
    }
    debugger_task_gone(rp, t, status);
    ptask_remove(rp, t);
}

/* A syscall that returned ERESTART* and met no signal: the kernel woke the
 * thread for a process-directed signal that another thread then took,
 * and restarted the syscall on the way back to user code.  Replay, which
 * gave the thread that result, restarts it the same way. */
static void restart_unsignalled(struct ptask *t)
{
    regs_t r;
    if (!regs_get_quiet(t->tid, &r))
        return;
    switch ((int64_t)r.rax) {
    case -512: case -513: case -514: r.rax = r.orig_rax; break;
    case -516: r.rax = SYS_restart_syscall; break;
    default: return;
    }
    r.rip -= 2;
    regs_set(t->tid, &r);
}

static void replay_event(struct replayer *rp, const struct event *ev)
{
    struct ptask *t = ptask_find(rp, ev->tid);
    if (!t)
        divergence(rp, "the trace names thread %d, which does not exist at this point", ev->tid);
    if (ev->type == EV_KERNEL_WRITE) { /* not a stop of t: t stays where it is */
        replay_kernel_write(rp, t, ev);
        return;
    }
    if (t->where == PT_COMPLETING)
        replay_complete_syscall(rp, t);
    if (t->restart_due) {
        t->restart_due = false;
        /* A signal delivered at the exit stop (rax still ERESTART*)
         * restarts it itself; one that came later, on the way back to
         * user code or in it, came after the kernel's own restart. */
        int64_t rax = ev->type == EV_SIGNAL ? (int64_t)ev->u.sig.regs.rax : 0;
        if (ev->type != EV_SIGNAL || rax < -516 || rax > -512)
            restart_unsignalled(t);
    }
    if (ev->type != EV_SIGNAL)
        t->interrupted_syscall = false;
    if (debug_enabled) {
        regs_t r;
        regs_get(t->tid, &r);
        debug("event %llu %s tid %d: at rip 0x%llx rax 0x%llx orig_rax %lld where %d",
              (unsigned long long)rp->event_no, event_type_name(ev->type), t->tid,
              r.rip, r.rax, (long long)r.orig_rax, t->where);
    }
    t->nevents++;
    switch (ev->type) {
    case EV_SYSCALL_ENTER: replay_syscall_enter(rp, t, ev); break;
    case EV_SYSCALL_EXIT: replay_syscall_exit(rp, t, ev); break;
    case EV_SIGNAL: replay_signal(rp, t, &ev->u.sig, ev->run_cpu_ns); break;
    case EV_RDTSC: replay_rdtsc(rp, t, &ev->u.rdtsc); break;
    case EV_CPUID: replay_cpuid(rp, t, &ev->u.cpuid); break;
    case EV_CLONE: replay_clone(rp, t, &ev->u.clone); break;
    case EV_EXEC: replay_exec(rp, t, ev); break;
    case EV_TASK_EXIT: replay_task_exit(rp, t, ev->u.task_exit.status); break;
    case EV_PREEMPT: replay_preempt(rp, t, &ev->u.preempt, ev->run_cpu_ns); break;
    default: divergence(rp, "unexpected %s event", event_type_name(ev->type));
    }
}

static bool is_live_task(struct replayer *rp, pid_t tid)
{
    for (struct ptask *t = rp->tasks; t; t = t->next)
        if (t->tid == tid)
            return true;
    return false;
}

/* Processes whose recorded parent's wait() was emulated stay zombies; as
 * the subreaper we inherit them when that parent exits.  Peek first, so
 * the status of a task still being replayed is never consumed here. */
static void reap_orphans(struct replayer *rp)
{
    for (;;) {
        siginfo_t si = {0};
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) < 0 || si.si_pid == 0 ||
            is_live_task(rp, si.si_pid))
            return;
        waitpid(si.si_pid, NULL, __WALL);
    }
}

/* Reads the next event; false where the trace ends. */
static bool next_event(struct replayer *rp, struct event *ev)
{
    bool cut_off;
    bool got = event_reader_next(rp->reader, ev, &cut_off);
    rp->cut_off |= cut_off;
    return got;
}

static char **string_vector(const char *strings, uint32_t len, uint32_t first, uint32_t n)
{
    char **v = xcalloc(n + 1, sizeof *v);
    for (uint32_t i = 0; i < n; i++)
        v[i] = (char *)event_string(strings, len, first + i);
    return v;
}

/* A running copy of checkpoint cp takes the replay's place; ev is the
 * event the replay stood before, read again. */
static bool restore(struct replayer *rp, const struct replay_checkpoint *cp, struct event *ev)
{
    struct ptask *tasks = xcalloc(cp->ntasks, sizeof *tasks);
    int n = checkpoint_spawn(cp, tasks);
    if (!n) {
        free(tasks);
        return false;
    }
    for (;;) {
        if (!next_event(rp, ev))
            die("%s: the trace ends before event %llu, where a checkpoint was taken", rp->dir,
                (unsigned long long)cp->event_no);
        if (rp->reader->count == cp->event_no)
            break;
    }
    for (int i = 0; i < n; i++) {
        struct ptask *t = ptask_add(rp, tasks[i].rec_tid, tasks[i].rec_tgid, tasks[i].tid,
                                    tasks[i].tgid);
        *t = tasks[i];
        t->next = NULL;
    }
    free(tasks);
    rp->event_no = cp->event_no;
    rp->ev = ev;
    snprintf(rp->dbg_exe, sizeof rp->dbg_exe, "%s", cp->exe);
    debug("restored the checkpoint before event %llu: process %d", (unsigned long long)cp->event_no,
          rp->tasks->tgid);
    return true;
}

/* Starts the recorded program; ev is its exec. */
static void spawn_program(struct replayer *rp, const struct event *init, const char *strings,
                          struct event *ev)
{
    const struct ev_init *in = &init->u.init;
    const char *exe = event_string(strings, init->strings_len, 0);
    if (!next_event(rp, ev) || ev->type != EV_EXEC)
        die("%s: the trace does not start with the program's exec", rp->dir);
    rp->ev = ev;
    char *link = exec_link_create(rp, strlen(exe), ev);
    char **argv = string_vector(strings, init->strings_len, 2, in->argc);
    char **envp = string_vector(strings, init->strings_len, 2 + in->argc, in->envc);
    struct spawn_spec spec = {
        .exe = link ? link : exe,
        .cwd = rp->exec_dir,
        .argv = argv,
        .envp = envp,
        .no_core = true,
    };
    rp->event_no = 2;
    pid_t root = tracee_spawn(&spec);
    exec_link_remove(rp, link);
    free(argv);
    free(envp);
    struct ptask *t0 = ptask_add(rp, init->tid, init->tid, root, root);
    apply_exec(rp, t0, ev);
    set_comm(t0, exe);
    if (rp->dbg) {
        debugger_restarted(rp);
        debugger_exec(rp, t0, event_string(ev->strings, ev->strings_len, 0));
    }
}

int replay_run(const struct replay_options *opt)
{
    static struct replayer rep;
    struct replayer *rp = &rep;
    /* gdb's `run` (and -k after gdb left) come back here, from the start,
     * and reverse passes, from a checkpoint. */
    setjmp(restart_point);
    memset(rp, 0, sizeof *rp);
    rp->reader = event_reader_open(opt->trace);
    rp->dir = rp->reader->dir;
    insn_sites_trap_cpuid(trace_dir_version(rp->dir) >= 2);
    rp->quiet = opt->quiet || debugger_searching(kept_debugger);
    rp->files = file_cache_new(rp->dir);
    rp->mark_stdio = opt->mark_stdio;
    if (!kept_exec_dir) {
        exec_dir_create(rp);
        kept_exec_dir = rp->exec_dir;
    }
    rp->exec_dir = kept_exec_dir;

    struct event init, ev;
    if (!next_event(rp, &init) || init.type != EV_INIT)
        die("%s: the trace does not start with its INIT event", rp->dir);
    /* init's strings point into the reader's buffer: copy them. */
    char *strings = xmalloc(init.strings_len);
    memcpy(strings, init.strings, init.strings_len);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    active = rp;
    die_hook = kill_tracees;
    if (!opt->autopilot) {
        if (!kept_debugger)
            kept_debugger = debugger_new(opt);
        rp->dbg = kept_debugger;
    }
    const struct replay_checkpoint *from = restore_from;
    restore_from = NULL;
    bool have_event = from && restore(rp, from, &ev);
    if (have_event) {
        debugger_restored(rp);
    } else {
        if (from) { /* the copy failed: from the beginning, then */
            event_reader_close(rp->reader);
            rp->reader = event_reader_open(opt->trace);
            next_event(rp, &init);
        }
        spawn_program(rp, &init, strings, &ev);
        rp->event_no = 3;
    }

    bool complete = true;
    for (;; rp->event_no++) {
        if (!have_event && !next_event(rp, &ev)) {
            complete = rp->tasks == NULL;
            break;
        }
        have_event = false;
        rp->ev = &ev;
        checkpoint_maybe_take(rp, &ev);
        debugger_before_event(rp, &ev);
        replay_event(rp, &ev);
        if (ev.type == EV_TASK_EXIT)
            reap_orphans(rp);
        debugger_after_event(rp, &ev);
    }
    if (!complete)
        debugger_trace_end(rp);
    if (!complete)
        die("%s: the trace ends after event %llu while the program was still running "
            "(the recording was cut off%s)", rp->dir, (unsigned long long)rp->event_no - 1,
            rp->cut_off ? " inside a block" : "");
    debugger_finish(rp);
    die_hook = NULL;
    active = NULL;
    exec_dir_remove(rp);
    kept_exec_dir = NULL;
    event_reader_close(rp->reader);
    free(strings);
    return 0;
}
