#include "arch/vdso.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>

#include "arch/tracee_mem.h"
#include "common/die.h"

static const struct {
    const char *name;
    int nr;
} vdso_calls[] = {
    {"__vdso_clock_gettime", SYS_clock_gettime}, {"clock_gettime", SYS_clock_gettime},
    {"__vdso_gettimeofday", SYS_gettimeofday},   {"gettimeofday", SYS_gettimeofday},
    {"__vdso_time", SYS_time},                   {"time", SYS_time},
    {"__vdso_getcpu", SYS_getcpu},               {"getcpu", SYS_getcpu},
    {"__vdso_clock_getres", SYS_clock_getres},   {"clock_getres", SYS_clock_getres},
    {"__vdso_getrandom", SYS_getrandom},         {"getrandom", SYS_getrandom},
};

static unsigned long vdso_base(pid_t tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/auxv", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    unsigned long pair[2], base = 0;
    while (fread(pair, sizeof pair, 1, f) == 1 && pair[0] != AT_NULL)
        if (pair[0] == AT_SYSINFO_EHDR)
            base = pair[1];
    fclose(f);
    return base;
}

static size_t vdso_size(pid_t tid, unsigned long base)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    size_t size = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo == base) {
            size = hi - lo;
            break;
        }
    }
    fclose(f);
    return size;
}

/* "mov $nr, %eax; syscall; ret" */
static void syscall_stub(unsigned char out[8], int nr)
{
    out[0] = 0xb8;
    memcpy(out + 1, &nr, 4);
    out[5] = 0x0f;
    out[6] = 0x05;
    out[7] = 0xc3;
}

static int patch_symbols(pid_t tid, unsigned long base, const unsigned char *img, size_t size,
                         uint64_t *syscall_insn)
{
    const Elf64_Ehdr *eh = (const void *)img;
    if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
        eh->e_shoff == 0 || eh->e_shoff > size ||
        (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
        return 0;
    const Elf64_Shdr *sh = (const void *)(img + eh->e_shoff);
    /* Symbols are relative to the image's first load address. */
    unsigned long load_vaddr = 0;
    const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff);
    if (eh->e_phoff < size && (size - eh->e_phoff) / sizeof *ph >= eh->e_phnum)
        for (int i = 0; i < eh->e_phnum; i++)
            if (ph[i].p_type == PT_LOAD) {
                load_vaddr = ph[i].p_vaddr;
                break;
            }
    int patched = 0;
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_DYNSYM || sh[i].sh_link >= eh->e_shnum)
            continue;
        const Elf64_Shdr *strs = &sh[sh[i].sh_link];
        if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset ||
            strs->sh_offset > size || strs->sh_size > size - strs->sh_offset)
            continue;
        const Elf64_Sym *syms = (const void *)(img + sh[i].sh_offset);
        size_t nsyms = sh[i].sh_size / sizeof *syms;
        for (size_t s = 0; s < nsyms; s++) {
            if (syms[s].st_name >= strs->sh_size || syms[s].st_value == 0)
                continue;
            const char *name = (const char *)img + strs->sh_offset + syms[s].st_name;
            if (!memchr(name, 0, strs->sh_size - syms[s].st_name))
                continue;
            for (size_t k = 0; k < sizeof vdso_calls / sizeof *vdso_calls; k++) {
                if (strcmp(name, vdso_calls[k].name))
                    continue;
                unsigned char stub[8];
                syscall_stub(stub, vdso_calls[k].nr);
                unsigned long at = base + syms[s].st_value - load_vaddr;
                if (tracee_write(tid, at, stub, sizeof stub) < 0)
                    die_errno("cannot patch the vDSO of process %d", tid);
                patched++;
                *syscall_insn = at + 5; /* the stub's syscall instruction */
            }
        }
    }
    return patched;
}

int vdso_patch(pid_t tid, uint64_t *syscall_insn)
{
    *syscall_insn = 0;
    unsigned long base = vdso_base(tid);
    if (!base)
        return 0;
    size_t size = vdso_size(tid, base);
    if (!size || size > (1 << 20))
        return 0;
    unsigned char *img = xmalloc(size);
    int n = 0;
    if (tracee_read(tid, base, img, size) == (ssize_t)size)
        n = patch_symbols(tid, base, img, size, syscall_insn);
    free(img);
    return n;
}
