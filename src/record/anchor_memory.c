/* An anchor's memory fingerprint (docs/async-events.md, "Anchors in loops
 * whose state is in memory").
 *
 * Replay finds an anchor by stopping at every execution of its address
 * from the resume until the registers match.  In a loop whose state lives
 * only in memory (a volatile counter), the registers at that address are
 * the same at many iterations, and the first match can be the wrong one.
 * So when a peek makes an anchor, the recorder lets the thread run on to
 * the next three executions of the address with the same registers but
 * for the flags (moments 1, 2 and 3, with a one-shot breakpoint), compares
 * the writable memory at moment 1 with moment 2, and keeps the few 8-byte
 * words that changed: the loop's state.  The anchor moves to moment 3 (or
 * to moment 2 when none of them changed again), and replay accepts an
 * execution only when those words hold their values there too.
 *
 * A loop with a counter in a register needs none of it and shows it at
 * once: MAX_MISSES stops with other registers, one of them stepping by the
 * same amount each time, then the anchor stays where the peek found it.
 * Registers that change without such a counter (an interpreter's, whose
 * pointers alternate between a few objects) may well have been the
 * anchor's at an earlier execution since the resume, where replay would
 * stop: the look goes on, up to MAX_MISSES_LONG, for the execution where
 * they come again, and the memory then tells the two apart.  A pure spin
 * changes no memory and gets no words.
 *
 * The thread runs exactly as it would have: the breakpoint's stops are
 * swallowed, and every other signal waits (blocked) until the end, to be
 * delivered at the new anchor.  Any other stop (a syscall, a fault) ends
 * the attempt; the anchor then stays where the peek was, without words. */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch/hw_breakpoint.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "record/recorder.h"
#include "trace/event.h"
#include "tracee/position_words.h"
#include "tracee/soft_breakpoint.h"
#include "tracee/tracee.h"

#define PAGE 4096ul
#define ANCHOR_LIMIT_NS 20000000ull /* of the thread's CPU time, at most */
#define MAX_MISSES 3                /* executions with other registers, in a row */
#define MAX_MISSES_LONG 48          /* ... when no register counts executions */
#define MAX_SCAN_PAGES (1ul << 20)  /* address space looked up in pagemap: 4 GiB */
#define MAX_SNAP_PAGES 8192ul       /* memory compared: 32 MiB */
#define MAX_CANDIDATES 512          /* words that changed from moment 1 to 2 */
#define FAR_RUN_NS 1000000ull       /* of the thread's CPU time between far moments */
#define FAR_MOMENTS 4               /* three stretches */
#define FAR_COUNTS_FIRST 5          /* of the POS_MEMORY_WORDS, at most, before the others */
#define OUTER_RUN_NS 100000ull      /* ... for an inner loop's outer one */
#define MAX_FAR_CANDIDATES 4096
#define REPEAT_UNKNOWN 3            /* run_to_repeat: the registers did not come again */
#define REPEAT_COUNTER 4            /* ... a register counts in a loop: they never came */

struct run {
    uint64_t addr, len; /* present pages, contiguous */
    uint64_t off;       /* where its bytes are in the snapshot */
    bool readable;      /* process_vm_readv could read it */
};

/* What a look compares between two moments: the writable memory, and the
 * floating-point registers (a floating-point loop's state is there). */
struct snapshot {
    struct run *runs;
    size_t nruns, cap, pages;
    uint8_t *bytes;     /* the runs' contents, one after another */
    uint64_t fp[FP_WORDS];
    bool has_fp;
    uint64_t stack_lo, stack_hi; /* the mapping holding the stack pointer (lo 0: none) */
};

static bool on_stack(const struct snapshot *s, uint64_t addr)
{
    return s->stack_lo && addr >= s->stack_lo && addr < s->stack_hi;
}

/* Whether addr is below the red zone of a thread stopped with rsp: dead
 * stack, whose contents nothing may rely on, and which replay's jump
 * patches write (tracee/jump_search.c). */
static bool dead_stack(const struct snapshot *s, uint64_t addr, uint64_t rsp)
{
    return s->stack_lo && addr >= s->stack_lo && addr < rsp - 128;
}

/* Whether the word at addr may be an anchor's, the thread's stack
 * pointer at the anchor rsp.  The floating-point registers are the
 * program's state whatever they hold. */
static bool usable(const struct snapshot *s, uint64_t addr, uint64_t rsp)
{
    return EV_WORD_IS_FP(addr) || !dead_stack(s, addr, rsp);
}

/* An anchor word at addr whose low (lo) or high (hi) half changed over
 * the look, c its value at the anchor: only the halves that changed are
 * compared when one did not (docs/trace-format.md).  A half that kept its
 * value may be stale stack: an `int` written into an 8-byte slot, the rest
 * left from an earlier call or a signal frame (whose saved trap number
 * differs in replay). */
static struct ev_word word_halves(uint64_t addr, bool lo, bool hi, uint64_t c)
{
    if (EV_WORD_IS_FP(addr))
        return (struct ev_word){addr, c};
    if (lo && !hi)
        return (struct ev_word){addr | EV_WORD_LOW, c & 0xffffffffull};
    if (hi && !lo)
        return (struct ev_word){addr | EV_WORD_HIGH, c & 0xffffffff00000000ull};
    return (struct ev_word){addr, c};
}

/* The same for a word whose values over the look were a, b and c. */
static struct ev_word anchor_word(uint64_t addr, uint64_t a, uint64_t b, uint64_t c)
{
    return word_halves(addr, (uint32_t)a != (uint32_t)b || (uint32_t)b != (uint32_t)c,
                       a >> 32 != b >> 32 || b >> 32 != c >> 32, c);
}

struct region {
    uint64_t lo, hi;
};

static int by_size(const void *a, const void *b)
{
    const struct region *x = a, *y = b;
    uint64_t sx = x->hi - x->lo, sy = y->hi - y->lo;
    return sx < sy ? -1 : sx > sy;
}

/* The writable mappings: the one holding the stack pointer first, then
 * the smaller ones first (a huge reservation is the last to matter). */
static struct region *writable_regions(pid_t tid, uint64_t rsp, size_t *n)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    size_t cap = 64;
    struct region *v = xmalloc(cap * sizeof *v);
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        int name = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &lo, &hi, perms, &name) < 3 ||
            perms[1] != 'w')
            continue;
        /* A device's memory (a frame buffer, registers) is not the
         * program's state, and reading it may do something. */
        const char *file = name ? line + name : "";
        if (!strncmp(file, "/dev/", 5) && strncmp(file, "/dev/shm/", 9) &&
            strncmp(file, "/dev/zero", 9))
            continue;
        if (*n == cap)
            v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = (struct region){lo, hi};
    }
    fclose(f);
    for (size_t i = 0; i < *n; i++)
        if (rsp >= v[i].lo && rsp < v[i].hi) {
            struct region s = v[i];
            v[i] = v[0];
            v[0] = s;
            qsort(v + 1, *n - 1, sizeof *v, by_size);
            return v;
        }
    qsort(v, *n, sizeof *v, by_size);
    return v;
}

static void add_page(struct snapshot *s, uint64_t addr)
{
    if (s->nruns && s->runs[s->nruns - 1].addr + s->runs[s->nruns - 1].len == addr) {
        s->runs[s->nruns - 1].len += PAGE;
    } else {
        if (s->nruns == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 64;
            s->runs = xrealloc(s->runs, s->cap * sizeof *s->runs);
        }
        s->runs[s->nruns++] = (struct run){.addr = addr, .len = PAGE, .off = s->pages * PAGE};
    }
    s->pages++;
}

static bool read_run(pid_t tid, const struct run *r, uint8_t *buf)
{
    struct iovec local = {buf + r->off, r->len};
    struct iovec remote = {(void *)(uintptr_t)r->addr, r->len};
    return process_vm_readv(tid, &local, 1, &remote, 1, 0) == (ssize_t)r->len;
}

/* Reads the readable runs of s into buf (at their offsets), many in one
 * call; a run that cannot be read becomes unreadable (first) or is
 * skipped (later). */
static void read_runs(pid_t tid, struct snapshot *s, uint8_t *buf, bool first)
{
    for (size_t i = 0; i < s->nruns;) {
        struct iovec local[256], remote[256];
        size_t k = 0, want = 0, from = i;
        for (; i < s->nruns && k < 256; i++) {
            struct run *r = &s->runs[i];
            if (!first && !r->readable)
                continue;
            local[k] = (struct iovec){buf + r->off, r->len};
            remote[k] = (struct iovec){(void *)(uintptr_t)r->addr, r->len};
            want += r->len;
            k++;
        }
        if (k && process_vm_readv(tid, local, k, remote, k, 0) == (ssize_t)want) {
            for (size_t j = from; j < i; j++)
                s->runs[j].readable |= first;
            continue;
        }
        for (size_t j = from; j < i; j++) /* one at a time, to find the bad ones */
            if (first || s->runs[j].readable)
                s->runs[j].readable = read_run(tid, &s->runs[j], buf);
    }
}

/* The present pages of the writable mappings (pagemap bit 63) and their
 * contents. */
static bool snapshot_take(pid_t tid, uint64_t rsp, struct snapshot *s)
{
    size_t nreg = 0;
    struct region *reg = writable_regions(tid, rsp, &nreg);
    if (!reg)
        return false;
    s->stack_lo = nreg && rsp >= reg[0].lo && rsp < reg[0].hi ? reg[0].lo : 0;
    s->stack_hi = s->stack_lo ? reg[0].hi : 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/pagemap", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        free(reg);
        return false;
    }
    static uint64_t ent[4096];
    uint64_t scanned = 0;
    for (size_t i = 0; i < nreg && scanned < MAX_SCAN_PAGES && s->pages < MAX_SNAP_PAGES; i++) {
        for (uint64_t a = reg[i].lo; a < reg[i].hi && scanned < MAX_SCAN_PAGES;) {
            uint64_t n = (reg[i].hi - a) / PAGE;
            if (n > 4096)
                n = 4096;
            ssize_t got = pread(fd, ent, n * sizeof ent[0], (off_t)(a / PAGE * sizeof ent[0]));
            if (got <= 0)
                break;
            n = got / sizeof ent[0];
            for (uint64_t k = 0; k < n && s->pages < MAX_SNAP_PAGES; k++)
                if (ent[k] >> 63)
                    add_page(s, a + k * PAGE);
            scanned += n;
            a += n * PAGE;
        }
    }
    close(fd);
    free(reg);
    s->bytes = xmalloc(s->pages * PAGE + 1);
    read_runs(tid, s, s->bytes, true);
    s->has_fp = fp_words_get(tid, s->fp);
    return true;
}

/* The words that differ between the snapshot and now: addresses and
 * current values, at most max (the floating-point registers first, then memory in
 * the order of the snapshot: the stack's mapping first). */
static int snapshot_diff(pid_t tid, struct snapshot *s, struct ev_word *out, int max)
{
    int n = 0;
    uint64_t fp[FP_WORDS];
    if (s->has_fp && fp_words_get(tid, fp))
        for (int i = 0; i < FP_WORDS && n < max; i++)
            if (fp[i] != s->fp[i])
                out[n++] = (struct ev_word){EV_WORD_FP + FP_WORDS_FROM + 8 * (uint64_t)i, fp[i]};
    uint8_t *now = xmalloc(s->pages * PAGE + 1);
    read_runs(tid, s, now, false);
    for (size_t i = 0; i < s->nruns && n < max; i++) {
        if (!s->runs[i].readable)
            continue;
        for (uint64_t p = 0; p < s->runs[i].len && n < max; p += PAGE) {
            const uint8_t *was = s->bytes + s->runs[i].off + p, *is = now + s->runs[i].off + p;
            if (!memcmp(was, is, PAGE))
                continue;
            for (uint64_t w = 0; w < PAGE && n < max; w += 8) {
                uint64_t a, b;
                memcpy(&a, was + w, 8);
                memcpy(&b, is + w, 8);
                if (a != b)
                    out[n++] = (struct ev_word){s->runs[i].addr + p + w, b};
            }
        }
    }
    free(now);
    return n;
}

/* The word at addr when the snapshot was taken. */
static bool snapshot_value(const struct snapshot *s, uint64_t addr, uint64_t *v)
{
    if (EV_WORD_IS_FP(addr)) {
        *v = s->fp[(addr - EV_WORD_FP - FP_WORDS_FROM) / 8];
        return s->has_fp;
    }
    for (size_t i = 0; i < s->nruns; i++)
        if (s->runs[i].readable && addr >= s->runs[i].addr &&
            addr + 8 <= s->runs[i].addr + s->runs[i].len) {
            memcpy(v, s->bytes + s->runs[i].off + (addr - s->runs[i].addr), 8);
            return true;
        }
    return false;
}

/* Whether the word at cand (its values at moments 2 and 3 in cand and
 * now, at moment 1 in the snapshot) stepped by the same amount, not 0,
 * twice: a counter.  (A word that merely went one way may be a slot a
 * recursion reuses, which rose three times by chance.) */
static bool word_counts(const struct snapshot *s, const struct ev_word *cand, uint64_t now)
{
    uint64_t first;
    return snapshot_value(s, cand->addr, &first) && cand->value != first &&
           now - cand->value == cand->value - first;
}

/* Whether one of the other tasks has a stop or an exit to report: one of
 * them finished a syscall, which may have written memory meanwhile. */
static bool other_task_reports(void)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WNOHANG | WNOWAIT | __WALL) < 0)
        return errno != ECHILD;
    return si.si_pid != 0;
}

/* Whether a and b are the same registers but for the flags.  In a loop
 * whose state is in memory, the flags often come from that state (the
 * parity of a counter just incremented), so they repeat seldom; the other
 * registers are the same at every iteration.  Registers that differ hold
 * the loop's state (a counter, a pointer) and seldom repeat either. */
static bool same_but_flags(const regs_t *a, const regs_t *b)
{
    regs_t x = *a;
    x.eflags = b->eflags;
    char why[8];
    return regs_match(&x, b, why, sizeof why);
}

/* Runs t on to the next execution of want.rip with want's registers but
 * for the flags.  Returns 1 there (regs filled), 0 when it gave up (t
 * stopped at a later execution with other registers), 2 when the address
 * did not come again in time (the thread's CPU clock stopped it), -1 when
 * another stop came (*status).  *sig: the signal to resume t with (then 0). */
/* Whether one of the general registers steps by the same amount, not 0,
 * from each of the n points to the next: a counter, so the registers at
 * those executions never were the same before either. */
static bool register_counts(const regs_t *p, int n)
{
    static const size_t gpr[] = {
        offsetof(regs_t, r15), offsetof(regs_t, r14), offsetof(regs_t, r13),
        offsetof(regs_t, r12), offsetof(regs_t, rbp), offsetof(regs_t, rbx),
        offsetof(regs_t, r11), offsetof(regs_t, r10), offsetof(regs_t, r9),
        offsetof(regs_t, r8),  offsetof(regs_t, rax), offsetof(regs_t, rcx),
        offsetof(regs_t, rdx), offsetof(regs_t, rsi), offsetof(regs_t, rdi),
        offsetof(regs_t, rsp)};
    for (size_t g = 0; g < sizeof gpr / sizeof gpr[0]; g++) {
        uint64_t v[n];
        for (int i = 0; i < n; i++)
            memcpy(&v[i], (const char *)&p[i] + gpr[g], sizeof v[i]);
        uint64_t step = v[1] - v[0];
        int i = 2;
        while (step && i < n && v[i] - v[i - 1] == step)
            i++;
        if (step && i == n)
            return true;
    }
    return false;
}

/* Whether the n points have the same stack pointer: a loop, not a
 * recursion (whose arguments step like a counter on the way down, and
 * come again on the next way down). */
static bool same_depth(const regs_t *p, int n)
{
    for (int i = 1; i < n; i++)
        if (p[i].rsp != p[0].rsp)
            return false;
    return true;
}

/* miss_snap (or NULL): taken at the first execution with other registers,
 * for REPEAT_COUNTER. */
static int run_to_repeat(struct rtask *t, int fd, const regs_t *want, int *hits, regs_t *regs,
                         int *sig, int *status, struct snapshot *miss_snap)
{
    regs_t seen[MAX_MISSES + 1];
    seen[0] = *want;
    for (int misses = 0; misses < MAX_MISSES_LONG; misses++) {
        if (misses == 1 && miss_snap && !miss_snap->bytes)
            snapshot_take(t->tid, regs->rsp, miss_snap);
        if (misses == MAX_MISSES && register_counts(seen, MAX_MISSES + 1))
            return same_depth(seen, MAX_MISSES + 1) ? REPEAT_COUNTER : REPEAT_UNKNOWN;
        if (tracee_resume(PTRACE_SYSCALL, t->tid, *sig) < 0)
            die_errno("cannot resume thread %d", t->tid);
        *sig = 0;
        *status = wait_for(t->tid);
        struct stop s;
        stop_classify(t->tid, *status, &s);
        if (s.kind == STOP_SIGNAL && s.sig == SIGSTOP && clock_peeked(t))
            return 2; /* the address is not met again soon: give up */
        if (s.kind != STOP_SIGNAL || s.sig != HWBP_SIGNAL || !perf_signalled(t->tid, fd))
            return -1;
        (*hits)++;
        regs_get(t->tid, regs);
        if (regs->rip != want->rip)
            return 0; /* not where the breakpoint is: give up */
        if (same_but_flags(regs, want))
            return 1;
        if (misses < MAX_MISSES)
            seen[misses + 1] = *regs;
    }
    return REPEAT_UNKNOWN;
}

/* Runs t on to the next execution of rip, whatever its registers: 1 there
 * (regs filled), 2 when the thread's CPU clock stopped it first, -1 when
 * another stop came (*status). */
static int run_to_next(struct rtask *t, int fd, uint64_t rip, int *hits, regs_t *regs,
                       int *status)
{
    if (tracee_resume(PTRACE_SYSCALL, t->tid, 0) < 0)
        die_errno("cannot resume thread %d", t->tid);
    *status = wait_for(t->tid);
    struct stop s;
    stop_classify(t->tid, *status, &s);
    if (s.kind == STOP_SIGNAL && s.sig == SIGSTOP && clock_peeked(t))
        return 2;
    if (s.kind != STOP_SIGNAL || s.sig != HWBP_SIGNAL || !perf_signalled(t->tid, fd))
        return -1;
    (*hits)++;
    regs_get(t->tid, regs);
    return regs->rip == rip ? 1 : 0;
}

/* Runs t for run_ns of its CPU time at full speed (no breakpoint),
 * then on to the next execution of rip with want's registers but for the
 * flags, as run_to_repeat (whose results it returns; -1 also when a stop
 * other than the clock's ends the run); want NULL: with any registers. */
static int run_far(struct rtask *t, int *fd, uint64_t rip, const regs_t *want, uint64_t run_ns,
                   int *hits, regs_t *regs, int *status)
{
    hwbp_close(*fd);
    *fd = -1;
    if (!clock_start(t->clock_fd, run_ns))
        return 0;
    if (tracee_resume(PTRACE_SYSCALL, t->tid, 0) < 0)
        die_errno("cannot resume thread %d", t->tid);
    *status = wait_for(t->tid);
    struct stop s;
    stop_classify(t->tid, *status, &s);
    if (s.kind != STOP_SIGNAL || s.sig != SIGSTOP || !clock_peeked(t))
        return -1;
    if ((*fd = hwbp_open(t->tid, rip, 1)) < 0 || !clock_start(t->clock_fd, ANCHOR_LIMIT_NS))
        return 0;
    int sig = 0;
    return want ? run_to_repeat(t, *fd, want, hits, regs, &sig, status, NULL)
                : run_to_next(t, *fd, rip, hits, regs, status);
}

/* The order in which the n words at cand are taken for an anchor: off
 * the stack first (registers, globals, the heap), then the stack's from
 * the outermost frame in.  An outer loop's state tells its rounds apart,
 * a recursion's slots come again on each way down (and rise by chance),
 * and only POS_MEMORY_WORDS are kept.  To be freed. */
static int *outer_first(const struct snapshot *snap, const struct ev_word *cand, int n)
{
    int *order = xmalloc((n + 1) * sizeof *order), no = 0;
    for (int i = 0; i < n; i++)
        if (!on_stack(snap, cand[i].addr))
            order[no++] = i;
    for (int i = n - 1; i >= 0; i--)
        if (on_stack(snap, cand[i].addr))
            order[no++] = i;
    return order;
}

/* An inner loop that wrote nothing over the executions looked at, snap
 * taken at the first: one more moment OUTER_RUN_NS later, at an
 * execution of rip with any registers (*m), and the words that changed
 * since (the outer loop's state), unless another task finished a syscall
 * meanwhile.  1 with words, 2 without (t there all the same), 0 when t
 * is elsewhere, -1 another stop (*status). */
static int outer_look(struct rtask *t, int *fd, uint64_t rip, struct snapshot *snap, int *hits,
                      regs_t *m, int *status)
{
    bool busy = other_task_reports();
    int rc = run_far(t, fd, rip, NULL, OUTER_RUN_NS, hits, m, status);
    if (rc != 1)
        return rc < 0 ? -1 : 0;
    t->anchor_nwords = 0;
    if (busy || other_task_reports())
        return 2;
    struct ev_word *cand = xmalloc(MAX_FAR_CANDIDATES * sizeof *cand);
    int n = snapshot_diff(t->tid, snap, cand, MAX_FAR_CANDIDATES), *order = outer_first(snap, cand, n);
    uint32_t nw = 0;
    for (int k = 0; k < n && nw < POS_MEMORY_WORDS; k++) {
        const struct ev_word *w = &cand[order[k]];
        uint64_t first;
        if (!snapshot_value(snap, w->addr, &first))
            first = w->value;
        if (usable(snap, w->addr, m->rsp))
            t->anchor_words[nw++] = anchor_word(w->addr, first, w->value, w->value);
    }
    t->anchor_nwords = nw;
    free(order);
    free(cand);
    return nw ? 1 : 2;
}

/* What the far look saw at one of its moments after the first: the words
 * that differed from the first moment, by address. */
struct moment {
    struct ev_word *w;
    int n;
};

static int by_addr(const void *a, const void *b)
{
    const struct ev_word *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The word at addr at moment m (NULL: the first, the snapshot's). */
static uint64_t value_at(const struct snapshot *s, const struct moment *m, uint64_t addr)
{
    struct ev_word key = {addr, 0}, *w;
    uint64_t v = 0;
    if (m && (w = bsearch(&key, m->w, m->n, sizeof *w, by_addr)))
        return w->value;
    snapshot_value(s, addr, &v);
    return v;
}

/* How a word's values over the far look's moments went: whether they
 * never went back (none rose after one fell, or the other way), and in
 * how many of the stretches they changed. */
static bool monotone(const uint64_t *v, int k, int *changes)
{
    bool up = false, down = false;
    *changes = 0;
    for (int i = 1; i < k; i++) {
        up |= v[i] > v[i - 1];
        down |= v[i] < v[i - 1];
        *changes += v[i] != v[i - 1];
    }
    return !(up && down);
}

/* anchor_word over all k values of a word, v[k - 1] its value at the anchor. */
static struct ev_word anchor_word_over(uint64_t addr, const uint64_t *v, int k)
{
    uint64_t changed = 0;
    for (int i = 1; i < k; i++)
        changed |= v[i] ^ v[i - 1];
    return word_halves(addr, (uint32_t)changed, changed >> 32, v[k - 1]);
}

/* The far look's words (at most POS_MEMORY_WORDS into out, their values at
 * the last moment), from those that changed over its moments (the first
 * in snap, the others in later), in this order:
 *  1. those that went one way and changed twice or more (counts of
 *     rounds, of calls), but not all 8 (a row of an array the loop
 *     fills may count too);
 *  2. those that changed over the last stretch, the most often changed
 *     first: the loop's position, scratch that alternates; all of them
 *     when nothing counts (a pseudo-random state in memory);
 *  3. those that changed once, the latest first: a round of an outer loop
 *     that takes about as long as the look (a count of matrix products,
 *     at -O0), or a row of the result it fills, each new since then;
 *  4. the other counts.
 * Off the stack first, then the stack's from the outermost frame in, in
 * each.  More words only rule out more wrong moments.  Classes 2 and 3
 * only unless busy: another task finished a syscall meanwhile, and
 * replay writes what it wrote only later. */
static uint32_t far_words(const struct snapshot *snap, const struct moment *later, uint64_t rsp,
                          bool busy, struct ev_word *out)
{
    enum { K = FAR_MOMENTS };
    int n = 0;
    for (int j = 0; j < K - 1; j++)
        n += later[j].n;
    struct ev_word *cand = xmalloc((n + 1) * sizeof *cand);
    n = 0;
    for (int j = 0; j < K - 1; j++)
        for (int i = 0; i < later[j].n; i++)
            cand[n++] = later[j].w[i];
    qsort(cand, n, sizeof *cand, by_addr);
    int u = 0;
    for (int i = 0; i < n; i++)
        if (!u || cand[i].addr != cand[u - 1].addr)
            cand[u++] = cand[i];
    n = u;

    uint64_t (*vals)[K] = xmalloc((n + 1) * sizeof *vals);
    int *changes = xmalloc((n + 1) * sizeof *changes), *last = xmalloc((n + 1) * sizeof *last);
    bool *mono = xmalloc(n + 1), *taken = xcalloc(n + 1, 1);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < K; j++)
            vals[i][j] = value_at(snap, j ? &later[j - 1] : NULL, cand[i].addr);
        mono[i] = monotone(vals[i], K, &changes[i]);
        last[i] = 0;
        for (int j = 1; j < K; j++)
            if (vals[i][j] != vals[i][j - 1])
                last[i] = j;
    }
    int *order = outer_first(snap, cand, n);
    uint32_t nw = 0;
    for (int cls = 1; cls <= 4; cls++)
        /* rank: the number of changes (classes 1, 2) or the stretch of the
         * change (3), the highest first. */
        for (int rank = K - 1; rank >= 0; rank--)
            for (int o = 0; o < n && nw < POS_MEMORY_WORDS; o++) {
                int i = order[o];
                bool counts = mono[i] && changes[i] >= 2, want;
                switch (cls) {
                case 1: want = counts && changes[i] == rank && nw < FAR_COUNTS_FIRST; break;
                case 2: want = !busy && !counts && changes[i] == rank && last[i] == K - 1; break;
                case 3: want = !busy && mono[i] && changes[i] == 1 && last[i] == rank; break;
                default: want = counts && rank == 0; break;
                }
                if (!want || taken[i] || !usable(snap, cand[i].addr, rsp))
                    continue;
                taken[i] = true;
                out[nw++] = anchor_word_over(cand[i].addr, vals[i], K);
            }
    free(order);
    free(cand);
    free(vals);
    free(changes);
    free(last);
    free(mono);
    free(taken);
    return nw;
}

/* The far look (see the top): t stands at an execution of rip, *fd its
 * breakpoint.  FAR_MOMENTS moments run_ns apart at executions of rip
 * with want's registers (want NULL: any); the words that changed, in the
 * order far_words gives, with their values at the last moment, where t
 * then stands (*m: its registers): 1.  2 when t stands there but no word
 * changed, 0 when t is elsewhere; -1 another stop (*status). */
static int far_look(struct rtask *t, int *fd, uint64_t rip, const regs_t *want, uint64_t run_ns,
                    int *hits, regs_t *m, int *status, size_t *pages)
{
    struct snapshot snap = {0};
    struct moment later[FAR_MOMENTS - 1] = {{0}};
    int rc = run_far(t, fd, rip, want, run_ns, hits, m, status), result = 0;
    bool busy = other_task_reports();
    if (rc != 1 || !snapshot_take(t->tid, m->rsp, &snap))
        goto out;
    for (int j = 0; j < FAR_MOMENTS - 1; j++) {
        if ((rc = run_far(t, fd, rip, want, run_ns, hits, m, status)) != 1)
            goto out;
        later[j].w = xmalloc(MAX_FAR_CANDIDATES * sizeof *later[j].w);
        later[j].n = snapshot_diff(t->tid, &snap, later[j].w, MAX_FAR_CANDIDATES);
        qsort(later[j].w, later[j].n, sizeof *later[j].w, by_addr);
    }
    busy = busy || other_task_reports();
    t->anchor_nwords = far_words(&snap, later, m->rsp, busy, t->anchor_words);
    result = t->anchor_nwords ? 1 : 2;
out:
    debug("far look at 0x%llx (%s registers): %s", (unsigned long long)rip,
          want ? "the same" : "any",
          result == 1 ? "words" : result == 2 ? "no words" : rc < 0 ? "another stop" : "not met");
    *pages += snap.pages;
    free(snap.runs);
    free(snap.bytes);
    for (int j = 0; j < FAR_MOMENTS - 1; j++)
        free(later[j].w);
    return rc < 0 ? -1 : result;
}

/* The anchor moves to the far look's last moment (t->anchored false
 * meanwhile: an int3 counter would stop the thread at every execution of
 * those milliseconds).  With no words, only if `bare` (then the anchor
 * is found by its registers alone, as at a peek).  ANCHOR_MOVED, or
 * ANCHOR_LEFT with *rc 0 (no anchor: t went on) or -1 (another stop). */
static int far_anchor(struct rtask *t, int *fd, uint64_t rip, const regs_t *want, bool bare,
                      uint64_t run_ns, int *hits, int *status, size_t *pages, int *rc)
{
    hwbp_close(t->anchor_fd);
    t->anchored = false;
    regs_t m;
    int far = far_look(t, fd, rip, want, run_ns, hits, &m, status, pages);
    if (far == 0 && want) {
        /* want's registers did not come again (a recursion's, on another
         * way down): moments at executions with any registers. */
        far = far_look(t, fd, rip, NULL, run_ns, hits, &m, status, pages);
    }
    if ((far == 1 || (far == 2 && bare)) && (t->anchor_fd = hwbp_open(t->tid, m.rip, 0)) >= 0) {
        /* Opened where t stands, with RF: it counts the executions after. */
        t->anchored = true;
        t->anchor_regs = m;
        t->anchor_base = 0;
        return ANCHOR_MOVED;
    }
    t->anchor_nwords = 0;
    *rc = far < 0 ? -1 : 0;
    return ANCHOR_LEFT;
}

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000ll + ts.tv_nsec / 1000;
}

/* Lets t, stopped before the instruction at at->rip, run it without a
 * breakpoint there firing (RF set), so that the breakpoint's first stop
 * is a later execution. */
static void run_past(struct rtask *t, regs_t *at)
{
    if (!(at->eflags & EFLAGS_RF)) {
        /* That execution is still due, and the hot counters on this
         * address would have counted it: replay, counting them from the
         * resume, does. */
        for (int i = 0; i < t->nhot; i++)
            if (t->hot_fd[i] >= 0 && t->hot_addr[i] == at->rip)
                t->hot_base[i]--;
        at->eflags |= EFLAGS_RF;
    }
    regs_set(t->tid, at);
}

/* A look at the executions of rip to come: a breakpoint there (its fd,
 * or -1), and every signal but the breakpoint's blocked meanwhile (*mask:
 * the thread's own).  One that comes (a timer's) is delivered where the
 * thread ends up, which is as good a point as any for an asynchronous
 * signal.  So is a held signal: resumed with while blocked, it is queued
 * again.  The thread may have left rip's code for good (a loop entered
 * after a call): its CPU clock ends the wait. */
static int look_begin(struct rtask *t, uint64_t rip, uint64_t *mask)
{
    uint64_t only_bp = ~(1ull << (HWBP_SIGNAL - 1));
    if (ptrace(PTRACE_GETSIGMASK, t->tid, sizeof *mask, mask) < 0)
        return -1;
    int fd = hwbp_open(t->tid, rip, 1);
    if (fd < 0)
        return -1;
    ptrace(PTRACE_SETSIGMASK, t->tid, sizeof only_bp, &only_bp);
    if (t->clock_fd >= 0)
        clock_start(t->clock_fd, ANCHOR_LIMIT_NS);
    return fd;
}

static void look_end(struct rtask *t, int fd, uint64_t mask, struct snapshot *snap)
{
    hwbp_close(fd);
    if (t->clock_fd >= 0)
        clock_stop(t->clock_fd);
    ptrace(PTRACE_SETSIGMASK, t->tid, sizeof mask, &mask);
    free(snap->runs);
    free(snap->bytes);
}

/* The most of a stack the anchor's hash covers: the frames nearest the
 * stack pointer, where a recursion's ways down differ; more would reach
 * into memory other threads' syscalls may write (a Go goroutine's stack
 * is in the heap). */
#define STACK_HASH_MAX (16 * 1024)

/* t stands at its anchor: the hash of its stack (from rsp up, to the end
 * of the mapping) in the slot after the words.  The registers and the
 * words that changed over the look come again in a recursion on other
 * ways down; its frames differ.  Not when another task finished a
 * syscall meanwhile (replay writes what it wrote only later), nor in a
 * signal handler: its signal frame holds a trap number that differs in
 * replay. */
static void add_stack_word(struct rtask *t)
{
    regs_t now;
    char why[8];
    size_t n = 0;
    if (t->signal_frames || other_task_reports() || !regs_get_quiet(t->tid, &now) ||
        !regs_match(&now, &t->anchor_regs, why, sizeof why))
        return;
    struct region *v = writable_regions(t->tid, now.rsp, &n);
    uint64_t h;
    if (n && now.rsp >= v[0].lo && now.rsp < v[0].hi) {
        uint32_t len = v[0].hi - now.rsp > STACK_HASH_MAX ? STACK_HASH_MAX : v[0].hi - now.rsp;
        if (position_stack_hash(t->tid, now.rsp, len, &h))
            t->anchor_words[t->anchor_nwords++] = (struct ev_word){EV_WORD_STACK + len, h};
    }
    free(v);
}

int anchor_fingerprint(struct rtask *t, int held_sig, bool thorough, int *status)
{
    long long start = debug_enabled ? now_us() : 0;
    regs_t at = t->anchor_regs;
    uint64_t mask;
    int fd = look_begin(t, at.rip, &mask);
    if (fd < 0)
        return ANCHOR_NOT_TRIED;

    /* The thread stopped before the instruction at the anchor: with RF set
     * it runs without a breakpoint firing there, so the breakpoint's first
     * stop is a later execution (and the anchor's counter, armed just now,
     * counts only those too; replay gives the anchor this RF). */
    run_past(t, &at);
    t->anchor_regs = at;

    int how = ANCHOR_AT_PEEK, hits = 0, rc;
    bool far_used = false, stands_there = true;
    struct snapshot snap = {0}, miss_snap = {0};
    struct ev_word cand[MAX_CANDIDATES];
    uint64_t now[MAX_CANDIDATES];
    regs_t m1, m2, m3;
    /* miss_snap serves the inner loop's words, which a thorough look
     * does without (it looks further). */
    if ((rc = run_to_repeat(t, fd, &at, &hits, &m1, &held_sig, status,
                            thorough ? NULL : &miss_snap)) != 1)
        goto not_again;
    bool busy = other_task_reports();
    if (!snapshot_take(t->tid, at.rsp, &snap))
        goto out;
    if ((rc = run_to_repeat(t, fd, &at, &hits, &m2, &held_sig, status, NULL)) != 1)
        goto not_again;
    uint64_t base2 = hwbp_read(t->anchor_fd);
    int n = snapshot_diff(t->tid, &snap, cand, MAX_CANDIDATES), live = 0;
    for (int i = 0; i < n; i++)
        if (usable(&snap, cand[i].addr, at.rsp))
            cand[live++] = cand[i];
    n = live;
    if ((rc = run_to_repeat(t, fd, &at, &hits, &m3, &held_sig, status, NULL)) != 1)
        goto not_again;
    busy = busy || other_task_reports();
    for (int i = 0; i < n; i++)
        if (!position_word_read(t->tid, cand[i].addr, &now[i]))
            now[i] = cand[i].value;

    /* The words that changed again are the loop's own state.  Those that
     * changed once only are kept too (a loop may change some of its state
     * every other time), unless another task finished a syscall meanwhile:
     * replay writes what that syscall wrote only later. */
    uint32_t nw = 0, again, counters;
    bool taken[MAX_CANDIDATES] = {0};
    uint64_t first[MAX_CANDIDATES];
    for (int i = 0; i < n; i++)
        if (!snapshot_value(&snap, cand[i].addr, &first[i]))
            first[i] = cand[i].value;
    for (int i = 0; i < n && nw < POS_MEMORY_WORDS; i++)
        if ((taken[i] = word_counts(&snap, &cand[i], now[i])))
            t->anchor_words[nw++] = anchor_word(cand[i].addr, first[i], cand[i].value, now[i]);
    counters = nw;
    for (int i = 0; i < n && nw < POS_MEMORY_WORDS; i++)
        if (!taken[i] && now[i] != cand[i].value)
            t->anchor_words[nw++] = anchor_word(cand[i].addr, first[i], cand[i].value, now[i]);
    again = nw;
    for (int i = 0; i < n && nw < POS_MEMORY_WORDS && !busy; i++)
        if (now[i] == cand[i].value)
            t->anchor_words[nw++] = anchor_word(cand[i].addr, first[i], cand[i].value, now[i]);
    t->anchor_nwords = nw;
    if (n && !counters && t->clock_fd >= 0) {
        /* Words that change but count nothing (scratch that alternates,
         * in an interpreter): the round the anchor is in may be told
         * apart only by state that changes over longer stretches. */
        how = far_anchor(t, &fd, at.rip, &at, false, FAR_RUN_NS, &hits, status, &snap.pages, &rc);
        far_used = how == ANCHOR_MOVED;
        goto out;
    }
    if (again || !nw) {
        t->anchor_regs = m3; /* moment 3, unlike moment 2 */
        t->anchor_base = hwbp_read(t->anchor_fd);
    } else {
        t->anchor_regs = m2; /* the same memory at moments 2 and 3: the first */
        t->anchor_base = base2;
        stands_there = false; /* at moment 3, whose stack may differ */
    }
    how = ANCHOR_MOVED;
    goto out;
not_again:
    if (rc == REPEAT_COUNTER) {
        /* A loop inside another, whose state is in memory (at -O0, all
         * of it): the inner counter's registers come again at each round
         * of the outer loop.  The words its rounds changed tell. */
        rc = 0;
        if (thorough) {
            /* The inner loop's words do not tell the outer rounds apart
             * when the outer state is in memory the inner loop does not
             * write (a third loop around, at -O0): for a signal, which
             * comes seldom, the far look's moments 1 ms apart. */
            if (t->clock_fd >= 0) {
                how = far_anchor(t, &fd, at.rip, NULL, true, FAR_RUN_NS, &hits, status,
                                 &snap.pages, &rc);
                far_used = how == ANCHOR_MOVED;
            }
            goto out;
        }
        regs_t now;
        regs_get(t->tid, &now);
        int n = miss_snap.bytes ? snapshot_diff(t->tid, &miss_snap, cand, MAX_CANDIDATES) : 0;
        uint32_t nw = 0;
        for (int i = 0; i < n && nw < POS_MEMORY_WORDS; i++) {
            uint64_t first;
            if (!snapshot_value(&miss_snap, cand[i].addr, &first))
                first = cand[i].value;
            if (usable(&miss_snap, cand[i].addr, now.rsp))
                t->anchor_words[nw++] = anchor_word(cand[i].addr, first, cand[i].value,
                                                    cand[i].value);
        }
        t->anchor_nwords = nw;
        if (nw) {
            t->anchor_regs = now;
            t->anchor_base = hwbp_read(t->anchor_fd);
            how = ANCHOR_MOVED;
        } else if (t->clock_fd >= 0 && miss_snap.bytes) {
            /* An inner loop that writes nothing (strlen's, called again
             * and again by a loop whose state is in memory): a moment a
             * little later, likely in another round of the outer loop. */
            hwbp_close(t->anchor_fd);
            t->anchored = false;
            regs_t m;
            int got = outer_look(t, &fd, at.rip, &miss_snap, &hits, &m, status);
            if (got > 0 && (t->anchor_fd = hwbp_open(t->tid, m.rip, 0)) >= 0) {
                t->anchored = true;
                t->anchor_regs = m;
                t->anchor_base = 0;
                how = ANCHOR_MOVED;
                far_used = true;
            } else {
                t->anchor_nwords = 0;
                rc = got < 0 ? -1 : 0;
                how = ANCHOR_LEFT;
            }
        }
    } else if (rc == REPEAT_UNKNOWN && t->clock_fd >= 0) {
        /* Registers that do not come again soon may have come before,
         * since the resume (a recursion's, on an earlier way down):
         * memory that changes over longer stretches tells. */
        how = far_anchor(t, &fd, at.rip, NULL, true, FAR_RUN_NS, &hits, status, &snap.pages, &rc);
        far_used = how == ANCHOR_MOVED;
    } else if (rc == REPEAT_UNKNOWN) {
        rc = 0;
    }
out:
    if (rc == 2) /* the thread's clock stopped it, in other code */
        how = hits ? ANCHOR_LEFT : ANCHOR_NOT_MET;
    if (how == ANCHOR_MOVED && t->anchored && stands_there)
        add_stack_word(t);
    debug("anchor at 0x%llx: %d stops, %s%s, %u words, %zu pages compared, %lld us",
          (unsigned long long)at.rip, hits, far_used ? "far look, " : "",
          how == ANCHOR_MOVED      ? "moved"
          : how == ANCHOR_NOT_MET  ? "not met again"
          : how == ANCHOR_LEFT     ? "left for other code"
          : rc < 0                 ? "another stop came"
                                   : "left at the peek",
          t->anchor_nwords, snap.pages, debug_enabled ? now_us() - start : 0);
    look_end(t, fd, mask, &snap);
    free(miss_snap.runs);
    free(miss_snap.bytes);
    if (rc < 0)
        return ANCHOR_OTHER_STOP;
    return how;
}

int anchor_still_loop(struct rtask *t, regs_t *now, int *status)
{
    uint64_t mask;
    int fd = look_begin(t, now->rip, &mask);
    if (fd < 0)
        return 0;
    regs_t at = *now, m;
    run_past(t, &at);
    struct snapshot snap = {0};
    struct ev_word changed[1];
    char why[8];
    int hits = 0, sig = 0, still = 0;
    int rc = run_to_repeat(t, fd, &at, &hits, &m, &sig, status, NULL);
    if (rc == 1 && hits == 1 && regs_match(&m, &at, why, sizeof why) &&
        snapshot_take(t->tid, at.rsp, &snap) &&
        (rc = run_to_repeat(t, fd, &at, &hits, &m, &sig, status, NULL)) == 1 && hits == 2 &&
        regs_match(&m, &at, why, sizeof why))
        still = snapshot_diff(t->tid, &snap, changed, 1) == 0;
    debug("still loop at 0x%llx: %s after %d stops, %zu pages compared",
          (unsigned long long)at.rip, still ? "yes" : "no", hits, snap.pages);
    look_end(t, fd, mask, &snap);
    if (rc == 1 || rc == 0 || rc == 2)
        regs_get(t->tid, now);
    return rc < 0 ? -1 : still;
}
