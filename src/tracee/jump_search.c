#include "tracee/jump_search.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "arch/insn_access.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "tracee/soft_breakpoint.h"
#include "tracee/stop_session.h"

#define PAGE 4096ull
#define REACH 0x7ff00000ll        /* a rel32 from the instruction reaches the page */
/* The trampoline's pages: code, then a data page (scratch). */
#define CODE_PAGES 2
#define ALL_PAGES (CODE_PAGES + 1)
#define S_RAX 0
#define S_RBX 8
#define S_RCX 16
#define S_FLAGS 24
#define S_XMM 32
#define S_FXSAVE 512 /* 16-byte aligned, 512 bytes */

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

/* Emits an instruction whose last field is a rip-relative disp32 to
 * target: its bytes before that, then the displacement (the code is to
 * run at base). */
static void riprel(struct code *c, uint64_t base, const void *op, size_t n, uint64_t target)
{
    emit(c, op, n);
    emit32(c, (uint32_t)(int32_t)((int64_t)target - (int64_t)(base + c->n + 4)));
}

/* Puts back the flags (OF by an add that overflows iff it was set, then
 * the others with sahf), rbx and rax. */
static void restore(struct code *c, uint64_t base, uint64_t data)
{
    riprel(c, base, "\x66\x8b\x05", 3, data + S_FLAGS); /* mov S_FLAGS,%ax */
    emit(c, "\x04\x7f\x9e", 3);                          /* add $0x7f,%al; sahf */
    riprel(c, base, "\x48\x8b\x1d", 3, data + S_RBX);   /* mov S_RBX,%rbx */
    riprel(c, base, "\x48\x8b\x05", 3, data + S_RAX);   /* mov S_RAX,%rax */
}

/* The trampoline at page: compares, traps on a match, runs the moved
 * instructions and jumps back.  *hit: the offset just past its int3;
 * *fits: false when a moved instruction's data is out of its reach. */
static void build(struct code *c, uint64_t page, struct jump_search *js, const regs_t *w,
                  const struct ev_word *words, uint32_t n, size_t *hit, bool *fits)
{
    size_t misses[64];
    int nm = 0;
    c->n = 0;
    /* Nothing is written on the stack: below the red zone is dead stack,
     * but a recursion's deeper frames live there later, and a slot they
     * leave unwritten would keep what the trampoline wrote (anchor words
     * on the stack would then never match).  Scratch goes to the data
     * page; the flags are kept with lahf/seto, not pushfq. */
    uint64_t data = js->page + CODE_PAGES * PAGE;
    /* First one register, without touching the flags: rcx = reg - want,
     * jrcxz.  Most executions end there. */
    int reg = js->filter_reg;
    uint64_t v;
    memcpy(&v, (const char *)w + reg_offset(reg), 8);
    riprel(c, page, "\x48\x89\x0d", 3, data + S_RCX);   /* mov %rcx,S_RCX */
    emit(c, "\x48\xb9", 2);                              /* movabs $-want,%rcx */
    uint64_t neg = -v;
    emit(c, &neg, 8);
    emit1(c, (uint8_t)(0x48 | (reg >= 8 ? 2 : 0)));      /* lea (%rcx,%reg),%rcx */
    emit1(c, 0x8d);
    emit1(c, 0x0c);
    emit1(c, (uint8_t)(((reg & 7) << 3) | 1));
    emit(c, "\xe3\x0c", 2);                              /* jrcxz: to the full compare */
    riprel(c, page, "\x48\x8b\x0d", 3, data + S_RCX);   /* mov S_RCX,%rcx */
    emit1(c, 0xe9);                                      /* jmp to the moved instruction */
    size_t fast_to_moved = c->n;
    emit32(c, 0);
    riprel(c, page, "\x48\x8b\x0d", 3, data + S_RCX);   /* mov S_RCX,%rcx */
    riprel(c, page, "\x48\x89\x05", 3, data + S_RAX);   /* mov %rax,S_RAX */
    emit(c, "\x9f\x0f\x90\xc0", 4);                      /* lahf; seto %al */
    riprel(c, page, "\x66\x89\x05", 3, data + S_FLAGS); /* mov %ax,S_FLAGS */
    riprel(c, page, "\x48\x89\x1d", 3, data + S_RBX);   /* mov %rbx,S_RBX */
    movabs_rax(c, w->rax);
    riprel(c, page, "\x48\x39\x05", 3, data + S_RAX);   /* cmp %rax,S_RAX */
    misses[nm++] = jne_later(c);
    movabs_rax(c, w->rbx);
    riprel(c, page, "\x48\x39\x05", 3, data + S_RBX);   /* cmp %rax,S_RBX */
    misses[nm++] = jne_later(c);
    movabs_rax(c, w->rsp);
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
    /* The flags as lahf and seto keep them: SF ZF AF PF CF (and bit 1)
     * above OF.  (DF is not compared here: the tracer's check at the trap
     * compares every flag, and the search goes on if they differ.) */
    riprel(c, page, "\x0f\xb7\x05", 3, data + S_FLAGS); /* movzwl S_FLAGS,%eax */
    emit1(c, 0x3d);                                      /* cmp $flags,%eax */
    emit32(c, (uint32_t)(((w->eflags & 0xd5) | 2) << 8 | (w->eflags >> 11 & 1)));
    misses[nm++] = jne_later(c);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t a = words[i].addr, off = a - EV_WORD_FP;
        if (EV_WORD_IS_STACK(a))
            continue; /* a hash: the tracer checks it at the trap */
        if (EV_WORD_IS_FP(a) && off < 160) {
            /* x87 (and the rest of the FXSAVE area): fxsave64 S_FXSAVE,
             * then mov S_FXSAVE+off,%rax */
            riprel(c, page, "\x48\x0f\xae\x05", 4, data + S_FXSAVE);
            riprel(c, page, "\x48\x8b\x05", 3, data + S_FXSAVE + off);
        } else if (EV_WORD_IS_FP(a)) {
            /* movdqu %xmmN,S_XMM, then the half wanted: mov S_XMM(+8),%rax */
            unsigned x = (unsigned)((off - 160) / 16), high = off / 8 % 2;
            uint8_t op[5] = {0xf3, 0x44, 0x0f, 0x7f, (uint8_t)(0x05 | (x & 7) << 3)};
            if (x >= 8)
                riprel(c, page, op, 5, data + S_XMM);
            else
                riprel(c, page, (uint8_t[]){op[0], op[2], op[3], op[4]}, 4, data + S_XMM);
            riprel(c, page, "\x48\x8b\x05", 3, data + S_XMM + 8 * high);
        } else {
            movabs_rax(c, EV_WORD_ADDR(a));
            emit(c, "\x48\x8b\x00", 3);                  /* mov (%rax),%rax */
            if (EV_WORD_MASK(a) != ~0ull) {
                uint64_t mask = EV_WORD_MASK(a);
                emit(c, "\x48\xbb", 2);                  /* movabs $mask,%rbx */
                emit(c, &mask, 8);
                emit(c, "\x48\x21\xd8", 3);              /* and %rbx,%rax */
            }
        }
        uint64_t want_value = words[i].value & EV_WORD_MASK(a);
        emit(c, "\x48\xbb", 2);                          /* movabs $value,%rbx */
        emit(c, &want_value, 8);
        emit(c, "\x48\x39\xd8", 3);                      /* cmp %rbx,%rax */
        misses[nm++] = jne_later(c);
    }
    restore(c, page, data);
    emit1(c, 0xcc);
    *hit = c->n;
    emit1(c, 0xe9);                                      /* jmp cont */
    size_t to_cont = c->n;
    emit32(c, 0);
    size_t miss = c->n;
    for (int i = 0; i < nm; i++)
        link_to(c, misses[i], miss);
    restore(c, page, data);
    link_to(c, to_cont, c->n);
    /* The moved instructions, each rip-relative displacement made to point
     * where it pointed from the instruction's own place, each jump in its
     * rel32 form: to the trampoline's start when it went to the patched
     * instruction (a loop's way back: its next round is looked at), to the
     * moved copy of one of the others, or where it went. */
    size_t moved = c->n, rel_at[MOVED_MAX];
    const struct moved_code *m = &js->m;
    js->moved = page + moved;
    link_to(c, fast_to_moved, moved);
    *fits = true;
    for (int i = 0; i < m->n; i++) {
        size_t start = c->n;
        js->moved_at[i] = (uint16_t)(start - moved);
        int end = i + 1 < m->n ? m->off[i + 1] : m->len;
        if (m->cond[i] >= 0) {
            if (m->cond[i] == MOVED_JMP)
                emit1(c, 0xe9);
            else
                emit(c, (uint8_t[]){0x0f, (uint8_t)(0x80 | m->cond[i])}, 2);
            rel_at[i] = c->n;
            emit32(c, 0);
            continue;
        }
        emit(c, m->bytes + m->off[i], end - m->off[i]);
        if (m->disp[i] < 0)
            continue;
        size_t at = start + m->disp[i];
        int32_t d;
        memcpy(&d, c->b + at, 4);
        int64_t nd = (int64_t)d + (int64_t)(js->addr + m->off[i]) - (int64_t)(page + start);
        *fits = *fits && nd == (int32_t)nd;
        d = (int32_t)nd;
        memcpy(c->b + at, &d, 4);
    }
    js->moved_at[m->n] = (uint16_t)(c->n - moved);
    for (int i = 0; i < m->n; i++) {
        if (m->cond[i] < 0)
            continue;
        uint64_t to = m->target[i];
        if (to == js->addr)
            to = page;
        for (int k = 1; k < m->n; k++)
            if (to == js->addr + m->off[k])
                to = js->moved + js->moved_at[k];
        int64_t rel = (int64_t)to - (int64_t)(page + rel_at[i] + 4);
        *fits = *fits && rel == (int32_t)rel;
        int32_t r32 = (int32_t)rel;
        memcpy(c->b + rel_at[i], &r32, 4);
    }
    emit1(c, 0xe9);                                      /* jmp back */
    emit32(c, (uint32_t)(int32_t)((int64_t)(js->addr + m->len) - (int64_t)(page + c->n + 4)));
}

/* The mappings of a thread's process, in address order. */
struct spans {
    size_t n, cap;
    uint64_t (*r)[2];
};

static bool spans_read(pid_t tid, struct spans *sp)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    *sp = (struct spans){0};
    if (!f)
        return false;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
            continue;
        if (sp->n == sp->cap) {
            sp->cap = sp->cap ? 2 * sp->cap : 64;
            sp->r = xrealloc(sp->r, sp->cap * sizeof *sp->r);
        }
        sp->r[sp->n][0] = lo;
        sp->r[sp->n][1] = hi;
        sp->n++;
    }
    fclose(f);
    return true;
}

static bool spans_free(const struct spans *sp, uint64_t lo, uint64_t hi)
{
    size_t a = 0, b = sp->n; /* the first mapping that ends above lo */
    while (a < b) {
        size_t mid = (a + b) / 2;
        if (sp->r[mid][1] <= lo)
            a = mid + 1;
        else
            b = mid;
    }
    return a == sp->n || sp->r[a][0] >= hi;
}

/* 0, -1, 1, -2, 2, ... as bytes: the k-th value to try for a free byte. */
static uint8_t near_byte(int k)
{
    return (uint8_t)(k & 1 ? -(k + 1) / 2 : k / 2);
}

/* Bytes that trap where an instruction starts: int3, and opcodes that
 * are invalid in 64-bit mode (push/pop of a segment register, daa, das,
 * aaa, aas, pusha, popa: SIGILL at the byte itself).  A rel32's top byte
 * that must trap is 0xcc only for a trampoline 0x33000000 or more below
 * the jump, which an executable mapped below that (non-PIE, at 4 MiB)
 * cannot have: the others give one 100 MiB to 1.6 GiB above it. */
static const uint8_t trap_bytes[] = {0xcc, 0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e,
                                     0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x60, 0x61};

/* Where a trampoline can start: a jmp rel32 at site reaches it, its two
 * pages are free, and each byte of the rel32 that bit i of cc names traps
 * (0xcc; for the top byte, one of trap_bytes).  0: nowhere. */
static uint64_t trampoline_at(pid_t tid, uint64_t site, unsigned cc)
{
    struct spans sp;
    if (!spans_read(tid, &sp))
        return 0;
    uint64_t found = 0;
    int n3 = cc & 8 ? (int)sizeof trap_bytes : 256;
    for (int k3 = 0; k3 < n3 && !found; k3++) {
        uint8_t b3 = cc & 8 ? trap_bytes[k3] : near_byte(k3);
        for (int k2 = 0; k2 < 256 && !found; k2++) {
            uint8_t b2 = cc & 4 ? 0xcc : near_byte(k2);
            for (int k1 = 0; k1 < 16 && !found; k1++) {
                uint8_t b1 = cc & 2 ? 0xcc : (uint8_t)(near_byte(k1) << 4);
                uint8_t b0 = cc & 1 ? 0xcc : 0;
                int32_t rel = (int32_t)((uint32_t)b3 << 24 | (uint32_t)b2 << 16 | (uint32_t)b1 << 8 | b0);
                uint64_t entry = site + 5 + (int64_t)rel;
                uint64_t page = entry & ~(PAGE - 1);
                if (rel < -REACH || rel > REACH || page < 16 * PAGE ||
                    page > (1ull << 47) - ALL_PAGES * PAGE)
                    goto next;
                if (spans_free(&sp, page, page + ALL_PAGES * PAGE))
                    found = entry;
            next:
                if (cc & 2)
                    break;
            }
            if (cc & 4)
                break;
        }
    }
    free(sp.r);
    return found;
}

static bool map_pages(pid_t tid, uint64_t insn, int last, int led_here, int sig, uint64_t want)
{
    struct stop_session ss;
    int other;
    if (stop_session_begin(&ss, tid, last, led_here, sig, &other) != SESSION_OK)
        return false;
    const uint64_t args[6] = {want, ALL_PAGES * PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, (uint64_t)-1, 0};
    long rc = -1;
    int st = stop_session_call6(&ss, insn, SYS_mmap, args, &rc, &other);
    if (stop_session_end(&ss, &other) != SESSION_OK || st != SESSION_OK)
        die("thread %d stopped unexpectedly while rewind mapped a page in it", tid);
    /* An older kernel may take the hint elsewhere: out of reach. */
    return (uint64_t)rc == want;
}

/* The short jmp from rip to padding nearby (js->hop), or false.  Padding
 * of int3s is never run; nops might be (a label in them): an int3 goes
 * first, and the jmp's bytes where a nop starts are int3s too. */
static bool plan_hop(pid_t tid, uint64_t rip, struct jump_search *js, uint64_t *site, unsigned *cc)
{
    uint64_t pad = insn_filler_after(tid, rip, 2 + 126, 6);
    if (!pad)
        pad = insn_filler_before(tid, rip + 2, 127, 6);
    uint8_t b[6];
    if (!pad || tracee_read(tid, pad, b, 6) != 6)
        return false;
    soft_bp_unpatch(tid, pad, b, 6);
    js->hop = pad;
    if (!memcmp(b, "\xcc\xcc\xcc\xcc\xcc", 5)) {
        js->hop_len = 5;
        *site = pad;
        return true;
    }
    js->hop_len = 6;
    js->guard_lo = pad;
    js->guard_hi = pad + 6;
    *site = pad + 1;
    unsigned starts = insn_starts(tid, pad, 6);
    for (int i = 2; i < 6; i++)
        if (starts >> i & 1)
            *cc |= 1u << (i - 2);
    return true;
}

/* Whether a moved jump goes into the len patched bytes at rip other than
 * to the start of a moved instruction (where the trampoline has a copy). */
static bool jumps_inside(const struct moved_code *m, uint64_t rip, int len)
{
    for (int i = 0; i < m->n; i++) {
        if (m->cond[i] < 0 || m->target[i] <= rip || m->target[i] >= rip + len)
            continue;
        bool start = false;
        for (int k = 1; k < m->n; k++)
            start = start || m->target[i] == rip + m->off[k];
        if (!start)
            return true;
    }
    return false;
}

/* How the instruction at rip is patched: js->m, js->hop, js->len, and
 * where the jmp rel32 goes (*site) and which of its bytes must be int3s
 * (*cc).  False: it cannot be. */
static bool plan(pid_t tid, uint64_t rip, struct jump_search *js, uint64_t *site, unsigned *cc)
{
    js->addr = rip;
    js->hop = 0;
    js->guard_lo = js->guard_hi = 0;
    *cc = 0;
    *site = rip;
    struct moved_code *m = &js->m;
    if (!insn_movable_run(tid, rip, 5, m))
        return false;
    int first = m->n > 1 ? m->off[1] : m->len;
    if (first >= 5 || (first >= 2 && plan_hop(tid, rip, js, site, cc))) {
        m->n = 1;
        m->len = first;
        js->len = js->hop ? 2 : first;
        return !jumps_inside(m, rip, js->len);
    }
    /* The next instructions moved with it: a jump into one of them would
     * land in the jmp rel32, where int3s must be. */
    *site = rip;
    if (m->len < 5 || jumps_inside(m, rip, m->len))
        return false;
    js->len = m->len;
    js->guard_lo = rip + 1;
    js->guard_hi = rip + m->len;
    for (int i = 1; i < m->n; i++)
        if (m->off[i] < 5)
            *cc |= 1u << (m->off[i] - 1);
    return true;
}

bool jump_search_possible(pid_t tid, uint64_t rip, bool unguarded)
{
    struct jump_search js;
    uint64_t site;
    unsigned cc;
    return plan(tid, rip, &js, &site, &cc) && (!cc || trampoline_at(tid, site, cc)) &&
           (!unguarded || js.m.n == 1 || !insn_jump_into(tid, rip, rip + js.len, 512));
}

/* Writes the jumps in (on) or the program's bytes back. */
static bool put_patch(struct jump_search *js, bool on)
{
    bool ok = tracee_write(js->tid, js->addr, on ? js->patch : js->orig, js->len) == js->len;
    if (js->hop)
        ok = tracee_write(js->tid, js->hop, on ? js->hop_patch : js->hop_orig, js->hop_len) ==
                 js->hop_len && ok;
    js->patched = on && ok;
    return ok;
}

bool jump_search_begin(struct jump_search *js, pid_t tid, uint64_t insn, int last, int led_here,
                       int sig, const regs_t *want, const struct ev_word *words, uint32_t n)
{
    memset(js, 0, sizeof *js);
    js->tid = tid;
    js->insn = insn;
    uint64_t site;
    unsigned cc;
    if (!insn || n > POS_MAX_WORDS || !plan(tid, want->rip, js, &site, &cc) ||
        tracee_read(tid, js->addr, js->orig, js->len) != js->len ||
        (js->hop && tracee_read(tid, js->hop, js->hop_orig, js->hop_len) != js->hop_len))
        return false;
    soft_bp_unpatch(tid, js->addr, js->orig, js->len);
    if (js->hop)
        soft_bp_unpatch(tid, js->hop, js->hop_orig, js->hop_len);
    js->filter_reg = filter_reg(tid, want);
    uint64_t entry = trampoline_at(tid, site, cc);
    if (!entry || !map_pages(tid, insn, last, led_here, sig, entry & ~(PAGE - 1)))
        return false;
    js->page = entry & ~(PAGE - 1);
    js->entry = entry;
    debug("jump search at 0x%llx: %d instruction(s) moved, %d bytes patched%s, trampoline at 0x%llx",
          (unsigned long long)js->addr, js->m.n, js->len, js->hop ? " (a short jmp)" : "",
          (unsigned long long)entry);
    struct code c;
    size_t hit;
    bool fits;
    build(&c, entry, js, want, words, n, &hit, &fits);
    js->hit = entry + hit;
    uint8_t *jmp = js->hop ? js->hop_patch + (site - js->hop) : js->patch;
    jmp[0] = 0xe9;
    int32_t rel = (int32_t)((int64_t)entry - (int64_t)(site + 5));
    memcpy(jmp + 1, &rel, 4);
    if (js->hop) {
        js->hop_patch[0] = js->hop_len == 6 ? 0xcc : 0xe9;
        js->patch[0] = 0xeb;
        js->patch[1] = (uint8_t)(int8_t)(site - (js->addr + 2));
    } else {
        memset(js->patch + 5, 0xcc, js->len - 5);
    }
    if (!fits) {
        debug("jump search: the data of 0x%llx is out of reach of a trampoline at 0x%llx",
              (unsigned long long)js->addr, (unsigned long long)entry);
        return false;
    }
    if (tracee_write(tid, entry, c.b, c.n) != (ssize_t)c.n || !put_patch(js, true)) {
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

bool jump_search_guard(const struct jump_search *js, int sig, regs_t *now)
{
    uint64_t at = sig == SIGTRAP ? now->rip - 1 : now->rip;
    if (!js->patched || (sig != SIGTRAP && sig != SIGILL) || at < js->guard_lo ||
        at >= js->guard_hi)
        return false;
    now->rip = at;
    return true;
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
    if (!js->page || r->rip < js->page || r->rip >= js->page + CODE_PAGES * PAGE)
        return true;
    if (r->rip == js->entry) { /* a moved jump back to the patched instruction went there */
        r->rip = js->addr;
        return true;
    }
    uint64_t off = r->rip - js->moved;
    for (int i = 0; r->rip >= js->moved && i <= js->m.n; i++)
        if (js->moved_at[i] == off) {
            r->rip = js->addr + (i < js->m.n ? js->m.off[i] : js->m.len);
            return true;
        }
    return false;
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
        stop_session_call(&ss, js->insn, SYS_munmap, js->page, ALL_PAGES * PAGE, 0, &rc, &other);
        stop_session_end(&ss, &other);
    }
    js->page = 0;
}
