/* Futex words the kernel writes by itself, recorded at the point where
 * other threads can first see them (EV_KERNEL_WRITE; docs/trace-format.md).
 * Replay emulates futex calls without running them, so it puts the words
 * in place from the trace:
 *
 * - A FUTEX_LOCK_PI (or LOCK_PI2) that blocks sets FUTEX_WAITERS in the
 *   word before it sleeps, and the owner's unlock in user space sees the
 *   bit (its cmpxchg fails, so it calls FUTEX_UNLOCK_PI).  The caller is
 *   let run in the kernel until it sleeps with the bit set, or has already
 *   finished (it is then handled as a call that did not block), before any
 *   other thread runs; the word is recorded right after its entry.
 * - A thread that exits holding robust mutexes: the kernel walks its robust
 *   list (set_robust_list) and marks each word it owns FUTEX_OWNER_DIED,
 *   clearing the owner, and wakes a waiter.  The list is read at the exit's
 *   entry; once the thread is dead, the words are read through another
 *   thread of its process and the changed ones recorded, right after the
 *   exit's entry.  So is the word of a PI futex the exiting thread owned
 *   and another thread waits for in FUTEX_LOCK_PI: the kernel gives it to
 *   that waiter, which writes its own tid there as it wakes.
 * - Futex calls that cannot block (wake, requeue, unlock, trylock) run to
 *   their exit before any other thread runs, so what they write (a PI
 *   futex handed over to its next owner) is seen at their exit, where the
 *   syscall table's output regions record it.
 *
 * The clear_child_tid word (set_tid_address, CLONE_CHILD_CLEARTID) is
 * zeroed by the kernel as a thread exits; replay lets threads really exit,
 * so the kernel does it there too.  The one exit that replay holds back is
 * that of a leader whose other threads live on: its word is recorded with
 * the robust ones. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch/tracee_mem.h"
#include "common/die.h"
#include "record/recorder.h"
#include "syscalls/syscall_table.h"
#include "trace/event.h"

/* A futex word the kernel may write as a thread exits. */
struct exit_word {
    uint64_t addr;
    uint32_t before;
    bool pi_waited; /* a PI futex another thread waits for in FUTEX_LOCK_PI */
};

#define MAX_EXIT_WORDS (ROBUST_LIST_LIMIT + 64)

static int futex_cmd(const regs_t *e)
{
    return (int)e->rsi & FUTEX_CMD_MASK;
}

static bool is_lock_pi(const regs_t *e)
{
    return e->orig_rax == SYS_futex &&
           (futex_cmd(e) == FUTEX_LOCK_PI || futex_cmd(e) == FUTEX_LOCK_PI2);
}

/* A live thread of t's process other than t, to read its memory through. */
static struct rtask *sibling(struct recorder *r, const struct rtask *t)
{
    for (struct rtask *s = r->tasks; s; s = s->next)
        if (s != t && s->tgid == t->tgid && !s->exiting)
            return s;
    return NULL;
}

bool syscall_may_block(struct recorder *r, const struct rtask *t)
{
    const regs_t *e = &t->entry_regs;
    long nr = e->orig_rax;
    if (nr == SYS_futex) {
        switch (futex_cmd(e)) {
        case FUTEX_WAIT:
        case FUTEX_WAIT_BITSET:
        case FUTEX_LOCK_PI:
        case FUTEX_LOCK_PI2:
        case FUTEX_WAIT_REQUEUE_PI:
            return true;
        default:
            return false; /* what it writes, others may read at once */
        }
    }
    /* A leader's exit is reported only once its other threads are gone. */
    if (nr == SYS_exit)
        return t->tid == t->tgid && sibling(r, t);
    return syscall_info(nr)->flags & SF_BLOCKING;
}

/* The letter of /proc/TID/stat's state field ('R', 'S', 'Z', ...), 0 if
 * the thread is gone. */
static char task_state(pid_t tid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *paren = strrchr(buf, ')'); /* the name may hold spaces and parens */
    return paren && paren[1] == ' ' ? paren[2] : 0;
}

/* Whether a stop (or the end) of tid waits to be collected by waitpid. */
static bool stop_pending(pid_t tid)
{
    siginfo_t si = {0};
    return waitid(P_PID, tid, &si, WEXITED | WSTOPPED | WNOHANG | WNOWAIT | __WALL) == 0 &&
           si.si_pid == tid;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Waits, for at most a second, for a thread running in the kernel to get
 * where the kernel no longer changes anything by itself. */
struct settle {
    long long start;
    int round;
};

static bool keep_waiting(struct settle *s)
{
    if (!s->round++)
        s->start = now_ns();
    if (now_ns() - s->start > 1000000000ll)
        return false;
    if (s->round < 100) {
        sched_yield();
    } else {
        struct timespec pause = {0, 20000};
        nanosleep(&pause, NULL);
    }
    return true;
}

static void write_kernel_write(struct recorder *r, pid_t tid, uint32_t cause,
                               const struct ev_region *regions, const uint32_t *words, uint32_t n)
{
    struct ev_kernel_write kw = {.cause = cause, .nregions = n};
    struct iovec tail[2] = {{(void *)regions, n * sizeof *regions}, {(void *)words, n * 4}};
    event_write(r->events, EV_KERNEL_WRITE, tid, &kw, sizeof kw, tail, 2);
    r->nevents++;
}

/* A FUTEX_LOCK_PI just resumed into the kernel: it takes the lock and
 * returns, fails, or sets FUTEX_WAITERS and sleeps. */
static void settle_lock_pi(struct recorder *r, struct rtask *t)
{
    uint64_t uaddr = t->entry_regs.rdi;
    uint32_t word = 0;
    struct settle s = {0};
    for (;;) {
        if (stop_pending(t->tid)) {
            /* It did not block: its exit is handled before anything else
             * runs, and records the word. */
            t->state = RT_RUNNING;
            return;
        }
        char st = task_state(t->tid);
        if (tracee_read(t->tid, uaddr, &word, 4) != 4)
            return; /* the call fails with EFAULT */
        if ((st == 'S' || st == 'D') && (word & FUTEX_WAITERS))
            break;
        if (!keep_waiting(&s)) {
            debug("thread %d: FUTEX_LOCK_PI neither returned nor slept (state %c, word 0x%x)",
                  t->tid, st ? st : '?', word);
            break;
        }
    }
    struct ev_region reg = {uaddr, 4};
    write_kernel_write(r, t->tid, KW_FUTEX_BLOCKED, &reg, &word, 1);
}

static void add_exit_word(struct exit_word *w, int *n, pid_t tid, uint64_t addr, bool pi_waited)
{
    uint32_t v;
    if (*n >= MAX_EXIT_WORDS || addr % 4 || tracee_read(tid, addr, &v, 4) != 4 ||
        (v & FUTEX_TID_MASK) != (uint32_t)tid)
        return;
    for (int i = 0; i < *n; i++)
        if (w[i].addr == addr) {
            w[i].pi_waited |= pi_waited;
            return;
        }
    w[(*n)++] = (struct exit_word){addr, v, pi_waited};
}

/* The words t owns on its robust list (the kernel's exit_robust_list(),
 * linux/futex.h: struct robust_list_head {list, futex_offset,
 * list_op_pending}; bit 0 of a pointer marks a PI futex). */
static void robust_words(struct rtask *t, struct exit_word *w, int *n)
{
    uint64_t head = 0;
    size_t len = 0;
    struct {
        uint64_t next;
        int64_t futex_offset;
        uint64_t pending;
    } h;
    if (syscall(SYS_get_robust_list, t->tid, &head, &len) < 0 || !head || len != sizeof h ||
        tracee_read(t->tid, head, &h, sizeof h) != sizeof h)
        return;
    uint64_t pending = h.pending & ~1ull;
    uint64_t entry = h.next & ~1ull;
    for (int limit = ROBUST_LIST_LIMIT; entry != head && limit > 0; limit--) {
        uint64_t next;
        bool more = tracee_read(t->tid, entry, &next, sizeof next) == sizeof next;
        if (entry != pending)
            add_exit_word(w, n, t->tid, entry + h.futex_offset, false);
        if (!more)
            break;
        entry = next & ~1ull;
    }
    if (pending)
        add_exit_word(w, n, t->tid, pending + h.futex_offset, false);
}

void kernel_writes_clone(struct rtask *parent, struct rtask *child, uint64_t flags)
{
    const regs_t *e = &parent->entry_regs;
    uint64_t ctid = 0;
    if (e->orig_rax == SYS_clone)
        ctid = e->r10;
    else if (e->orig_rax == SYS_clone3 && tracee_read(parent->tid, e->rdi + 16, &ctid, 8) != 8)
        ctid = 0;
    child->clear_child_tid = flags & CLONE_CHILD_CLEARTID ? ctid : 0;
}

void kernel_writes_prepare(struct recorder *r, struct rtask *t)
{
    if (t->entry_regs.orig_rax == SYS_set_tid_address)
        t->clear_child_tid = t->entry_regs.rdi;
    if (t->entry_regs.orig_rax != SYS_exit)
        return;
    t->exiting = true;
    free(t->exit_words);
    t->exit_words = NULL;
    t->nexit_words = 0;
    if (!sibling(r, t))
        return; /* its process ends with it: nobody sees the words */
    struct exit_word *w = xmalloc((MAX_EXIT_WORDS + 1) * sizeof *w);
    int n = 0;
    robust_words(t, w, &n);
    /* PI futexes it owns that others wait for are handed to a waiter. */
    for (struct rtask *o = r->tasks; o; o = o->next)
        if (o->tgid == t->tgid && o->state == RT_IN_KERNEL && is_lock_pi(&o->entry_regs))
            add_exit_word(w, &n, t->tid, o->entry_regs.rdi, true);
    /* A leader's exit is held back in replay; its clear_child_tid word
     * is not (pthread_join on the main thread waits for it). */
    if (t->tid == t->tgid && t->clear_child_tid) {
        uint32_t v;
        if (tracee_read(t->tid, t->clear_child_tid, &v, 4) == 4 && v)
            w[n++] = (struct exit_word){t->clear_child_tid, v, false};
    }
    t->exit_words = w;
    t->nexit_words = n;
}

/* t, exiting, was just resumed: once it is dead, the words it owned hold
 * what the kernel made of them. */
static void settle_exit(struct recorder *r, struct rtask *t)
{
    struct exit_word *w = t->exit_words;
    int n = t->nexit_words;
    t->exit_words = NULL;
    t->nexit_words = 0;
    struct rtask *s = n ? sibling(r, t) : NULL;
    if (!s) {
        free(w);
        return;
    }
    struct settle wait = {0};
    for (;;) {
        char st = task_state(t->tid);
        if (st == 'Z' || st == 'X' || !st || stop_pending(t->tid))
            break;
        if (!keep_waiting(&wait)) {
            debug("thread %d: still not dead after its exit (state %c)", t->tid, st);
            break;
        }
    }
    struct ev_region *regions = xmalloc(n * sizeof *regions);
    uint32_t *words = xmalloc(n * sizeof *words);
    uint32_t k = 0;
    for (int i = 0; i < n; i++) {
        uint32_t v = w[i].before;
        struct settle handover = {0};
        for (;;) {
            if (tracee_read(s->tid, w[i].addr, &v, 4) != 4) {
                v = w[i].before; /* unmapped since: nothing to see */
                break;
            }
            /* A PI futex with a waiter: the kernel gave the lock to the
             * waiter, which writes its tid as it wakes (in its context). */
            uint32_t owner = v & FUTEX_TID_MASK;
            if (!w[i].pi_waited || (owner && owner != (uint32_t)t->tid) || !keep_waiting(&handover))
                break;
        }
        if (v != w[i].before) {
            regions[k] = (struct ev_region){w[i].addr, 4};
            words[k++] = v;
        }
    }
    if (k)
        write_kernel_write(r, t->tid, KW_THREAD_EXIT, regions, words, k);
    free(regions);
    free(words);
    free(w);
}

void kernel_writes_settle(struct recorder *r, struct rtask *t)
{
    if (is_lock_pi(&t->entry_regs) && t->state == RT_IN_KERNEL)
        settle_lock_pi(r, t);
    else if (t->entry_regs.orig_rax == SYS_exit)
        settle_exit(r, t);
}
