#include "arch/insn_sites.h"

#include <capstone/capstone.h>
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/tracee_mem.h"
#include "common/die.h"

/* The sites of one file, as file offsets: most processes map the same few
 * libraries, which are disassembled once. */
struct file_sites {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    size_t n;
    uint64_t *off;
    uint8_t *kind; /* enum insn_site */
    struct file_sites *next;
};

static struct file_sites *files;

/* Every address an int3 was planted at, in any tracee: a stop is a site's
 * only when its bytes are still the patched instruction, so a shared list
 * is enough. */
static uint64_t *planted;
static uint8_t *planted_kind;
static size_t nplanted, cap_planted;
static bool trap_cpuid = true;

void insn_sites_trap_cpuid(bool on)
{
    trap_cpuid = on;
}

/* The instruction's bytes: all begin with 0x0f, which the int3 replaces. */
static const uint8_t site_bytes[][3] = {
    [SITE_RDTSC] = {0x0f, 0x31}, [SITE_RDTSCP] = {0x0f, 0x01, 0xf9}, [SITE_CPUID] = {0x0f, 0xa2}};
static const uint8_t site_len[] = {[SITE_RDTSC] = 2, [SITE_RDTSCP] = 3, [SITE_CPUID] = 2};

static void add_site(struct file_sites *fs, uint64_t off, enum insn_site kind)
{
    fs->off = xrealloc(fs->off, (fs->n + 1) * sizeof *fs->off);
    fs->kind = xrealloc(fs->kind, (fs->n + 1) * sizeof *fs->kind);
    fs->off[fs->n] = off;
    fs->kind[fs->n++] = kind;
}

static bool has_candidate(const uint8_t *code, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (code[i] == 0x0f && (code[i + 1] == 0x31 || code[i + 1] == 0x01 || code[i + 1] == 0xa2))
            return true;
    return false;
}

/* A linear sweep, as objdump does: compilers put no data in .text on
 * x86-64, and the bytes that do not decode are skipped. */
static void sweep(struct file_sites *fs, const uint8_t *code, size_t n, uint64_t file_off)
{
    if (!has_candidate(code, n))
        return;
    csh cs;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
        die("capstone cannot disassemble x86-64");
    cs_option(cs, CS_OPT_SKIPDATA, CS_OPT_ON);
    cs_insn *insn = cs_malloc(cs);
    const uint8_t *p = code;
    size_t left = n;
    uint64_t addr = 0;
    while (cs_disasm_iter(cs, &p, &left, &addr, insn)) {
        if (insn->id == X86_INS_RDTSC)
            add_site(fs, file_off + insn->address, SITE_RDTSC);
        else if (insn->id == X86_INS_RDTSCP)
            add_site(fs, file_off + insn->address, SITE_RDTSCP);
        else if (insn->id == X86_INS_CPUID)
            add_site(fs, file_off + insn->address, SITE_CPUID);
    }
    cs_free(insn, 1);
    cs_close(&cs);
}

static void scan_elf(struct file_sites *fs, int fd)
{
    Elf64_Ehdr eh;
    if (pread(fd, &eh, sizeof eh, 0) != sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
        eh.e_shentsize != sizeof(Elf64_Shdr) || !eh.e_shnum || eh.e_shnum > 4096)
        return;
    Elf64_Shdr *sh = xmalloc(eh.e_shnum * sizeof *sh);
    if (pread(fd, sh, eh.e_shnum * sizeof *sh, eh.e_shoff) == (ssize_t)(eh.e_shnum * sizeof *sh)) {
        for (int i = 0; i < eh.e_shnum; i++) {
            if (sh[i].sh_type != SHT_PROGBITS || !(sh[i].sh_flags & SHF_EXECINSTR) ||
                sh[i].sh_size > (1ull << 30))
                continue;
            uint8_t *code = xmalloc(sh[i].sh_size);
            if (pread(fd, code, sh[i].sh_size, sh[i].sh_offset) == (ssize_t)sh[i].sh_size)
                sweep(fs, code, sh[i].sh_size, sh[i].sh_offset);
            free(code);
        }
    }
    free(sh);
}

static struct file_sites *sites_of(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        return NULL;
    for (struct file_sites *fs = files; fs; fs = fs->next)
        if (fs->dev == st.st_dev && fs->ino == st.st_ino && fs->size == st.st_size &&
            fs->mtime.tv_sec == st.st_mtim.tv_sec && fs->mtime.tv_nsec == st.st_mtim.tv_nsec)
            return fs;
    struct file_sites *fs = xcalloc(1, sizeof *fs);
    fs->dev = st.st_dev;
    fs->ino = st.st_ino;
    fs->size = st.st_size;
    fs->mtime = st.st_mtim;
    scan_elf(fs, fd);
    fs->next = files;
    files = fs;
    return fs;
}

static void remember(uint64_t addr, enum insn_site kind)
{
    for (size_t i = 0; i < nplanted; i++)
        if (planted[i] == addr)
            return;
    if (nplanted == cap_planted) {
        cap_planted = cap_planted ? 2 * cap_planted : 64;
        planted = xrealloc(planted, cap_planted * sizeof *planted);
        planted_kind = xrealloc(planted_kind, cap_planted);
    }
    planted[nplanted] = addr;
    planted_kind[nplanted++] = kind;
}

void insn_sites_plant_file(pid_t tid, int fd, uint64_t start, uint64_t end, uint64_t off)
{
    struct file_sites *fs = sites_of(fd);
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n; i++) {
        enum insn_site kind = fs->kind[i];
        uint8_t len = site_len[kind];
        if (fs->off[i] < off || fs->off[i] + len > off + (end - start) ||
            (kind == SITE_CPUID && !trap_cpuid))
            continue;
        uint64_t addr = start + (fs->off[i] - off);
        uint8_t insn[3];
        static const uint8_t int3 = 0xcc;
        if (tracee_read(tid, addr, insn, len) != len || memcmp(insn, site_bytes[kind], len))
            continue; /* not the file's bytes there (already planted, or changed) */
        if (tracee_write(tid, addr, &int3, 1) == 1)
            remember(addr, kind);
    }
}

void insn_sites_plant_all(pid_t tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[4096 + 256];
    while (fgets(line, sizeof line, f)) {
        uint64_t start, end, off;
        char perms[5];
        int name_at = 0;
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %*s %*s %n", &start, &end, perms,
                   &off, &name_at) < 4 || !name_at || line[name_at] != '/' || perms[2] != 'x' ||
            perms[3] != 'p')
            continue;
        line[strcspn(line, "\n")] = 0;
        snprintf(path, sizeof path, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, tid, start, end);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            fd = open(line + name_at, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        insn_sites_plant_file(tid, fd, start, end, off);
        close(fd);
    }
    fclose(f);
}

enum insn_site insn_site_at(pid_t tid, uint64_t addr)
{
    for (size_t i = 0; i < nplanted; i++) {
        if (planted[i] != addr)
            continue;
        enum insn_site kind = planted_kind[i];
        uint8_t len = site_len[kind], insn[3];
        if (tracee_read(tid, addr, insn, len) != len || insn[0] != 0xcc ||
            memcmp(insn + 1, site_bytes[kind] + 1, len - 1))
            return SITE_NONE;
        return kind;
    }
    return SITE_NONE;
}

void insn_sites_unpatch(uint64_t addr, void *buf, size_t len)
{
    uint8_t *b = buf;
    for (size_t i = 0; i < nplanted; i++)
        if (planted[i] >= addr && planted[i] < addr + len && b[planted[i] - addr] == 0xcc)
            b[planted[i] - addr] = 0x0f;
}
