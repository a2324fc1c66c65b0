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
 * - A process that dies (exit_group, its last thread's exit, a fatal
 *   signal, SIGKILL from a recorded process) holding process-shared robust
 *   mutexes: the words its threads' robust lists hold in MAP_SHARED memory
 *   are found, at the entry of the call (or at the signal's delivery), in
 *   the other recorded processes that map the same object; once every
 *   thread of the dying process is dead, they are read there and recorded
 *   for one thread of each such process.
 *
 * The clear_child_tid word (set_tid_address, CLONE_CHILD_CLEARTID) is
 * zeroed by the kernel as a thread exits; replay lets threads really exit,
 * so the kernel does it there too.  The one exit that replay holds back is
 * that of a leader whose other threads live on: its word is recorded with
 * the robust ones. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
    pid_t via;      /* the thread it is read through (0: the exiting thread's
                       sibling, at its exit) */
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
    int seconds; /* 0: 1 */
};

static bool keep_waiting(struct settle *s)
{
    if (!s->round++)
        s->start = now_ns();
    if (now_ns() - s->start > (s->seconds ? s->seconds : 1) * 1000000000ll)
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
        bool readable = tracee_read(t->tid, uaddr, &word, 4) == 4; /* else: EFAULT soon */
        if (readable && (st == 'S' || st == 'D') && (word & FUTEX_WAITERS))
            break;
        if (!keep_waiting(&s)) {
            debug("thread %d: FUTEX_LOCK_PI neither returned nor slept (state %c, word 0x%x)",
                  t->tid, st ? st : '?', word);
            if (!readable)
                return;
            break;
        }
    }
    struct ev_region reg = {uaddr, 4};
    write_kernel_write(r, t->tid, KW_FUTEX_BLOCKED, &reg, &word, 1);
}

/* A word list being built: candidates are kept only when their owner (the
 * tid bits) is the thread whose death the kernel will act on. */
struct words {
    struct exit_word *w;
    int n;
};

static void add_word(struct words *ws, pid_t reader, uint64_t addr, pid_t owner, bool pi_waited,
                     pid_t via, uint64_t via_addr)
{
    uint32_t v;
    if (ws->n >= MAX_EXIT_WORDS || addr % 4 || tracee_read(reader, addr, &v, 4) != 4 ||
        (v & FUTEX_TID_MASK) != (uint32_t)owner)
        return;
    for (int i = 0; i < ws->n; i++)
        if (ws->w[i].via == via && ws->w[i].addr == via_addr) {
            ws->w[i].pi_waited |= pi_waited;
            return;
        }
    ws->w[ws->n++] = (struct exit_word){via_addr, v, pi_waited, via};
}

/* The futex words on th's robust list (the kernel's exit_robust_list(),
 * linux/futex.h: struct robust_list_head {list, futex_offset,
 * list_op_pending}; bit 0 of a pointer marks a PI futex), read through
 * reader, a thread of the same process.  Calls found(addr) for each. */
static void walk_robust_list(pid_t th, pid_t reader, void (*found)(void *ctx, uint64_t addr),
                             void *ctx)
{
    uint64_t head = 0;
    size_t len = 0;
    struct {
        uint64_t next;
        int64_t futex_offset;
        uint64_t pending;
    } h;
    if (syscall(SYS_get_robust_list, th, &head, &len) < 0 || !head || len != sizeof h ||
        tracee_read(reader, head, &h, sizeof h) != sizeof h)
        return;
    uint64_t pending = h.pending & ~1ull;
    uint64_t entry = h.next & ~1ull;
    for (int limit = ROBUST_LIST_LIMIT; entry != head && limit > 0; limit--) {
        uint64_t next;
        bool more = tracee_read(reader, entry, &next, sizeof next) == sizeof next;
        if (entry != pending)
            found(ctx, entry + h.futex_offset);
        if (!more)
            break;
        entry = next & ~1ull;
    }
    if (pending)
        found(ctx, pending + h.futex_offset);
}

struct thread_walk {
    struct words *ws;
    pid_t tid;
};

static void found_own_word(void *ctx, uint64_t addr)
{
    struct thread_walk *tw = ctx;
    add_word(tw->ws, tw->tid, addr, tw->tid, false, 0, addr);
}

/* t enters exit while other threads of its process live on. */
static void thread_exit_words(struct recorder *r, struct rtask *t, struct words *ws)
{
    struct thread_walk tw = {ws, t->tid};
    walk_robust_list(t->tid, t->tid, found_own_word, &tw);
    /* PI futexes it owns that others wait for are handed to a waiter. */
    for (struct rtask *o = r->tasks; o; o = o->next)
        if (o->tgid == t->tgid && o->state == RT_IN_KERNEL && is_lock_pi(&o->entry_regs))
            add_word(ws, t->tid, o->entry_regs.rdi, t->tid, true, 0, o->entry_regs.rdi);
    /* A leader's exit is held back in replay; its clear_child_tid word
     * is not (pthread_join on the main thread waits for it). */
    if (t->tid == t->tgid && t->clear_child_tid) {
        uint32_t v;
        if (tracee_read(t->tid, t->clear_child_tid, &v, 4) == 4 && v && ws->n < MAX_EXIT_WORDS)
            ws->w[ws->n++] = (struct exit_word){t->clear_child_tid, v, false, 0};
    }
}

/* A MAP_SHARED mapping, from /proc/TID/maps. */
struct shared_map {
    uint64_t start, end, offset, inode;
    char dev[16];
};

static int shared_maps(pid_t tid, struct shared_map **out)
{
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    int n = 0, cap = 0;
    *out = NULL;
    while (f && fgets(line, sizeof line, f)) {
        struct shared_map m;
        char perms[8];
        unsigned long long ino;
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %15s %llu", &m.start, &m.end,
                   perms, &m.offset, m.dev, &ino) != 6 || perms[3] != 's')
            continue;
        m.inode = ino;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        (*out)[n++] = m;
    }
    if (f)
        fclose(f);
    return n;
}

/* Another recorded process that may see a dying one's shared memory. */
struct observer {
    pid_t tgid;
    pid_t tid; /* one of its threads: the event's, and the one read through */
    struct shared_map *maps;
    int nmaps;
};

struct death_walk {
    struct recorder *r;
    struct words *ws;
    pid_t owner, reader;
    struct shared_map *maps;
    int nmaps;
    struct observer *obs;
    int nobs;
};

/* A word on a dying process's robust list: only the copies in memory it
 * shares with other processes can be seen after its death, there. */
static void found_shared_word(void *ctx, uint64_t addr)
{
    struct death_walk *d = ctx;
    for (int i = 0; i < d->nmaps; i++) {
        const struct shared_map *m = &d->maps[i];
        if (addr < m->start || addr + 4 > m->end)
            continue;
        uint64_t file_off = m->offset + (addr - m->start);
        for (int j = 0; j < d->nobs; j++)
            for (int k = 0; k < d->obs[j].nmaps; k++) {
                const struct shared_map *o = &d->obs[j].maps[k];
                if (o->inode != m->inode || strcmp(o->dev, m->dev) || file_off < o->offset ||
                    file_off + 4 > o->offset + (o->end - o->start))
                    continue;
                uint64_t there = o->start + (file_off - o->offset);
                bool waited = false;
                for (struct rtask *w = d->r->tasks; w; w = w->next)
                    waited |= w->state == RT_IN_KERNEL && is_lock_pi(&w->entry_regs) &&
                              w->entry_regs.rdi == there && w->tgid == d->obs[j].tgid;
                add_word(d->ws, d->reader, addr, d->owner, waited, d->obs[j].tid, there);
            }
        return;
    }
}

/* Every thread of process tgid is about to die (exit_group, the last
 * thread's exit, a fatal signal, SIGKILL): the words their robust lists
 * hold in memory shared with other recorded processes, as those see them. */
static void process_death_words(struct recorder *r, pid_t tgid, struct words *ws)
{
    struct rtask *reader = NULL;
    for (struct rtask *t = r->tasks; t; t = t->next)
        if (t->tgid == tgid && !t->exiting && task_state(t->tid) != 'Z')
            reader = t;
    if (!reader)
        return;
    struct death_walk d = {.r = r, .ws = ws, .reader = reader->tid};
    d.nmaps = shared_maps(reader->tid, &d.maps);
    if (!d.nmaps)
        return;
    d.obs = xcalloc(1, sizeof *d.obs);
    for (struct rtask *t = r->tasks; t; t = t->next) {
        bool seen = t->tgid == tgid || t->exiting || t->state == RT_NEW || t->state == RT_UNANNOUNCED;
        for (int j = 0; j < d.nobs && !seen; j++)
            seen = d.obs[j].tgid == t->tgid;
        if (seen)
            continue;
        struct observer o = {.tgid = t->tgid, .tid = t->tid};
        o.nmaps = shared_maps(t->tid, &o.maps);
        if (!o.nmaps) {
            free(o.maps);
            continue;
        }
        d.obs = xrealloc(d.obs, (d.nobs + 1) * sizeof *d.obs);
        d.obs[d.nobs++] = o;
    }
    for (struct rtask *t = r->tasks; t && d.nobs; t = t->next)
        if (t->tgid == tgid) {
            d.owner = t->tid;
            walk_robust_list(t->tid, reader->tid, found_shared_word, &d);
        }
    for (int j = 0; j < d.nobs; j++)
        free(d.obs[j].maps);
    free(d.obs);
    free(d.maps);
}

static void set_words(struct rtask *t, struct words *ws, int kind, pid_t tgid)
{
    if (!ws->n) {
        free(ws->w);
        return;
    }
    free(t->exit_words);
    t->exit_words = ws->w;
    t->nexit_words = ws->n;
    t->settle = kind;
    t->dying_tgid = tgid;
}

static struct words new_words(void)
{
    return (struct words){xmalloc((MAX_EXIT_WORDS + 1) * sizeof(struct exit_word)), 0};
}

static void prepare_process_death(struct recorder *r, struct rtask *t, pid_t tgid)
{
    struct words ws = new_words();
    process_death_words(r, tgid, &ws);
    set_words(t, &ws, SETTLE_PROCESS_DEATH, tgid);
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

/* The process a kill(2)-like call sends SIGKILL to, or 0.  (Other fatal
 * signals are seen at their delivery.) */
static pid_t sigkill_target(struct recorder *r, const regs_t *e)
{
    struct rtask *t = NULL;
    switch (e->orig_rax) {
    case SYS_kill:
        return (int)e->rsi == SIGKILL && (pid_t)e->rdi > 0 ? (pid_t)e->rdi : 0;
    case SYS_tkill:
        if ((int)e->rsi != SIGKILL)
            return 0;
        for (t = r->tasks; t && t->tid != (pid_t)e->rdi; t = t->next)
            ;
        return t ? t->tgid : 0;
    case SYS_tgkill:
        return (int)e->rdx == SIGKILL && (pid_t)e->rdi > 0 ? (pid_t)e->rdi : 0;
    }
    return 0;
}

void kernel_writes_prepare(struct recorder *r, struct rtask *t)
{
    long nr = t->entry_regs.orig_rax;
    t->settle = SETTLE_NONE;
    if (nr == SYS_set_tid_address)
        t->clear_child_tid = t->entry_regs.rdi;
    if (is_lock_pi(&t->entry_regs)) {
        t->settle = SETTLE_LOCK_PI;
    } else if (nr == SYS_exit && sibling(r, t)) {
        t->exiting = true;
        struct words ws = new_words();
        thread_exit_words(r, t, &ws);
        set_words(t, &ws, SETTLE_THREAD_EXIT, t->tgid);
    } else if (nr == SYS_exit || nr == SYS_exit_group) {
        prepare_process_death(r, t, t->tgid);
        t->exiting = true;
    } else {
        pid_t victim = sigkill_target(r, &t->entry_regs);
        if (victim)
            prepare_process_death(r, t, victim);
    }
}

static bool fatal_by_default(int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return false;
    default:
        return true;
    }
}

void kernel_writes_signal(struct recorder *r, struct rtask *t)
{
    int sig = t->pending_sig;
    t->settle = SETTLE_NONE;
    if (!sig || !fatal_by_default(sig))
        return;
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", t->tid);
    FILE *f = fopen(path, "re");
    bool handled = false;
    unsigned long long bits;
    while (f && fgets(line, sizeof line, f))
        if ((sscanf(line, "SigIgn: %llx", &bits) == 1 || sscanf(line, "SigCgt: %llx", &bits) == 1) &&
            (bits >> (sig - 1) & 1))
            handled = true;
    if (f)
        fclose(f);
    if (!handled)
        prepare_process_death(r, t, t->tgid);
}

/* Waits until the kernel is done with the dying: t (a thread's exit) or
 * every thread of process tgid. */
static void wait_dead(struct recorder *r, struct rtask *t, bool whole_process)
{
    /* A process being killed dies, core dump or not: it may take longer. */
    struct settle wait = {.seconds = whole_process ? 10 : 1};
    for (;;) {
        bool all_dead = true;
        for (struct rtask *o = r->tasks; o && all_dead; o = o->next) {
            if (whole_process ? o->tgid != t->dying_tgid : o != t)
                continue;
            char st = task_state(o->tid);
            all_dead = st == 'Z' || st == 'X' || !st || (!whole_process && stop_pending(o->tid));
        }
        if (all_dead)
            return;
        if (!keep_waiting(&wait)) {
            debug("thread %d: the kernel is not done with the exit", t->tid);
            return;
        }
    }
}

/* t's exit, or its process's death, was just set off: once the kernel is
 * done, the words hold what it made of them. */
static void settle_exit(struct recorder *r, struct rtask *t, bool whole)
{
    struct exit_word *w = t->exit_words;
    int n = t->nexit_words;
    t->exit_words = NULL;
    t->nexit_words = 0;
    struct rtask *s = whole ? NULL : sibling(r, t);
    if (whole || s)
        wait_dead(r, t, whole);
    /* Grouped by the thread the words are read through: 0 for a thread's
     * exit (a sibling), an observer's thread for a process's death. */
    struct ev_region *regions = xmalloc(n * sizeof *regions);
    uint32_t *words = xmalloc(n * sizeof *words);
    for (int i = 0; i < n; i++) {
        pid_t key = w[i].via;
        if (key == -1)
            continue;
        pid_t via = key ? key : s ? s->tid : 0;
        uint32_t k = 0;
        for (int j = i; j < n; j++) {
            if (w[j].via != key)
                continue;
            w[j].via = -1; /* done */
            uint32_t v = w[j].before;
            struct settle handover = {0};
            while (via && tracee_read(via, w[j].addr, &v, 4) == 4) {
                /* A PI futex with a waiter: the kernel gave it to the
                 * waiter, which writes its tid as it wakes (in its context). */
                uint32_t owner = v & FUTEX_TID_MASK;
                if (!w[j].pi_waited || (owner && owner != (w[j].before & FUTEX_TID_MASK)) ||
                    !keep_waiting(&handover))
                    break;
            }
            if (v != w[j].before) {
                regions[k] = (struct ev_region){w[j].addr, 4};
                words[k++] = v;
            }
        }
        if (k)
            write_kernel_write(r, whole ? via : t->tid, whole ? KW_PROCESS_DEATH : KW_THREAD_EXIT,
                               regions, words, k);
    }
    free(regions);
    free(words);
    free(w);
}

void kernel_writes_settle(struct recorder *r, struct rtask *t)
{
    int kind = t->settle;
    t->settle = SETTLE_NONE;
    if (kind == SETTLE_LOCK_PI && t->state == RT_IN_KERNEL)
        settle_lock_pi(r, t);
    else if (kind == SETTLE_THREAD_EXIT || kind == SETTLE_PROCESS_DEATH)
        settle_exit(r, t, kind == SETTLE_PROCESS_DEATH);
}
