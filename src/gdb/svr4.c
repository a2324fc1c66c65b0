#include "gdb/svr4.h"

#include "gdb/hex.h"

#include <elf.h>
#include <stdbool.h>
#include <string.h>

#define MAX_AUXV 8192
#define MAX_DYN 4096       /* dynamic entries scanned */
#define MAX_LIBS 65536     /* link_map entries followed (stops cycles) */
#define MAX_NAME 4096

/* 64-bit layouts: struct r_debug { int r_version; struct link_map *r_map;
 * ... } and the public head of struct link_map. */
#define R_DEBUG_R_MAP 8
enum { LM_ADDR, LM_NAME, LM_LD, LM_NEXT, LM_PREV, LM_WORDS };

static bool read_exact(const struct gdb_target *tgt, pid_t pid, uint64_t addr, void *buf,
                       size_t len)
{
    return tgt->read_mem && tgt->read_mem(tgt->ctx, pid, addr, buf, len) == (ssize_t)len;
}

static bool read_u64(const struct gdb_target *tgt, pid_t pid, uint64_t addr, uint64_t *v)
{
    return read_exact(tgt, pid, addr, v, 8);
}

/* The r_debug address from DT_DEBUG, or 0. */
static uint64_t find_r_debug(const struct gdb_target *tgt, pid_t pid)
{
    Elf64_auxv_t auxv[MAX_AUXV / sizeof(Elf64_auxv_t)];
    if (!tgt->auxv)
        return 0;
    ssize_t n = tgt->auxv(tgt->ctx, pid, auxv, sizeof(auxv));
    if (n <= 0)
        return 0;
    uint64_t phdr = 0, phnum = 0, phent = sizeof(Elf64_Phdr);
    for (size_t i = 0; i < (size_t)n / sizeof(auxv[0]) && auxv[i].a_type != AT_NULL; i++) {
        if (auxv[i].a_type == AT_PHDR)
            phdr = auxv[i].a_un.a_val;
        else if (auxv[i].a_type == AT_PHNUM)
            phnum = auxv[i].a_un.a_val;
        else if (auxv[i].a_type == AT_PHENT)
            phent = auxv[i].a_un.a_val;
    }
    if (!phdr || !phnum || phnum > 4096 || phent < sizeof(Elf64_Phdr))
        return 0;
    uint64_t dyn_vaddr = 0, dyn_size = 0, bias = 0;
    bool have_bias = false, have_dyn = false;
    for (uint64_t i = 0; i < phnum; i++) {
        Elf64_Phdr ph;
        if (!read_exact(tgt, pid, phdr + i * phent, &ph, sizeof(ph)))
            return 0;
        if (ph.p_type == PT_PHDR) {
            bias = phdr - ph.p_vaddr;
            have_bias = true;
        } else if (ph.p_type == PT_DYNAMIC) {
            dyn_vaddr = ph.p_vaddr;
            dyn_size = ph.p_memsz;
            have_dyn = true;
        }
    }
    /* Without PT_PHDR the bias is unknown; such programs (static ones)
     * have no DT_DEBUG to find anyway, as gdbserver also assumes. */
    if (!have_bias || !have_dyn)
        return 0;
    uint64_t count = dyn_size / sizeof(Elf64_Dyn);
    if (count > MAX_DYN)
        count = MAX_DYN;
    for (uint64_t i = 0; i < count; i++) {
        Elf64_Dyn d;
        if (!read_exact(tgt, pid, bias + dyn_vaddr + i * sizeof(d), &d, sizeof(d)) ||
            d.d_tag == DT_NULL)
            return 0;
        if (d.d_tag == DT_DEBUG)
            return d.d_un.d_ptr;
    }
    return 0;
}

/* The NUL-terminated string at addr into buf (truncated to len - 1). */
static void read_string(const struct gdb_target *tgt, pid_t pid, uint64_t addr, char *buf,
                        size_t len)
{
    size_t got = 0;
    buf[0] = '\0';
    while (addr && got + 1 < len) {
        /* Small reads that stop at a page end, so the string's last page
         * being the last mapped one does not fail the read. */
        size_t chunk = 256 - (addr + got) % 256;
        if (chunk > len - 1 - got)
            chunk = len - 1 - got;
        ssize_t n = tgt->read_mem(tgt->ctx, pid, addr + got, buf + got, chunk);
        if (n <= 0)
            break;
        void *nul = memchr(buf + got, '\0', (size_t)n);
        got += (size_t)n;
        if (nul)
            return;
    }
    buf[got] = '\0';
}

static bool parse_annex(const char *annex, uint64_t *start, uint64_t *prev)
{
    *start = *prev = 0;
    while (*annex) {
        uint64_t *dst, lmid;
        if (!strncmp(annex, "lmid=", 5)) /* gdb with linker namespaces */
            dst = &lmid, annex += 5;
        else if (!strncmp(annex, "start=", 6))
            dst = start, annex += 6;
        else if (!strncmp(annex, "prev=", 5))
            dst = prev, annex += 5;
        else
            return false;
        if (annex[0] == '0' && annex[1] == 'x')
            annex += 2;
        if (!(annex = hex_u64(annex, dst)))
            return false;
        if (*annex == ';')
            annex++;
        else if (*annex)
            return false;
    }
    return true;
}

int gdb_svr4_library_list(const struct gdb_target *tgt, pid_t pid, const char *annex,
                          struct strbuf *out)
{
    uint64_t start, prev;
    if (!parse_annex(annex, &start, &prev))
        return -1;
    sb_adds(out, "<library-list-svr4 version=\"1.0\"");
    uint64_t r_debug = tgt->read_mem ? find_r_debug(tgt, pid) : 0;
    uint64_t lm = start;
    if (!lm && r_debug && !read_u64(tgt, pid, r_debug + R_DEBUG_R_MAP, &lm))
        lm = 0;
    if (!r_debug && !start) {
        sb_adds(out, "/>\n");
        return 0;
    }
    /* The first entry of the list is the program itself. */
    bool first = prev == 0;
    char name[MAX_NAME];
    size_t count = 0;
    bool opened = false;
    while (lm && count++ < MAX_LIBS) {
        uint64_t m[LM_WORDS];
        if (!read_exact(tgt, pid, lm, m, sizeof(m)))
            break;
        if (first) {
            sb_addf(out, " main-lm=\"0x%llx\">\n", (unsigned long long)lm);
            opened = true;
            first = false;
        } else {
            if (!opened) {
                sb_adds(out, ">\n");
                opened = true;
            }
            read_string(tgt, pid, m[LM_NAME], name, sizeof(name));
            if (name[0]) {
                sb_adds(out, "  <library name=\"");
                sb_add_xml(out, name);
                sb_addf(out, "\" lm=\"0x%llx\" l_addr=\"0x%llx\" l_ld=\"0x%llx\" lmid=\"0x0\"/>\n",
                        (unsigned long long)lm, (unsigned long long)m[LM_ADDR],
                        (unsigned long long)m[LM_LD]);
            }
        }
        lm = m[LM_NEXT];
    }
    if (!opened)
        sb_adds(out, "/>\n");
    else
        sb_adds(out, "</library-list-svr4>\n");
    return 0;
}
