#include "arch/insn_access.h"

#include <capstone/capstone.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "arch/tracee_mem.h"
#include "tracee/soft_breakpoint.h"

/* The instruction at rip as the program has it (without the tracer's
 * int3s), decoded with its operands; NULL when it cannot be. */
static cs_insn *decode(pid_t tid, uint64_t rip)
{
    static csh cs;
    static bool opened;
    if (!opened) {
        if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
            return NULL;
        cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
        opened = true;
    }
    uint8_t code[16];
    ssize_t n = tracee_read(tid, rip, code, sizeof code);
    if (n <= 0)
        return NULL;
    soft_bp_unpatch(tid, rip, code, n);
    cs_insn *insn;
    return cs_disasm(cs, code, n, rip, 1, &insn) == 1 ? insn : NULL;
}

int insn_access_size(pid_t tid, uint64_t rip)
{
    cs_insn *insn = decode(tid, rip);
    int size = 0;
    if (insn) {
        const cs_x86 *x = &insn->detail->x86;
        for (int i = 0; i < x->op_count; i++)
            if (x->operands[i].type == X86_OP_MEM && x->operands[i].size > size)
                size = x->operands[i].size;
        cs_free(insn, 1);
    }
    return size ? size : 8;
}

/* The value of a general register (any of its widths) in r. */
static bool reg_value(const regs_t *r, x86_reg reg, uint64_t *v)
{
    static const struct {
        x86_reg r64, r32, r16, r8, r8h;
        size_t off;
    } gprs[] = {
#define G(a, b, c, d, e, f) {X86_REG_##a, X86_REG_##b, X86_REG_##c, X86_REG_##d, e, offsetof(regs_t, f)}
        G(RAX, EAX, AX, AL, X86_REG_AH, rax), G(RBX, EBX, BX, BL, X86_REG_BH, rbx),
        G(RCX, ECX, CX, CL, X86_REG_CH, rcx), G(RDX, EDX, DX, DL, X86_REG_DH, rdx),
        G(RSI, ESI, SI, SIL, X86_REG_INVALID, rsi), G(RDI, EDI, DI, DIL, X86_REG_INVALID, rdi),
        G(RBP, EBP, BP, BPL, X86_REG_INVALID, rbp), G(RSP, ESP, SP, SPL, X86_REG_INVALID, rsp),
        G(R8, R8D, R8W, R8B, X86_REG_INVALID, r8), G(R9, R9D, R9W, R9B, X86_REG_INVALID, r9),
        G(R10, R10D, R10W, R10B, X86_REG_INVALID, r10), G(R11, R11D, R11W, R11B, X86_REG_INVALID, r11),
        G(R12, R12D, R12W, R12B, X86_REG_INVALID, r12), G(R13, R13D, R13W, R13B, X86_REG_INVALID, r13),
        G(R14, R14D, R14W, R14B, X86_REG_INVALID, r14), G(R15, R15D, R15W, R15B, X86_REG_INVALID, r15),
#undef G
    };
    for (size_t i = 0; i < sizeof gprs / sizeof *gprs; i++) {
        uint64_t full;
        memcpy(&full, (const char *)r + gprs[i].off, sizeof full);
        if (reg == gprs[i].r64 || reg == gprs[i].r32 || reg == gprs[i].r16 || reg == gprs[i].r8) {
            *v = full;
            return true;
        }
        if (reg == gprs[i].r8h) {
            *v = full >> 8;
            return true;
        }
    }
    return false;
}

bool insn_plain_store(pid_t tid, const regs_t *r, struct plain_store *st)
{
    cs_insn *insn = decode(tid, r->rip);
    if (!insn)
        return false;
    const cs_x86 *x = &insn->detail->x86;
    const cs_x86_op *dst = &x->operands[0], *src = &x->operands[1];
    uint64_t value = 0, base = 0, index = 0;
    bool ok = insn->id == X86_INS_MOV && x->op_count == 2 && dst->type == X86_OP_MEM &&
              x->prefix[3] == 0 /* no address-size override */ &&
              (dst->size == 1 || dst->size == 2 || dst->size == 4 || dst->size == 8) &&
              (src->type == X86_OP_IMM ? (value = src->imm, true)
                                       : src->type == X86_OP_REG && reg_value(r, src->reg, &value));
    const x86_op_mem *m = &dst->mem;
    if (ok && m->base == X86_REG_RIP)
        base = r->rip + insn->size;
    else if (ok && m->base != X86_REG_INVALID)
        ok = reg_value(r, m->base, &base);
    if (ok && m->index != X86_REG_INVALID)
        ok = reg_value(r, m->index, &index);
    if (ok && m->segment != X86_REG_INVALID)
        ok = m->segment == X86_REG_FS || m->segment == X86_REG_GS;
    if (ok) {
        st->addr = base + index * (uint64_t)m->scale + (uint64_t)m->disp +
                   (m->segment == X86_REG_FS ? r->fs_base : m->segment == X86_REG_GS ? r->gs_base : 0);
        st->size = dst->size;
        st->len = insn->size;
        memcpy(st->bytes, &value, sizeof value); /* little-endian: the low bytes first */
    }
    cs_free(insn, 1);
    return ok;
}

/* Instructions the tracer must see at their own address: the recorder
 * and replay stand in for them there (syscalls, rdtsc, cpuid). */
static bool stays_put(unsigned id)
{
    switch (id) {
    case X86_INS_SYSCALL: case X86_INS_SYSENTER: case X86_INS_RDTSC: case X86_INS_RDTSCP:
    case X86_INS_CPUID: case X86_INS_INT3: case X86_INS_UD2: case X86_INS_HLT:
        return true;
    }
    return false;
}

/* A string instruction with a rep prefix: one instruction, many rounds,
 * each round a single-step of its own, the registers changing between. */
static bool rep_string(const cs_insn *insn)
{
    const cs_x86 *x = &insn->detail->x86;
    uint8_t op = x->opcode[0];
    bool string = (op >= 0x6c && op <= 0x6f) || (op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf);
    return string && (x->prefix[0] == X86_PREFIX_REP || x->prefix[0] == X86_PREFIX_REPNE);
}

int insn_rep_string(pid_t tid, uint64_t rip)
{
    cs_insn *insn = decode(tid, rip);
    int len = insn && rep_string(insn) ? insn->size : 0;
    if (insn)
        cs_free(insn, 1);
    return len;
}

/* A jmp or jcc with a relative target (not jrcxz or loop, which have no
 * rel32 form): its condition (0-15), MOVED_JMP for jmp; -1 otherwise. */
static int relative_jump(const cs_insn *insn)
{
    const cs_x86 *x = &insn->detail->x86;
    if (x->op_count != 1 || x->operands[0].type != X86_OP_IMM)
        return -1;
    uint8_t op = x->opcode[0];
    if (op == 0xeb || op == 0xe9)
        return MOVED_JMP;
    if (op >= 0x70 && op <= 0x7f)
        return op & 0xf;
    if (op == 0x0f && x->opcode[1] >= 0x80 && x->opcode[1] <= 0x8f)
        return x->opcode[1] & 0xf;
    return -1;
}

/* Appends the instruction at rip to m if it can be moved.  Not a rep
 * string instruction: a point in its middle is never the start of a
 * moved copy's. */
static bool add_movable(pid_t tid, uint64_t rip, struct moved_code *m)
{
    cs_insn *insn = decode(tid, rip);
    if (!insn)
        return false;
    int len = insn->size;
    int cond = relative_jump(insn);
    bool ok = m->n < MOVED_MAX && m->len + len <= (int)sizeof m->bytes && !stays_put(insn->id) &&
              !rep_string(insn);
    for (int i = 0; ok && cond < 0 && i < insn->detail->groups_count; i++) {
        switch (insn->detail->groups[i]) {
        case CS_GRP_JUMP: case CS_GRP_CALL: case CS_GRP_RET: case CS_GRP_INT: case CS_GRP_IRET:
        case CS_GRP_BRANCH_RELATIVE:
            ok = false;
            break;
        }
    }
    int disp = -1;
    const cs_x86 *x = &insn->detail->x86;
    for (int i = 0; ok && i < x->op_count; i++)
        if (x->operands[i].type == X86_OP_MEM && x->operands[i].mem.base == X86_REG_RIP) {
            if (x->encoding.disp_size != 4)
                ok = false;
            disp = x->encoding.disp_offset;
        }
    if (ok) {
        m->off[m->n] = (uint8_t)m->len;
        m->disp[m->n] = (int8_t)disp;
        m->cond[m->n] = (int8_t)cond;
        m->target[m->n] = cond >= 0 ? (uint64_t)insn->detail->x86.operands[0].imm : 0;
        memcpy(m->bytes + m->len, insn->bytes, len);
        m->len += len;
        m->n++;
    }
    cs_free(insn, 1);
    return ok;
}

int insn_movable_run(pid_t tid, uint64_t rip, int need, struct moved_code *m)
{
    memset(m, 0, sizeof *m);
    while (m->len < need && add_movable(tid, rip + m->len, m))
        ;
    return m->len;
}

/* A decoder without operand details (for sweeps over code). */
static csh plain_decoder(void)
{
    static csh cs;
    static bool opened;
    if (!opened && cs_open(CS_ARCH_X86, CS_MODE_64, &cs) == CS_ERR_OK)
        opened = true;
    return opened ? cs : 0;
}

/* The target of a direct jmp, jcc or call (0: none, or another kind). */
static uint64_t direct_target(const cs_insn *in)
{
    size_t i = 0;
    while (i < in->size && (in->bytes[i] == 0x2e || in->bytes[i] == 0x3e || in->bytes[i] == 0xf2))
        i++;
    if (i >= in->size)
        return 0;
    uint8_t op = in->bytes[i];
    int64_t rel;
    if ((op == 0xeb || (op >= 0x70 && op <= 0x7f)) && i + 2 == in->size) {
        rel = (int8_t)in->bytes[i + 1];
    } else if (((op == 0xe9 || op == 0xe8) && i + 5 == in->size) ||
               (op == 0x0f && i + 6 == in->size && in->bytes[i + 1] >= 0x80 &&
                in->bytes[i + 1] <= 0x8f)) {
        int32_t r;
        memcpy(&r, in->bytes + in->size - 4, 4);
        rel = r;
    } else {
        return 0;
    }
    return in->address + in->size + (uint64_t)rel;
}

bool insn_jump_into(pid_t tid, uint64_t lo, uint64_t hi, size_t span)
{
    csh cs = plain_decoder();
    uint8_t code[2048];
    uint64_t from = lo > span ? lo - span : 0;
    size_t want = hi + span - from;
    if (!cs || want > sizeof code)
        return false;
    ssize_t n = tracee_read(tid, from, code, want);
    if (n <= 0)
        return false;
    soft_bp_unpatch(tid, from, code, n);
    const uint8_t *p = code;
    size_t left = n;
    uint64_t addr = from;
    bool found = false;
    cs_insn *in = cs_malloc(cs);
    while (!found && left) {
        if (!cs_disasm_iter(cs, &p, &left, &addr, in)) {
            p++, left--, addr++; /* not code (data, or decoding out of step) */
            continue;
        }
        uint64_t to = direct_target(in);
        found = to > lo && to < hi;
    }
    cs_free(in, 1);
    return found;
}

/* Bytes never run: padding the compiler put after an unconditional jump
 * or a return (nops, int3s), before the next aligned label. */
static bool is_filler(const cs_insn *in)
{
    return in->id == X86_INS_NOP || in->id == X86_INS_INT3 ||
           (in->size == 2 && in->bytes[0] == 0x66 && in->bytes[1] == 0x90);
}

uint64_t insn_filler_after(pid_t tid, uint64_t from, size_t span, int need)
{
    csh cs = plain_decoder();
    if (!cs)
        return 0;
    uint8_t code[512];
    if (span > sizeof code - 16)
        span = sizeof code - 16;
    ssize_t n = tracee_read(tid, from, code, span + 16);
    if (n <= 0)
        return 0;
    soft_bp_unpatch(tid, from, code, n);
    const uint8_t *p = code;
    size_t left = n;
    uint64_t addr = from, run = 0;
    bool after_exit = false;
    cs_insn *in = cs_malloc(cs);
    uint64_t found = 0;
    while (!found && addr < from + span && cs_disasm_iter(cs, &p, &left, &addr, in)) {
        if (is_filler(in) && (after_exit || run)) {
            if (!run)
                run = in->address;
            if (addr - run >= (uint64_t)need)
                found = run;
            continue;
        }
        run = 0;
        after_exit = in->id == X86_INS_JMP || in->id == X86_INS_RET || in->id == X86_INS_UD2;
    }
    cs_free(in, 1);
    return found;
}

uint64_t insn_filler_before(pid_t tid, uint64_t before, size_t span, int need)
{
    csh cs = plain_decoder();
    if (!cs)
        return 0;
    uint8_t code[256];
    if (span > sizeof code || before < span)
        return 0;
    uint64_t base = before - span;
    if (tracee_read(tid, base, code, span) != (ssize_t)span)
        return 0;
    soft_bp_unpatch(tid, base, code, span);
    cs_insn *in = cs_malloc(cs);
    uint64_t found = 0;
    /* Padding up to a 16-byte boundary right after a ret: nothing falls
     * into it, and labels come after it. */
    for (uint64_t end = before & ~15ull; !found && end > base + 16; end -= 16) {
        for (uint64_t x = end - 15; !found && x + need <= end; x++) {
            if (code[x - 1 - base] != 0xc3)
                continue;
            const uint8_t *p = code + (x - base);
            size_t left = end - x;
            uint64_t addr = x;
            while (cs_disasm_iter(cs, &p, &left, &addr, in) && is_filler(in))
                ;
            if (addr == end && !left)
                found = x;
        }
    }
    cs_free(in, 1);
    return found;
}

unsigned insn_starts(pid_t tid, uint64_t from, int len)
{
    csh cs = plain_decoder();
    uint8_t code[48];
    if (!cs || len > 32 || tracee_read(tid, from, code, len + 16) != len + 16)
        return 0;
    soft_bp_unpatch(tid, from, code, len + 16);
    const uint8_t *p = code;
    size_t left = len + 16;
    uint64_t addr = from;
    unsigned starts = 0;
    cs_insn *in = cs_malloc(cs);
    while (addr < from + len) {
        starts |= 1u << (addr - from);
        if (!cs_disasm_iter(cs, &p, &left, &addr, in))
            break;
    }
    cs_free(in, 1);
    return starts;
}
