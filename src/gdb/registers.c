#include "gdb/registers.h"

#include <stddef.h>
#include <string.h>

#define GPR(n) {n, 64, "int64", NULL, GDB_FEAT_CORE}
#define SEG(n) {n, 32, "int32", NULL, GDB_FEAT_CORE}
#define ST(n) {n, 80, "i387_ext", NULL, GDB_FEAT_CORE}
#define FPC(n) {n, 32, "int", "float", GDB_FEAT_CORE}
#define XMM(n) {n, 128, "vec128", NULL, GDB_FEAT_SSE}
#define YMMH(n) {n, 128, "uint128", NULL, GDB_FEAT_AVX}
#define XMM16(n) {"xmm" #n, 128, "vec128", NULL, GDB_FEAT_AVX512}
#define YMM16H(n) {"ymm" #n "h", 128, "uint128", NULL, GDB_FEAT_AVX512}
#define KREG(n) {"k" #n, 64, "uint64", NULL, GDB_FEAT_AVX512}
#define ZMMH(n) {"zmm" #n "h", 256, "v2ui128", NULL, GDB_FEAT_AVX512}

const struct gdb_reg_info gdb_reg_table[GDB_NUM_REGS_AVX512] = {
    GPR("rax"), GPR("rbx"), GPR("rcx"), GPR("rdx"), GPR("rsi"), GPR("rdi"),
    {"rbp", 64, "data_ptr", NULL, GDB_FEAT_CORE},
    {"rsp", 64, "data_ptr", NULL, GDB_FEAT_CORE},
    GPR("r8"), GPR("r9"), GPR("r10"), GPR("r11"),
    GPR("r12"), GPR("r13"), GPR("r14"), GPR("r15"),
    {"rip", 64, "code_ptr", NULL, GDB_FEAT_CORE},
    {"eflags", 32, "i386_eflags", NULL, GDB_FEAT_CORE},
    SEG("cs"), SEG("ss"), SEG("ds"), SEG("es"), SEG("fs"), SEG("gs"),
    ST("st0"), ST("st1"), ST("st2"), ST("st3"), ST("st4"), ST("st5"), ST("st6"), ST("st7"),
    FPC("fctrl"), FPC("fstat"), FPC("ftag"), FPC("fiseg"),
    FPC("fioff"), FPC("foseg"), FPC("fooff"), FPC("fop"),
    XMM("xmm0"), XMM("xmm1"), XMM("xmm2"), XMM("xmm3"),
    XMM("xmm4"), XMM("xmm5"), XMM("xmm6"), XMM("xmm7"),
    XMM("xmm8"), XMM("xmm9"), XMM("xmm10"), XMM("xmm11"),
    XMM("xmm12"), XMM("xmm13"), XMM("xmm14"), XMM("xmm15"),
    {"mxcsr", 32, "i386_mxcsr", "vector", GDB_FEAT_SSE},
    {"orig_rax", 64, "int", NULL, GDB_FEAT_LINUX},
    {"fs_base", 64, "int", NULL, GDB_FEAT_SEGMENTS},
    {"gs_base", 64, "int", NULL, GDB_FEAT_SEGMENTS},
    YMMH("ymm0h"), YMMH("ymm1h"), YMMH("ymm2h"), YMMH("ymm3h"),
    YMMH("ymm4h"), YMMH("ymm5h"), YMMH("ymm6h"), YMMH("ymm7h"),
    YMMH("ymm8h"), YMMH("ymm9h"), YMMH("ymm10h"), YMMH("ymm11h"),
    YMMH("ymm12h"), YMMH("ymm13h"), YMMH("ymm14h"), YMMH("ymm15h"),
    XMM16(16), XMM16(17), XMM16(18), XMM16(19), XMM16(20), XMM16(21), XMM16(22), XMM16(23),
    XMM16(24), XMM16(25), XMM16(26), XMM16(27), XMM16(28), XMM16(29), XMM16(30), XMM16(31),
    YMM16H(16), YMM16H(17), YMM16H(18), YMM16H(19), YMM16H(20), YMM16H(21), YMM16H(22), YMM16H(23),
    YMM16H(24), YMM16H(25), YMM16H(26), YMM16H(27), YMM16H(28), YMM16H(29), YMM16H(30), YMM16H(31),
    KREG(0), KREG(1), KREG(2), KREG(3), KREG(4), KREG(5), KREG(6), KREG(7),
    ZMMH(0), ZMMH(1), ZMMH(2), ZMMH(3), ZMMH(4), ZMMH(5), ZMMH(6), ZMMH(7),
    ZMMH(8), ZMMH(9), ZMMH(10), ZMMH(11), ZMMH(12), ZMMH(13), ZMMH(14), ZMMH(15),
    ZMMH(16), ZMMH(17), ZMMH(18), ZMMH(19), ZMMH(20), ZMMH(21), ZMMH(22), ZMMH(23),
    ZMMH(24), ZMMH(25), ZMMH(26), ZMMH(27), ZMMH(28), ZMMH(29), ZMMH(30), ZMMH(31),
};

int gdb_regs_level(const struct gdb_regs *r)
{
    return r->has_avx512 ? 2 : r->has_avx ? 1 : 0;
}

int gdb_reg_count(int level)
{
    return level >= 2 ? GDB_NUM_REGS_AVX512 : level ? GDB_NUM_REGS_AVX : GDB_NUM_REGS_NOAVX;
}

int gdb_reg_size(int regno)
{
    return gdb_reg_table[regno].bits / 8;
}

size_t gdb_regs_size(int level)
{
    size_t n = 0;
    for (int i = 0; i < gdb_reg_count(level); i++)
        n += (size_t)gdb_reg_size(i);
    return n;
}

/* Offset in user_regs_struct of the field behind register regno, or -1. */
static int gpr_offset(int regno)
{
#define F(n) (int)offsetof(struct user_regs_struct, n)
    static const int core[24] = {
        F(rax), F(rbx), F(rcx), F(rdx), F(rsi), F(rdi), F(rbp), F(rsp),
        F(r8), F(r9), F(r10), F(r11), F(r12), F(r13), F(r14), F(r15),
        F(rip), F(eflags), F(cs), F(ss), F(ds), F(es), F(fs), F(gs),
    };
    if (regno >= 0 && regno < 24)
        return core[regno];
    switch (regno) {
    case 57: return F(orig_rax);
    case 58: return F(fs_base);
    case 59: return F(gs_base);
    }
    return -1;
#undef F
}

/* The i387 tag of one 80-bit register: 0 valid, 1 zero, 2 special. */
static int x87_tag(const uint8_t *raw)
{
    unsigned exponent = (unsigned)(raw[9] & 0x7f) << 8 | raw[8];
    bool integer_bit = raw[7] & 0x80;
    bool fraction_zero = !(raw[7] & 0x7f) && !raw[6] && !raw[5] && !raw[4] &&
                         !raw[3] && !raw[2] && !raw[1] && !raw[0];
    if (exponent == 0x7fff)
        return 2; /* infinity, NaN */
    if (exponent == 0)
        return fraction_zero && !integer_bit ? 1 : 2; /* zero, or denormal */
    return integer_bit ? 0 : 2; /* normal, or unnormal */
}

uint16_t gdb_ftag_from_fxsave(uint16_t abridged, uint16_t fstat, const void *st_space)
{
    const uint8_t *st = st_space;
    int top = (fstat >> 11) & 7;
    uint16_t full = 0;
    for (int phys = 0; phys < 8; phys++) {
        int tag = 3; /* empty */
        if (abridged & (1u << phys))
            tag = x87_tag(st + 16 * ((phys - top + 8) % 8));
        full |= (uint16_t)(tag << (2 * phys));
    }
    return full;
}

uint16_t gdb_ftag_to_fxsave(uint16_t full)
{
    uint16_t abridged = 0;
    for (int phys = 0; phys < 8; phys++)
        if (((full >> (2 * phys)) & 3) != 3)
            abridged |= (uint16_t)(1u << phys);
    return abridged;
}

/* Where register regno of the AVX-512 set lives in r, or NULL. */
static uint8_t *avx512_bytes(struct gdb_regs *r, int regno)
{
    if (regno >= GDB_REG_XMM16 && regno < GDB_REG_XMM16 + 16)
        return r->zmm_hi16[regno - GDB_REG_XMM16];
    if (regno >= GDB_REG_YMM16H && regno < GDB_REG_YMM16H + 16)
        return r->zmm_hi16[regno - GDB_REG_YMM16H] + 16;
    if (regno >= GDB_REG_K0 && regno < GDB_REG_K0 + 8)
        return (uint8_t *)&r->k[regno - GDB_REG_K0];
    if (regno >= GDB_REG_ZMM0H && regno < GDB_REG_ZMM0H + 16)
        return r->zmmh[regno - GDB_REG_ZMM0H];
    if (regno >= GDB_REG_ZMM0H + 16 && regno < GDB_REG_ZMM0H + 32)
        return r->zmm_hi16[regno - GDB_REG_ZMM0H - 16] + 32;
    return NULL;
}

static void put32(uint8_t *out, uint32_t v)
{
    memcpy(out, &v, 4);
}

static uint32_t get32(const uint8_t *in)
{
    uint32_t v;
    memcpy(&v, in, 4);
    return v;
}

int gdb_reg_get(const struct gdb_regs *r, int regno, uint8_t *out)
{
    int size = gdb_reg_size(regno);
    const struct user_fpregs_struct *fp = &r->fp;
    int off = gpr_offset(regno);
    if (off >= 0) {
        unsigned long long v;
        memcpy(&v, (const uint8_t *)&r->gpr + off, 8);
        if (size == 8)
            memcpy(out, &v, 8);
        else
            put32(out, (uint32_t)v);
        return size;
    }
    if (regno >= 24 && regno < 32) {
        memcpy(out, (const uint8_t *)fp->st_space + 16 * (regno - 24), 10);
        return size;
    }
    if (regno >= GDB_REG_XMM0 && regno < GDB_REG_XMM0 + 16) {
        memcpy(out, (const uint8_t *)fp->xmm_space + 16 * (regno - GDB_REG_XMM0), 16);
        return size;
    }
    if (regno >= GDB_REG_YMM0H && regno < GDB_REG_YMM0H + 16) {
        memcpy(out, r->ymmh[regno - GDB_REG_YMM0H], 16);
        return size;
    }
    uint8_t *avx512 = avx512_bytes((struct gdb_regs *)r, regno);
    if (avx512) {
        memcpy(out, avx512, size);
        return size;
    }
    /* In the 64-bit FXSAVE layout the instruction and operand pointers are
     * 64 bits: gdb shows the low halves as fioff/fooff and the high halves
     * as fiseg/foseg (as it does for native amd64 processes). */
    switch (regno) {
    case 32: put32(out, fp->cwd); break;
    case 33: put32(out, fp->swd); break;
    case 34: put32(out, gdb_ftag_from_fxsave(fp->ftw, fp->swd, fp->st_space)); break;
    case 35: put32(out, (uint32_t)(fp->rip >> 32)); break;
    case 36: put32(out, (uint32_t)fp->rip); break;
    case 37: put32(out, (uint32_t)(fp->rdp >> 32)); break;
    case 38: put32(out, (uint32_t)fp->rdp); break;
    case 39: put32(out, fp->fop & 0x7ff); break; /* an 11-bit opcode */
    case GDB_REG_MXCSR: put32(out, fp->mxcsr); break;
    }
    return size;
}

void gdb_reg_set(struct gdb_regs *r, int regno, const uint8_t *in)
{
    int size = gdb_reg_size(regno);
    struct user_fpregs_struct *fp = &r->fp;
    int off = gpr_offset(regno);
    if (off >= 0) {
        unsigned long long v = 0;
        if (size == 8)
            memcpy(&v, in, 8);
        else
            v = get32(in);
        memcpy((uint8_t *)&r->gpr + off, &v, 8);
        return;
    }
    if (regno >= 24 && regno < 32) {
        memcpy((uint8_t *)fp->st_space + 16 * (regno - 24), in, 10);
        return;
    }
    if (regno >= GDB_REG_XMM0 && regno < GDB_REG_XMM0 + 16) {
        memcpy((uint8_t *)fp->xmm_space + 16 * (regno - GDB_REG_XMM0), in, 16);
        return;
    }
    if (regno >= GDB_REG_YMM0H && regno < GDB_REG_YMM0H + 16) {
        memcpy(r->ymmh[regno - GDB_REG_YMM0H], in, 16);
        return;
    }
    uint8_t *avx512 = avx512_bytes(r, regno);
    if (avx512) {
        memcpy(avx512, in, size);
        return;
    }
    uint32_t v = get32(in);
    switch (regno) {
    case 32: fp->cwd = (uint16_t)v; break;
    case 33: fp->swd = (uint16_t)v; break;
    case 34: fp->ftw = gdb_ftag_to_fxsave((uint16_t)v); break;
    case 35: fp->rip = (fp->rip & 0xffffffffull) | (unsigned long long)v << 32; break;
    case 36: fp->rip = (fp->rip & ~0xffffffffull) | v; break;
    case 37: fp->rdp = (fp->rdp & 0xffffffffull) | (unsigned long long)v << 32; break;
    case 38: fp->rdp = (fp->rdp & ~0xffffffffull) | v; break;
    case 39: fp->fop = (uint16_t)((fp->fop & ~0x7ffu) | (v & 0x7ff)); break;
    case GDB_REG_MXCSR: fp->mxcsr = v; break;
    }
}
