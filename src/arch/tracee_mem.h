/* Reading and writing a stopped tracee's memory. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads len bytes at addr; returns bytes read (short on an unmapped page),
 * or -1 with errno set. */
ssize_t tracee_read(pid_t tid, uint64_t addr, void *buf, size_t len);
/* Writes len bytes at addr, even into read-only pages (through
 * /proc/TID/mem); returns bytes written or -1. */
ssize_t tracee_write(pid_t tid, uint64_t addr, const void *buf, size_t len);
/* Reads a NUL-terminated string of at most max-1 bytes; returns its
 * length or -1. */
ssize_t tracee_read_str(pid_t tid, uint64_t addr, char *buf, size_t max);
/* Whether the bytes at addr are a syscall instruction (0f 05). */
bool tracee_syscall_insn_at(pid_t tid, uint64_t addr);
