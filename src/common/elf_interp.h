/* What the kernel loads by path at exec besides the file exec'd: the ELF
 * interpreter an executable names (its PT_INTERP), and the program a `#!`
 * script names. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct elf_interp {
    char path[4096];   /* the NUL-terminated path, as in the file */
    uint64_t offset;   /* where the path is in the file */
    uint64_t vaddr;    /* ... and in memory, before relocation (p_vaddr) */
    uint64_t entry;    /* e_entry, to find the relocation from AT_ENTRY */
};

/* Reads the x86-64 ELF file open at fd: true when it names an
 * interpreter (false for scripts, static programs, anything else). */
bool elf_interp_read(int fd, struct elf_interp *out);
/* Reads the `#!` line of the script open at fd as the kernel does: true
 * when it names an interpreter, whose path (NUL-terminated in out->path)
 * is at out->offset; out->vaddr and out->entry are 0. */
bool script_interp_read(int fd, struct elf_interp *out);
/* The value of auxiliary vector entry type (AT_BASE, AT_ENTRY, ...) of
 * tid's current program, from /proc; 0 when absent or unreadable. */
uint64_t auxv_value(pid_t tid, uint64_t type);
