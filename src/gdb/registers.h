/* The amd64 GNU/Linux register set as gdb numbers it in g/G/p/P packets:
 * the order of target.xml (target_xml.c builds it from the same table).
 *
 *   0-15  rax rbx rcx rdx rsi rdi rbp rsp r8-r15   (8 bytes)
 *   16    rip (8)       17 eflags (4)    18-23 cs ss ds es fs gs (4)
 *   24-31 st0-st7 (10)  32-39 fctrl fstat ftag fiseg fioff foseg fooff fop (4)
 *   40-55 xmm0-15 (16)  56 mxcsr (4)     57 orig_rax (8)
 *   58-59 fs_base gs_base (8)            60-75 ymm0h-ymm15h (16, with AVX)
 *   with AVX-512: 76-91 xmm16-31 (16)    92-107 ymm16h-31h (16)
 *                 108-115 k0-k7 (8)      116-147 zmm0h-31h (32)
 *
 * A "level" says which: 0 SSE, 1 AVX, 2 AVX-512 (gdb_regs_level).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gdb/gdb_server.h"

enum gdb_feature {
    GDB_FEAT_CORE,      /* org.gnu.gdb.i386.core */
    GDB_FEAT_SSE,       /* org.gnu.gdb.i386.sse */
    GDB_FEAT_LINUX,     /* org.gnu.gdb.i386.linux */
    GDB_FEAT_SEGMENTS,  /* org.gnu.gdb.i386.segments */
    GDB_FEAT_AVX,       /* org.gnu.gdb.i386.avx */
    GDB_FEAT_AVX512,    /* org.gnu.gdb.i386.avx512 */
};

struct gdb_reg_info {
    const char *name;
    int bits;
    const char *type;   /* a gdb target-description type */
    const char *group;  /* NULL: the default */
    enum gdb_feature feature;
};

#define GDB_REG_RIP 16
#define GDB_REG_FTAG 34
#define GDB_REG_XMM0 40
#define GDB_REG_MXCSR 56
#define GDB_REG_YMM0H 60
#define GDB_REG_XMM16 76
#define GDB_REG_YMM16H 92
#define GDB_REG_K0 108
#define GDB_REG_ZMM0H 116
#define GDB_NUM_REGS_AVX512 148
#define GDB_NUM_REGS_AVX 76
#define GDB_NUM_REGS_NOAVX 60
#define GDB_REG_MAX_BYTES 32

extern const struct gdb_reg_info gdb_reg_table[GDB_NUM_REGS_AVX512];

/* 0 SSE, 1 AVX, 2 AVX-512: what r holds. */
int gdb_regs_level(const struct gdb_regs *r);
int gdb_reg_count(int level);
/* Size in bytes of register regno (which must be < GDB_NUM_REGS_AVX512). */
int gdb_reg_size(int regno);
/* Total size of the g packet's data. */
size_t gdb_regs_size(int level);
/* Register regno of r, in target byte order, into out; returns its size. */
int gdb_reg_get(const struct gdb_regs *r, int regno, uint8_t *out);
/* Sets register regno of r from in (gdb_reg_size(regno) bytes). */
void gdb_reg_set(struct gdb_regs *r, int regno, const uint8_t *in);

/* FXSAVE keeps an abridged tag byte (bit i set: physical register i in
 * use); gdb's ftag is the full i387 tag word (2 bits per register: 0
 * valid, 1 zero, 2 special, 3 empty), rebuilt from the register contents.
 * st_space is user_fpregs_struct.st_space (st0..st7, 16 bytes each). */
uint16_t gdb_ftag_from_fxsave(uint16_t abridged, uint16_t fstat, const void *st_space);
uint16_t gdb_ftag_to_fxsave(uint16_t full);
