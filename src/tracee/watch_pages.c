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
#include "tracee/stop_session.h"

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

/* ---- which pages, and their protection ---- */

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

static const struct page *page_at(const struct space *s, uint64_t page)
{
    for (size_t i = 0; s && i < s->npages; i++)
        if (s->pages[i].addr == page)
            return &s->pages[i];
    return NULL;
}

static bool page_on(const struct space *s, uint64_t page)
{
    const struct page *p = page_at(s, page);
    return p && p->on;
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
static int protect(struct space *s, struct stop_session *ss, int *other)
{
    struct page gone[MAX_PAGES];
    size_t ngone;
    update_pages(s, gone, &ngone);
    long rc;
    for (size_t i = 0; i < ngone; i++)
        if (stop_session_call(ss, s->insn, SYS_mprotect, gone[i].addr, PAGE, gone[i].prot, &rc,
                              other))
            return SESSION_STOPPED;
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
        if (stop_session_call(ss, s->insn, SYS_mprotect, p->addr, PAGE, prot, &rc, other))
            return SESSION_STOPPED;
        p->on = rc == 0;
        p->on_none = p->none;
        if (rc)
            p->able = false;
    }
    return SESSION_OK;
}

/* Gives every page its write permission back.  The mappings may change
 * before the next protect (a syscall runs), so their protection is read
 * again then. */
static int lift(struct space *s, struct stop_session *ss, uint64_t only, int *other)
{
    long rc;
    for (size_t i = 0; i < s->npages; i++) {
        struct page *p = &s->pages[i];
        if (!p->on || (only && p->addr != only))
            continue;
        if (stop_session_call(ss, s->insn, SYS_mprotect, p->addr, PAGE, p->prot, &rc, other))
            return SESSION_STOPPED;
        p->on = false;
    }
    if (!only)
        s->stale = true;
    return SESSION_OK;
}

int watch_pages_lift_all(struct stop_session *ss, pid_t tgid, int *other)
{
    struct space *s = space_of(tgid);
    if (!s || !any_on(s))
        return SESSION_OK;
    return lift(s, ss, 0, other);
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
    return request == PTRACE_SINGLESTEP && regs_get_quiet(tid, &r) &&
           tracee_syscall_insn_at(tid, r.rip);
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
    if (!s->insn && !(s->insn = stop_session_syscall_insn(tid)))
        return PAGES_STEP;
    struct stop_session ss;
    int rc = stop_session_begin(&ss, tid, last, led_here, sig, other);
    if (rc == SESSION_CANNOT)
        return PAGES_STEP;
    if (rc == SESSION_OK)
        rc = writes ? lift(s, &ss, 0, other) : protect(s, &ss, other);
    if (rc == SESSION_OK)
        rc = stop_session_end(&ss, other);
    debug("watch pages of %d: %s for thread %d (request %d, signal %d): %s", tgid,
          writes ? "writable" : "protected", tid, request, sig,
          rc == SESSION_OK ? "done" : "stopped");
    if (rc != SESSION_OK)
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
    struct stop_session ss;
    int last = (SIGSEGV << 8) | 0x7f;
    *other = -1;
    if (stop_session_begin(&ss, tid, last, -1, 0, other) != SESSION_OK ||
        lift(s, &ss, page, other) != SESSION_OK)
        return FAULT_STOPPED;
    /* The instruction runs with its signals still blocked: a signal
     * waits for the thread's next resume, as it would at the fault. */
    if (ptrace(PTRACE_SETREGS, tid, 0, &ss.saved) < 0 || !step(tid, other)) {
        stop_session_unmask(&ss);
        return FAULT_STOPPED; /* the page stays writable until the next prepare */
    }
    /* Protected again at once: two stops fewer than at the next resume. */
    int rc = regs_get_quiet(tid, &ss.saved) ? protect(s, &ss, other) : SESSION_STOPPED;
    if (rc == SESSION_OK)
        rc = stop_session_end(&ss, other);
    stop_session_unmask(&ss);
    return rc == SESSION_OK ? FAULT_STEPPED : FAULT_STOPPED;
}

bool watch_pages_write_protected(pid_t tgid, uint64_t addr)
{
    const struct page *p = page_at(space_of(tgid), addr & ~(PAGE - 1));
    return p && p->on && !p->on_none;
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
