#include "tracee/watch_pages.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/regs.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "tracee/soft_breakpoint.h"
#include "tracee/soft_watchpoint.h"

#define PAGE 4096ull
#define MAX_PAGES 64

struct page {
    uint64_t addr;
    int prot;     /* the mapping's own protection; -1: not read yet */
    bool none;    /* an access watchpoint is on it: no access, not only no write */
    bool able;    /* a private mapping (writable, unless none): it can be protected */
    bool on;      /* its permissions are taken away now ... */
    bool on_none; /* ... all of them */
};

/* One address space (thread group) with watched pages. */
struct space {
    pid_t tgid;
    uint64_t insn; /* a syscall instruction in its vDSO */
    struct page pages[MAX_PAGES];
    size_t npages;
    bool stale; /* the watches or the mappings may have changed */
};

static struct space *spaces;
static size_t nspaces;

static struct space *space_of(pid_t tgid)
{
    for (size_t i = 0; i < nspaces; i++)
        if (spaces[i].tgid == tgid)
            return &spaces[i];
    return NULL;
}

void watch_pages_changed(pid_t tgid)
{
    struct space *s = space_of(tgid);
    if (s)
        s->stale = true;
}

void watch_pages_forget(pid_t tgid)
{
    struct space *s = space_of(tgid);
    if (s)
        *s = spaces[--nspaces];
}

/* ---- running syscalls in a stopped thread, leaving it as it was ---- */

/* How the thread stood when rewind began working in it. */
struct session {
    pid_t tid;
    regs_t saved;
    int entry;      /* at a syscall entry: 0 no, else the request to re-enter */
    bool requeue;   /* at the delivery of a signal to be delivered */
    siginfo_t si;
    uint64_t mask;  /* its signal mask: all are blocked meanwhile */
    bool masked;
};

enum { S_OK, S_CANNOT, S_STOPPED };

/* Resumes tid with request until the syscall stop wanted (exit or entry).
 * Signals are blocked meanwhile (a pending one stays pending); a group
 * stop is passed.  Else *other: the stop that came instead (-1: the
 * thread is gone). */
static bool run_to_syscall_stop(pid_t tid, int request, bool want_exit, int *other)
{
    for (;;) {
        if (ptrace(request, tid, 0, 0) < 0) {
            *other = -1;
            return false;
        }
        int st;
        pid_t got;
        while ((got = waitpid(tid, &st, __WALL)) < 0 && errno == EINTR)
            ;
        if (got != tid) {
            *other = -1;
            return false;
        }
        if (!WIFSTOPPED(st) || (st >> 16)) {
            *other = st;
            return false;
        }
        int sig = WSTOPSIG(st);
        if (sig == (SIGTRAP | 0x80)) {
            struct __ptrace_syscall_info info;
            if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) > 0 &&
                (info.op == PTRACE_SYSCALL_INFO_EXIT) == want_exit)
                return true;
            continue;
        }
        if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) {
            *other = st;
            return false;
        }
    }
}

static void unmask(struct session *ss)
{
    if (ss->masked)
        ptrace(PTRACE_SETSIGMASK, ss->tid, sizeof ss->mask, &ss->mask);
    ss->masked = false;
}

static int session_begin_(struct session *ss, pid_t tid, int last, int led_here, int sig,
                          int *other);

/* Prepares tid, stopped at `last`, to run syscalls.  At a syscall entry
 * the pending syscall is skipped for now (it is entered again at the end);
 * at a signal's delivery that is to go ahead, the signal is delivered
 * again at the end with its siginfo.  Signals pending or sent meanwhile
 * wait, blocked, for the thread's own next return to user code. */
static int session_begin(struct session *ss, pid_t tid, int last, int led_here, int sig,
                         int *other)
{
    memset(ss, 0, sizeof *ss);
    ss->tid = tid;
    if (!WIFSTOPPED(last) || (last >> 16) || !regs_get_quiet(tid, &ss->saved))
        return S_CANNOT;
    uint64_t all = ~0ull;
    if (ptrace(PTRACE_GETSIGMASK, tid, sizeof ss->mask, &ss->mask) < 0 ||
        ptrace(PTRACE_SETSIGMASK, tid, sizeof all, &all) < 0)
        return S_CANNOT;
    ss->masked = true;
    int rc = session_begin_(ss, tid, last, led_here, sig, other);
    if (rc != S_OK)
        unmask(ss);
    return rc;
}

static int session_begin_(struct session *ss, pid_t tid, int last, int led_here, int sig,
                          int *other)
{
    if (WSTOPSIG(last) == (SIGTRAP | 0x80)) {
        struct __ptrace_syscall_info info;
        if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) <= 0)
            return S_CANNOT;
        if (info.op != PTRACE_SYSCALL_INFO_ENTRY)
            return S_OK;
        uint8_t insn[2];
        if (tracee_read(tid, ss->saved.rip - 2, insn, 2) != 2 || insn[0] != 0x0f || insn[1] != 0x05)
            return S_CANNOT;
        ss->entry = led_here == PTRACE_SYSEMU || led_here == PTRACE_SYSEMU_SINGLESTEP
                        ? PTRACE_SYSEMU
                        : PTRACE_SYSCALL;
        regs_t r = ss->saved;
        r.orig_rax = -1;
        if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0)
            return S_CANNOT;
        return run_to_syscall_stop(tid, PTRACE_SYSCALL, true, other) ? S_OK : S_STOPPED;
    }
    /* A signal-delivery-stop (a group-stop has no siginfo). */
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0)
        return S_CANNOT;
    if (sig && !((ss->mask >> (sig - 1)) & 1)) {
        ss->requeue = true;
        if (sig == WSTOPSIG(last)) {
            ss->si = si;
        } else {
            /* What the kernel gives a signal the tracer swaps in. */
            ss->si = (siginfo_t){.si_signo = sig, .si_code = SI_USER};
            ss->si.si_pid = getpid();
            ss->si.si_uid = getuid();
        }
    }
    return S_OK;
}

/* Single-steps the syscall instruction tid is at: the syscall runs and
 * the step's trap follows, one stop instead of an entry and an exit. */
static bool step_syscall(pid_t tid, int *other)
{
    if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0) {
        *other = -1;
        return false;
    }
    int st;
    pid_t got;
    while ((got = waitpid(tid, &st, __WALL)) < 0 && errno == EINTR)
        ;
    *other = got == tid ? st : -1;
    return got == tid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && !(st >> 16);
}

static int session_call(struct session *ss, uint64_t insn, long nr, uint64_t a0, uint64_t a1,
                        uint64_t a2, long *result, int *other)
{
    regs_t r = ss->saved;
    r.rip = insn;
    r.rax = nr;
    r.orig_rax = -1;
    r.rdi = a0;
    r.rsi = a1;
    r.rdx = a2;
    if (ptrace(PTRACE_SETREGS, ss->tid, 0, &r) < 0) {
        *other = -1;
        return S_STOPPED;
    }
    if (ss->requeue) {
        /* Ends at a syscall stop, from which a signal is queued. */
        if (!run_to_syscall_stop(ss->tid, PTRACE_SYSCALL, false, other) ||
            !run_to_syscall_stop(ss->tid, PTRACE_SYSCALL, true, other))
            return S_STOPPED;
    } else if (!step_syscall(ss->tid, other)) {
        return S_STOPPED;
    }
    if (ptrace(PTRACE_GETREGS, ss->tid, 0, &r) < 0) {
        *other = -1;
        return S_STOPPED;
    }
    *result = r.rax;
    return S_OK;
}

static int session_end_(struct session *ss, int *other);

/* Leaves the thread as session_begin found it. */
static int session_end(struct session *ss, int *other)
{
    int rc = session_end_(ss, other);
    unmask(ss);
    return rc;
}

static int session_end_(struct session *ss, int *other)
{
    pid_t tid = ss->tid;
    if (ss->entry) {
        regs_t r = ss->saved;
        r.rip -= 2;
        r.rax = ss->saved.orig_rax;
        if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0) {
            *other = -1;
            return S_STOPPED;
        }
        if (!run_to_syscall_stop(tid, ss->entry, false, other))
            return S_STOPPED;
    }
    if (ptrace(PTRACE_SETREGS, tid, 0, &ss->saved) < 0) {
        *other = -1;
        return S_STOPPED;
    }
    unmask(ss);
    if (!ss->requeue)
        return S_OK;
    /* From a syscall stop a signal is only queued; it is delivered on the
     * way back to user code, a delivery stop first. */
    if (ptrace(PTRACE_SINGLESTEP, tid, 0, ss->si.si_signo) < 0) {
        *other = -1;
        return S_STOPPED;
    }
    int st;
    while (waitpid(tid, &st, __WALL) < 0 && errno == EINTR)
        ;
    *other = st;
    if (!WIFSTOPPED(st) || (st >> 16) || WSTOPSIG(st) != ss->si.si_signo)
        return S_STOPPED;
    ptrace(PTRACE_SETSIGINFO, tid, 0, &ss->si);
    return S_OK;
}

/* ---- which pages, and their protection ---- */

static uint64_t find_syscall_insn(pid_t tid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    uint64_t lo = 0, hi = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
            break;
    fclose(f);
    if (!lo || hi - lo > (1 << 20))
        return 0;
    size_t len = hi - lo;
    uint8_t *img = xmalloc(len);
    uint64_t at = 0;
    if (tracee_read(tid, lo, img, len) == (ssize_t)len)
        for (size_t i = 0; i + 1 < len && !at; i++)
            if (img[i] == 0x0f && img[i + 1] == 0x05)
                at = lo + i;
    free(img);
    return at;
}

/* Reads the protection of every page whose protection is not known. */
static void read_protections(struct space *s, pid_t tid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        uint64_t lo, hi;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3)
            continue;
        for (size_t i = 0; i < s->npages; i++) {
            struct page *p = &s->pages[i];
            if (p->prot >= 0 || p->addr < lo || p->addr >= hi)
                continue;
            p->prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
                      (perms[2] == 'x' ? PROT_EXEC : 0);
            /* A shared mapping read-only cannot be written through
             * /proc/PID/mem, which the replay and gdb's breakpoints use. */
            p->able = perms[3] == 'p' && (perms[1] == 'w' || (p->none && perms[0] == 'r'));
        }
    }
    fclose(f);
    for (size_t i = 0; i < s->npages; i++)
        if (s->pages[i].prot < 0) {
            s->pages[i].prot = 0;
            s->pages[i].able = false;
        }
}

/* The pages watched now: kept ones keep their state, new ones start
 * unprotected; ones no longer watched are returned in *gone. */
static void update_pages(struct space *s, struct page *gone, size_t *ngone)
{
    uint64_t want[MAX_PAGES];
    size_t nwant = soft_watch_pages(s->tgid, 0, want, MAX_PAGES);
    struct page next[MAX_PAGES];
    size_t n = 0;
    *ngone = 0;
    for (size_t i = 0; i < s->npages; i++) {
        bool kept = false;
        for (size_t j = 0; j < nwant && !kept; j++)
            kept = want[j] == s->pages[i].addr;
        if (kept) {
            next[n] = s->pages[i];
            next[n++].none = soft_watch_page_access(s->tgid, s->pages[i].addr);
        }
        else if (s->pages[i].on)
            gone[(*ngone)++] = s->pages[i];
    }
    for (size_t j = 0; j < nwant; j++) {
        bool have = false;
        for (size_t i = 0; i < n && !have; i++)
            have = next[i].addr == want[j];
        if (!have)
            next[n++] = (struct page){.addr = want[j], .prot = -1,
                                      .none = soft_watch_page_access(s->tgid, want[j])};
    }
    memcpy(s->pages, next, n * sizeof *next);
    s->npages = n;
}

static bool any_on(const struct space *s)
{
    for (size_t i = 0; i < s->npages; i++)
        if (s->pages[i].on)
            return true;
    return false;
}

static bool page_on(const struct space *s, uint64_t page)
{
    for (size_t i = 0; i < s->npages; i++)
        if (s->pages[i].addr == page)
            return s->pages[i].on;
    return false;
}

/* Whether every page tid's watches touch is protected. */
static bool covers(const struct space *s, pid_t tid)
{
    uint64_t mine[MAX_PAGES];
    size_t n = soft_watch_pages(s->tgid, tid, mine, MAX_PAGES);
    for (size_t i = 0; i < n; i++)
        if (!page_on(s, mine[i]))
            return false;
    return n > 0;
}

static bool needs_work_to_protect(const struct space *s)
{
    if (s->stale)
        return true;
    for (size_t i = 0; i < s->npages; i++)
        if (s->pages[i].able && (!s->pages[i].on || s->pages[i].on_none != s->pages[i].none))
            return true;
    return false;
}

/* Takes write permission away from the watched pages (and gives it back
 * to pages no longer watched). */
static int protect(struct space *s, struct session *ss, int *other)
{
    struct page gone[MAX_PAGES];
    size_t ngone;
    update_pages(s, gone, &ngone);
    long rc;
    for (size_t i = 0; i < ngone; i++)
        if (session_call(ss, s->insn, SYS_mprotect, gone[i].addr, PAGE, gone[i].prot, &rc, other))
            return S_STOPPED;
    bool unknown = false;
    for (size_t i = 0; i < s->npages; i++) {
        if (s->stale && !s->pages[i].on)
            s->pages[i].prot = -1;
        unknown |= s->pages[i].prot < 0;
    }
    if (unknown)
        read_protections(s, ss->tid);
    s->stale = false;
    for (size_t i = 0; i < s->npages; i++) {
        struct page *p = &s->pages[i];
        if (!p->able || (p->on && p->on_none == p->none))
            continue;
        int prot = p->none ? PROT_NONE : p->prot & ~PROT_WRITE;
        if (session_call(ss, s->insn, SYS_mprotect, p->addr, PAGE, prot, &rc, other))
            return S_STOPPED;
        p->on = rc == 0;
        p->on_none = p->none;
        if (rc)
            p->able = false;
    }
    return S_OK;
}

/* Gives every page its write permission back.  The mappings may change
 * before the next protect (a syscall runs), so their protection is read
 * again then. */
static int lift(struct space *s, struct session *ss, uint64_t only, int *other)
{
    long rc;
    for (size_t i = 0; i < s->npages; i++) {
        struct page *p = &s->pages[i];
        if (!p->on || (only && p->addr != only))
            continue;
        if (session_call(ss, s->insn, SYS_mprotect, p->addr, PAGE, p->prot, &rc, other))
            return S_STOPPED;
        p->on = false;
    }
    if (!only)
        s->stale = true;
    return S_OK;
}

/* Whether the resume can make the kernel write the address space before
 * user code runs or with nothing stopping in between: a syscall executed
 * (from its entry stop, or within PTRACE_CONT or a single-step over it),
 * a signal delivered. */
static bool kernel_writes(pid_t tid, int request, int sig, int last, int led_here)
{
    if (sig || request == PTRACE_CONT)
        return true;
    if (request == PTRACE_SYSEMU || request == PTRACE_SYSEMU_SINGLESTEP)
        return false;
    if (WIFSTOPPED(last) && (last >> 16))
        return true; /* a ptrace event: inside a syscall */
    if (WIFSTOPPED(last) && WSTOPSIG(last) == (SIGTRAP | 0x80)) {
        struct __ptrace_syscall_info info;
        return ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) > 0 &&
               info.op == PTRACE_SYSCALL_INFO_ENTRY && led_here != PTRACE_SYSEMU &&
               led_here != PTRACE_SYSEMU_SINGLESTEP;
    }
    regs_t r;
    uint8_t insn[2];
    return request == PTRACE_SINGLESTEP && regs_get_quiet(tid, &r) &&
           tracee_read(tid, r.rip, insn, 2) == 2 && insn[0] == 0x0f && insn[1] == 0x05;
}

int watch_pages_prepare(pid_t tid, pid_t tgid, int request, int sig, int last, int led_here,
                        int *other)
{
    struct space *s = space_of(tgid);
    if (!s) {
        uint64_t any[1];
        if (!soft_watch_pages(tgid, 0, any, 1))
            return PAGES_STEP;
        spaces = xrealloc(spaces, (nspaces + 1) * sizeof *spaces);
        s = &spaces[nspaces++];
        *s = (struct space){.tgid = tgid, .stale = true};
    }
    bool writes = kernel_writes(tid, request, sig, last, led_here);
    if (writes ? !any_on(s) : !needs_work_to_protect(s))
        return covers(s, tid) && !writes ? PAGES_FREE : PAGES_STEP;
    if (!s->insn && !(s->insn = find_syscall_insn(tid)))
        return PAGES_STEP;
    struct session ss;
    int rc = session_begin(&ss, tid, last, led_here, sig, other);
    if (rc == S_CANNOT)
        return PAGES_STEP;
    if (rc == S_OK)
        rc = writes ? lift(s, &ss, 0, other) : protect(s, &ss, other);
    if (rc == S_OK)
        rc = session_end(&ss, other);
    debug("watch pages of %d: %s for thread %d (request %d, signal %d): %s", tgid,
          writes ? "writable" : "protected", tid, request, sig, rc == S_OK ? "done" : "stopped");
    if (rc != S_OK)
        return PAGES_STOPPED;
    return covers(s, tid) && !writes ? PAGES_FREE : PAGES_STEP;
}

int watch_pages_fault(pid_t tid, pid_t tgid, uint64_t addr, bool (*step)(pid_t, int *),
                      int *other)
{
    struct space *s = space_of(tgid);
    uint64_t page = addr & ~(PAGE - 1);
    if (!s || !page_on(s, page))
        return FAULT_NOT_OURS;
    debug("watch pages of %d: thread %d touches page 0x%llx", tgid, tid, (unsigned long long)page);
    struct session ss;
    int last = (SIGSEGV << 8) | 0x7f;
    *other = -1;
    if (session_begin(&ss, tid, last, -1, 0, other) != S_OK || lift(s, &ss, page, other) != S_OK)
        return FAULT_STOPPED;
    /* The instruction runs with its signals still blocked: a signal
     * waits for the thread's next resume, as it would at the fault. */
    if (ptrace(PTRACE_SETREGS, tid, 0, &ss.saved) < 0 || !step(tid, other)) {
        unmask(&ss);
        return FAULT_STOPPED; /* the page stays writable until the next prepare */
    }
    /* Protected again at once: two stops fewer than at the next resume. */
    int rc = regs_get_quiet(tid, &ss.saved) ? protect(s, &ss, other) : S_STOPPED;
    if (rc == S_OK)
        rc = session_end(&ss, other);
    unmask(&ss);
    return rc == S_OK ? FAULT_STEPPED : FAULT_STOPPED;
}

bool watch_pages_can_protect(pid_t tid, uint64_t addr, int len)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    /* Not mapped yet (a replay started again, before the exec): the
     * mapping to come is not known.  A page protected here shows its
     * protection, not the mapping's own. */
    struct space *s = space_of(tracee_tgid(tid));
    bool able = true;
    uint64_t end = addr + len;
    while (fgets(line, sizeof line, f)) {
        uint64_t lo, hi;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3 || lo >= end || addr >= hi)
            continue;
        for (uint64_t p = addr & ~(PAGE - 1); p < end && able; p += PAGE)
            if (p >= lo && p < hi && !(s && page_on(s, p)) && (perms[3] != 'p' || perms[0] != 'r'))
                able = false;
    }
    fclose(f);
    return able;
}
