/* The one declarative table of x86-64 syscalls.  It drives record (which
 * memory a syscall wrote, so it is saved), replay (emulate or execute) and
 * dump (how to print a call).  Adding a syscall is one row in
 * syscall_table.c; irregular output layouts get a function in
 * syscall_outputs.c; irregular record/replay behaviour is keyed by
 * SYS_SPECIAL rows and lives in record/ and replay/. */
#pragma once
#include <stdint.h>
#include <sys/types.h>

/* How replay treats a syscall. */
enum sys_kind {
    SYS_UNKNOWN = 0,   /* no row: a number the table does not know */
    SYS_EMULATE,       /* not executed; recorded result and memory put back */
    SYS_EXECUTE,       /* executed for real (it shapes state the kernel keeps
                          for the tracee: signal handlers, memory protection,
                          ...); its result must equal the recorded one */
    SYS_SPECIAL,       /* handled by name in record/ and replay/ (mmap, execve,
                          clone, exit, rseq, ...) */
    SYS_UNSUPPORTED,   /* named, but recording it is refused */
};

/* Classification flags, so whole groups are treated alike. */
enum {
    SF_FD        = 1 << 0,  /* first argument is a file descriptor */
    SF_PATH      = 1 << 1,  /* takes a path */
    SF_PROCESS   = 1 << 2,  /* acts on another process (kill, wait, ...) */
    SF_SIGNAL    = 1 << 3,  /* signal disposition/mask/delivery */
    SF_MEMORY    = 1 << 4,  /* shapes the address space */
    SF_BLOCKING  = 1 << 5,  /* may block for an unbounded time */
    SF_WRITE_OUT = 1 << 6,  /* writes data to an fd (stdout echo on replay) */
};

/* How big an output buffer is. */
enum out_size {
    OUT_NONE = 0,
    OUT_FIXED,      /* `bytes` bytes */
    OUT_RESULT,     /* result bytes, when result > 0 */
    OUT_RESULT_X,   /* result * bytes, when result > 0 */
    OUT_ARG,        /* args[size_arg] bytes */
    OUT_ARG_X,      /* args[size_arg] * bytes */
    OUT_LENPTR,     /* *(uint32_t *)args[size_arg] bytes, read after the call
                       (socklen_t-style in/out length) */
    OUT_IOV_RESULT, /* args[arg] is a struct iovec[args[size_arg]]; the first
                       result bytes of it were filled, in order */
};

struct sys_out {
    uint8_t arg;      /* which argument holds the pointer */
    uint8_t size;     /* enum out_size */
    uint8_t size_arg; /* argument index used by OUT_ARG*, OUT_LENPTR, OUT_IOV */
    uint32_t bytes;   /* OUT_FIXED size, or element size for *_X */
};

#define SYS_MAX_OUTS 4

struct mem_region {
    uint64_t addr;
    uint64_t len;
};

/* A completed syscall, as seen at its exit stop (tracee still stopped, so
 * its memory can be read to find indirect output buffers). */
struct sys_call {
    pid_t tid;
    long nr;
    uint64_t args[6];
    int64_t result;
};

/* Writes into out[] the regions of memory the syscall wrote; returns how
 * many (at most max). */
typedef int (*sys_outputs_fn)(const struct sys_call *c, struct mem_region *out, int max);

struct syscall_info {
    const char *name;      /* NULL: no row */
    const char *args;      /* one letter per argument, for dump:
                              d int, u unsigned, x hex, f fd, p pointer,
                              s path/string pointer, o octal mode,
                              S signal number */
    uint8_t kind;          /* enum sys_kind */
    uint16_t flags;        /* SF_* */
    struct sys_out out[SYS_MAX_OUTS];
    sys_outputs_fn outputs; /* irregular layouts (ioctl, recvmsg, ...); used
                               instead of out[] when set */
};

#define SYSCALL_TABLE_SIZE 512

/* The row for nr; a row with name == NULL (kind SYS_UNKNOWN) for numbers
 * the table does not know or nr out of range.  Never NULL. */
const struct syscall_info *syscall_info(long nr);
/* "read", or "syscall_1234" (static buffer) for an unknown number. */
const char *syscall_name(long nr);
/* Number for a name, or -1. */
long syscall_by_name(const char *name);
/* The regions a completed syscall wrote, from its row (out[] or outputs).
 * Regions whose pointer is NULL or length 0 are left out. */
int syscall_outputs(const struct sys_call *c, struct mem_region *out, int max);
/* A max for syscall_outputs() that holds any readv/recvmsg (up to 1024
 * iovecs, the kernel's limit, plus a few).  A call that wrote more regions
 * than max (a large recvmmsg batch) is reported with die() rather than
 * silently cut short, since a missing region would make replay diverge. */
#define SYS_OUTPUTS_MAX 4096
/* Formats "read(3, 0x7ffd..., 4096) = 12" (or "= -2 ENOENT") into buf. */
void syscall_format(char *buf, unsigned long buflen, long nr,
                    const uint64_t args[6], int64_t result);
