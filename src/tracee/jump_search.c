#include "tracee/jump_search.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "arch/insn_access.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "tracee/stop_session.h"

#define PAGE 4096ull
#define REACH 0x7ff00000ll        /* a rel32 from the instruction reaches the page */
#define ARITH_FLAGS 0xcd5ull       /* CF PF AF ZF SF DF OF: what regs_match compares */
#define RED_ZONE 128

struct code {
    uint8_t b[PAGE];
    size_t n;
};

static void emit(struct code *c, const void *bytes, size_t n)
{
    memcpy(c->b + c->n, bytes, n);
    c->n += n;
}

static void emit1(struct code *c, uint8_t b) { emit(c, &b, 1); }
static void emit32(struct code *c, uint32_t v) { emit(c, &v, 4); }

static void movabs_rax(struct code *c, uint64_t v)
{
    emit(c, "\x48\xb8", 2);
    emit(c, &v, 8);
}

/* jne rel32 to a label patched later: returns where the rel32 is. */
static size_t jne_later(struct code *c)
{
    emit(c, "\x0f\x85", 2);
    size_t at = c->n;
    emit32(c, 0);
    return at;
}

static void link_to(struct code *c, size_t at, size_t target)
{
    int32_t rel = (int32_t)(target - (at + 4));
    memcpy(c->b + at, &rel, 4);
}

/* cmp %rax, %reg (reg: the x86 number, 0-15). */
static void cmp_rax_with(struct code *c, int reg)
{
    emit1(c, 0x48 | (reg >= 8));
    emit1(c, 0x39);
    emit1(c, 0xc0 | (reg & 7));
}

static size_t reg_offset(int reg)
{
    static const size_t off[16] = {
        offsetof(regs_t, rax), offsetof(regs_t, rcx), offsetof(regs_t, rdx), offsetof(regs_t, rbx),
        offsetof(regs_t, rsp), offsetof(regs_t, rbp), offsetof(regs_t, rsi), offsetof(regs_t, rdi),
        offsetof(regs_t, r8),  offsetof(regs_t, r9),  offsetof(regs_t, r10), offsetof(regs_t, r11),
        offsetof(regs_t, r12), offsetof(regs_t, r13), offsetof(regs_t, r14), offsetof(regs_t, r15),
    };
    return off[reg];
}

/* The register to try first: one the run has changed since the thread
 * stood where it is now (a loop's counter, likely), else rax.  Not rcx
 * (the scratch) nor rsp. */
static int filter_reg(pid_t tid, const regs_t *want)
{
    static const int order[] = {0, 2, 3, 6, 7, 5, 8, 9, 10, 11, 12, 13, 14, 15};
    regs_t now;
    if (!regs_get_quiet(tid, &now))
        return 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        uint64_t a, b;
        memcpy(&a, (const char *)&now + reg_offset(order[i]), 8);
        memcpy(&b, (const char *)want + reg_offset(order[i]), 8);
        if (a != b)
            return order[i];
    }
    return 0;
}

static void restore(struct code *c)
{
    emit(c, "\x5b\x58\x9d", 3);                          /* pop %rbx; pop %rax; popfq */
    emit(c, "\x48\x8d\xa4\x24\x80\x00\x00\x00", 8);      /* lea 128(%rsp),%rsp */
}

/* The trampoline at page: compares, traps on a match, runs the moved
 * instruction and jumps back.  *hit: the offset just past its int3. */
static void build(struct code *c, uint64_t page, struct jump_search *js, const regs_t *w,
                  const struct ev_word *words, uint32_t n, size_t *hit)
{
    size_t misses[64];
    int nm = 0;
    c->n = 0;
    /* First one register, without touching the flags (pushfq and popfq are
     * slow): rcx = reg - want, jrcxz.  Most executions end there. */
    int reg = js->filter_reg;
    uint64_t v;
    memcpy(&v, (const char *)w + reg_offset(reg), 8);
    emit(c, "\x48\x8d\x64\x24\x80", 5);                  /* lea -128(%rsp),%rsp */
    emit1(c, 0x51);                                      /* push %rcx */
    emit(c, "\x48\xb9", 2);                              /* movabs $-want,%rcx */
    uint64_t neg = -v;
    emit(c, &neg, 8);
    emit1(c, (uint8_t)(0x48 | (reg >= 8 ? 2 : 0)));      /* lea (%rcx,%reg),%rcx */
    emit1(c, 0x8d);
    emit1(c, 0x0c);
    emit1(c, (uint8_t)(((reg & 7) << 3) | 1));
    emit(c, "\xe3\x0e", 2);                              /* jrcxz: to the full compare */
    emit1(c, 0x59);                                      /* pop %rcx */
    emit(c, "\x48\x8d\xa4\x24\x80\x00\x00\x00", 8);      /* lea 128(%rsp),%rsp */
    emit1(c, 0xe9);                                      /* jmp to the moved instruction */
    size_t fast_to_moved = c->n;
    emit32(c, 0);
    emit1(c, 0x59);                                      /* pop %rcx */
    emit(c, "\x48\x8d\xa4\x24\x80\x00\x00\x00", 8);      /* lea 128(%rsp),%rsp */
    emit(c, "\x48\x8d\x64\x24\x80", 5);                  /* lea -128(%rsp),%rsp: the red zone */
    emit(c, "\x9c\x50\x53", 3);                          /* pushfq; push %rax; push %rbx */
    movabs_rax(c, w->rax);
    emit(c, "\x48\x39\x44\x24\x08", 5);                  /* cmp %rax,8(%rsp) */
    misses[nm++] = jne_later(c);
    movabs_rax(c, w->rbx);
    emit(c, "\x48\x39\x04\x24", 4);                      /* cmp %rax,(%rsp) */
    misses[nm++] = jne_later(c);
    movabs_rax(c, w->rsp - RED_ZONE - 24);
    cmp_rax_with(c, 4);
    misses[nm++] = jne_later(c);
    const struct {
        int reg;
        size_t off;
    } others[] = {
        {1, offsetof(regs_t, rcx)}, {2, offsetof(regs_t, rdx)}, {5, offsetof(regs_t, rbp)},
        {6, offsetof(regs_t, rsi)}, {7, offsetof(regs_t, rdi)}, {8, offsetof(regs_t, r8)},
        {9, offsetof(regs_t, r9)},  {10, offsetof(regs_t, r10)}, {11, offsetof(regs_t, r11)},
        {12, offsetof(regs_t, r12)}, {13, offsetof(regs_t, r13)}, {14, offsetof(regs_t, r14)},
        {15, offsetof(regs_t, r15)},
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        uint64_t v;
        memcpy(&v, (const char *)w + others[i].off, 8);
        movabs_rax(c, v);
        cmp_rax_with(c, others[i].reg);
        misses[nm++] = jne_later(c);
    }
    emit(c, "\x48\x8b\x44\x24\x10", 5);                  /* mov 16(%rsp),%rax: the flags */
    emit(c, "\x48\x25", 2);                              /* and $ARITH_FLAGS,%rax */
    emit32(c, ARITH_FLAGS);
    emit(c, "\x48\x3d", 2);                              /* cmp $flags,%rax */
    emit32(c, (uint32_t)(w->eflags & ARITH_FLAGS));
    misses[nm++] = jne_later(c);
    for (uint32_t i = 0; i < n; i++) {
        movabs_rax(c, words[i].addr);
        emit(c, "\x48\x8b\x00", 3);                      /* mov (%rax),%rax */
        emit(c, "\x48\xbb", 2);                          /* movabs $value,%rbx */
        emit(c, &words[i].value, 8);
        emit(c, "\x48\x39\xd8", 3);                      /* cmp %rbx,%rax */
        misses[nm++] = jne_later(c);
    }
    restore(c);
    emit1(c, 0xcc);
    *hit = c->n;
    emit1(c, 0xe9);                                      /* jmp cont */
    size_t to_cont = c->n;
    emit32(c, 0);
    size_t miss = c->n;
    for (int i = 0; i < nm; i++)
        link_to(c, misses[i], miss);
    restore(c);
    link_to(c, to_cont, c->n);
    /* The moved instruction, its rip-relative displacement made to point
     * where it pointed from its own place. */
    size_t moved = c->n;
    js->moved = page + moved;
    link_to(c, fast_to_moved, moved);
    emit(c, js->orig, js->len);
    int disp_off = -1;
    uint8_t tmp[16];
    insn_movable(js->tid, js->addr, tmp, &disp_off);
    if (disp_off >= 0) {
        int32_t d;
        memcpy(&d, c->b + moved + disp_off, 4);
        d = (int32_t)((int64_t)d + (int64_t)js->addr - (int64_t)(page + moved));
        memcpy(c->b + moved + disp_off, &d, 4);
    }
    js->back = page + c->n;
    emit1(c, 0xe9);                                      /* jmp back */
    emit32(c, (uint32_t)(int32_t)((int64_t)(js->addr + js->len) - (int64_t)(page + c->n + 4)));
}

/* A free page within a rel32's reach of addr, from the thread's maps. */
static uint64_t free_page_near(pid_t tid, uint64_t addr)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    uint64_t lo_lim = addr > (uint64_t)REACH ? (addr - REACH + PAGE - 1) & ~(PAGE - 1) : PAGE * 16;
    uint64_t hi_lim = addr + REACH, prev_end = lo_lim, best = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
            continue;
        /* The gap before this mapping, the page nearest addr in it. */
        if (lo > prev_end && prev_end < hi_lim) {
            uint64_t cand = lo <= addr ? lo - PAGE : prev_end;
            if (cand >= lo_lim && cand + PAGE <= hi_lim && cand >= prev_end &&
                (!best || (cand > addr ? cand - addr : addr - cand) <
                              (best > addr ? best - addr : addr - best)))
                best = cand;
        }
        if (hi > prev_end)
            prev_end = hi;
    }
    fclose(f);
    return best;
}

static bool map_page(pid_t tid, uint64_t insn, int last, int led_here, int sig, uint64_t want,
                     uint64_t *got)
{
    struct stop_session ss;
    int other;
    if (stop_session_begin(&ss, tid, last, led_here, sig, &other) != SESSION_OK)
        return false;
    const uint64_t args[6] = {want, PAGE, PROT_READ | PROT_EXEC,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, (uint64_t)-1, 0};
    long rc = -1;
    int st = stop_session_call6(&ss, insn, SYS_mmap, args, &rc, &other);
    if (stop_session_end(&ss, &other) != SESSION_OK || st != SESSION_OK)
        die("thread %d stopped unexpectedly while rewind mapped a page in it", tid);
    if (rc < 0 && rc > -4096)
        return false;
    if ((uint64_t)rc != want) {
        /* An older kernel took the hint elsewhere: not within reach. */
        return false;
    }
    *got = (uint64_t)rc;
    return true;
}

/* Where the jmp rel32 goes: over the instruction itself, or (a shorter
 * one) in padding a short jmp from it reaches.  0: nowhere. */
static uint64_t jmp_site(pid_t tid, uint64_t rip, int len)
{
    if (len >= 5)
        return rip;
    if (len < 2)
        return 0;
    uint64_t ahead = insn_filler_after(tid, rip, 2 + 127, 5);
    return ahead ? ahead : insn_filler_before(tid, rip + 2, 128, 5);
}

bool jump_search_possible(pid_t tid, uint64_t rip)
{
    uint8_t bytes[16];
    int disp;
    int len = insn_movable(tid, rip, bytes, &disp);
    return len && jmp_site(tid, rip, len);
}

/* Writes the jumps in (on) or the program's bytes back. */
static bool put_patch(struct jump_search *js, bool on)
{
    uint64_t site = js->hop ? js->hop : js->addr;
    bool ok = tracee_write(js->tid, site, on ? js->jmp : js->hop ? js->hop_orig : js->orig, 5) == 5;
    if (js->hop)
        ok = tracee_write(js->tid, js->addr, on ? js->hop_jmp : js->orig, 2) == 2 && ok;
    js->patched = on && ok;
    return ok;
}

bool jump_search_begin(struct jump_search *js, pid_t tid, uint64_t insn, int last, int led_here,
                       int sig, const regs_t *want, const struct ev_word *words, uint32_t n)
{
    memset(js, 0, sizeof *js);
    js->tid = tid;
    js->addr = want->rip;
    js->insn = insn;
    int disp_off;
    js->len = insn_movable(tid, want->rip, js->orig, &disp_off);
    uint64_t site = js->len ? jmp_site(tid, want->rip, js->len) : 0;
    if (!insn || !site || n > 8)
        return false;
    if (site != js->addr) {
        js->hop = site;
        if (tracee_read(tid, site, js->hop_orig, 5) != 5)
            return false;
    }
    js->filter_reg = filter_reg(tid, want);
    uint64_t near = free_page_near(tid, site);
    if (!near || !map_page(tid, insn, last, led_here, sig, near, &js->page))
        return false;
    struct code c;
    size_t hit;
    build(&c, js->page, js, want, words, n, &hit);
    js->hit = js->page + hit;
    js->jmp[0] = 0xe9;
    int32_t rel = (int32_t)((int64_t)js->page - (int64_t)(site + 5));
    memcpy(js->jmp + 1, &rel, 4);
    js->hop_jmp[0] = 0xeb;
    js->hop_jmp[1] = (uint8_t)(int8_t)(site - (js->addr + 2));
    if (tracee_write(tid, js->page, c.b, c.n) != (ssize_t)c.n || !put_patch(js, true)) {
        debug("jump search: cannot write at 0x%llx: %s", (unsigned long long)js->addr,
              strerror(errno));
        put_patch(js, false);
        return false;
    }
    return true;
}

void jump_search_suspend(struct jump_search *js)
{
    if (js->patched)
        put_patch(js, false);
}

bool jump_search_resume(struct jump_search *js)
{
    return js->patched || (js->page && put_patch(js, true));
}

bool jump_search_hit(struct jump_search *js, regs_t *now)
{
    if (!js->page || now->rip != js->hit)
        return false;
    now->rip = js->addr;
    return true;
}

bool jump_search_place(const struct jump_search *js, regs_t *r)
{
    if (!js->page || r->rip < js->page || r->rip >= js->page + PAGE)
        return true;
    if (r->rip == js->moved)
        r->rip = js->addr;
    else if (r->rip == js->back)
        r->rip = js->addr + js->len;
    else
        return false;
    return true;
}

void jump_search_end(struct jump_search *js, int last, int led_here, int sig)
{
    jump_search_suspend(js);
    if (!js->page)
        return;
    struct stop_session ss;
    int other;
    long rc;
    if (stop_session_begin(&ss, js->tid, last, led_here, sig, &other) == SESSION_OK) {
        stop_session_call(&ss, js->insn, SYS_munmap, js->page, PAGE, 0, &rc, &other);
        stop_session_end(&ss, &other);
    }
    js->page = 0;
}
