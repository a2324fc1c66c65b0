#include "common/elf_interp.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool read_at(int fd, void *buf, size_t len, uint64_t off)
{
    return pread(fd, buf, len, (off_t)off) == (ssize_t)len;
}

bool elf_interp_read(int fd, struct elf_interp *out)
{
    Elf64_Ehdr eh;
    if (!read_at(fd, &eh, sizeof eh, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
        (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) ||
        eh.e_phentsize != sizeof(Elf64_Phdr))
        return false;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (!read_at(fd, &ph, sizeof ph, eh.e_phoff + (uint64_t)i * sizeof ph))
            return false;
        if (ph.p_type != PT_INTERP)
            continue;
        /* The kernel's rules: at least two bytes, the last one NUL. */
        if (ph.p_filesz < 2 || ph.p_filesz > sizeof out->path ||
            !read_at(fd, out->path, ph.p_filesz, ph.p_offset) ||
            out->path[ph.p_filesz - 1] != 0 || !out->path[0])
            return false;
        out->offset = ph.p_offset;
        out->vaddr = ph.p_vaddr;
        out->entry = eh.e_entry;
        return true;
    }
    return false;
}

bool script_interp_read(int fd, struct elf_interp *out)
{
    char buf[256]; /* the kernel's BINPRM_BUF_SIZE */
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    if (n < 3 || buf[0] != '#' || buf[1] != '!')
        return false;
    ssize_t start = 2;
    while (start < n && (buf[start] == ' ' || buf[start] == '\t'))
        start++;
    ssize_t end = start;
    while (end < n && !strchr(" \t\n", buf[end]) && buf[end])
        end++;
    /* A name that runs to the end of what the kernel reads is refused. */
    if (end == start || end == n)
        return false;
    memset(out, 0, sizeof *out);
    memcpy(out->path, buf + start, (size_t)(end - start));
    out->offset = (uint64_t)start;
    return true;
}

uint64_t auxv_value(pid_t tid, uint64_t type)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/auxv", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    uint64_t auxv[2 * 64], value = 0;
    ssize_t n = read(fd, auxv, sizeof auxv);
    close(fd);
    for (ssize_t i = 0; i + 1 < n / 8; i += 2)
        if (auxv[i] == type)
            value = auxv[i + 1];
    return value;
}
