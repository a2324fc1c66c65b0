/* Printing a syscall the way strace does: "read(3, 0x7ffd1234, 4096) = 12",
 * "openat(-100, 0x55d0c0de, 0x80000, 0) = -2 ENOENT". */
#include "syscalls/syscall_table.h"

#include <asm/unistd_64.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

#define E_(e) [e] = #e
static const char *const errno_names[] = {
    E_(EPERM), E_(ENOENT), E_(ESRCH), E_(EINTR), E_(EIO), E_(ENXIO), E_(E2BIG),
    E_(ENOEXEC), E_(EBADF), E_(ECHILD), E_(EAGAIN), E_(ENOMEM), E_(EACCES),
    E_(EFAULT), E_(ENOTBLK), E_(EBUSY), E_(EEXIST), E_(EXDEV), E_(ENODEV),
    E_(ENOTDIR), E_(EISDIR), E_(EINVAL), E_(ENFILE), E_(EMFILE), E_(ENOTTY),
    E_(ETXTBSY), E_(EFBIG), E_(ENOSPC), E_(ESPIPE), E_(EROFS), E_(EMLINK),
    E_(EPIPE), E_(EDOM), E_(ERANGE), E_(EDEADLK), E_(ENAMETOOLONG), E_(ENOLCK),
    E_(ENOSYS), E_(ENOTEMPTY), E_(ELOOP), E_(ENOMSG), E_(EIDRM), E_(ECHRNG),
    E_(EL2NSYNC), E_(EL3HLT), E_(EL3RST), E_(ELNRNG), E_(EUNATCH), E_(ENOCSI),
    E_(EL2HLT), E_(EBADE), E_(EBADR), E_(EXFULL), E_(ENOANO), E_(EBADRQC),
    E_(EBADSLT), E_(EBFONT), E_(ENOSTR), E_(ENODATA), E_(ETIME), E_(ENOSR),
    E_(ENONET), E_(ENOPKG), E_(EREMOTE), E_(ENOLINK), E_(EADV), E_(ESRMNT),
    E_(ECOMM), E_(EPROTO), E_(EMULTIHOP), E_(EDOTDOT), E_(EBADMSG),
    E_(EOVERFLOW), E_(ENOTUNIQ), E_(EBADFD), E_(EREMCHG), E_(ELIBACC),
    E_(ELIBBAD), E_(ELIBSCN), E_(ELIBMAX), E_(ELIBEXEC), E_(EILSEQ),
    E_(ERESTART), E_(ESTRPIPE), E_(EUSERS), E_(ENOTSOCK), E_(EDESTADDRREQ),
    E_(EMSGSIZE), E_(EPROTOTYPE), E_(ENOPROTOOPT), E_(EPROTONOSUPPORT),
    E_(ESOCKTNOSUPPORT), E_(EOPNOTSUPP), E_(EPFNOSUPPORT), E_(EAFNOSUPPORT),
    E_(EADDRINUSE), E_(EADDRNOTAVAIL), E_(ENETDOWN), E_(ENETUNREACH),
    E_(ENETRESET), E_(ECONNABORTED), E_(ECONNRESET), E_(ENOBUFS), E_(EISCONN),
    E_(ENOTCONN), E_(ESHUTDOWN), E_(ETOOMANYREFS), E_(ETIMEDOUT),
    E_(ECONNREFUSED), E_(EHOSTDOWN), E_(EHOSTUNREACH), E_(EALREADY),
    E_(EINPROGRESS), E_(ESTALE), E_(EUCLEAN), E_(ENOTNAM), E_(ENAVAIL),
    E_(EISNAM), E_(EREMOTEIO), E_(EDQUOT), E_(ENOMEDIUM), E_(EMEDIUMTYPE),
    E_(ECANCELED), E_(ENOKEY), E_(EKEYEXPIRED), E_(EKEYREVOKED),
    E_(EKEYREJECTED), E_(EOWNERDEAD), E_(ENOTRECOVERABLE), E_(ERFKILL),
    E_(EHWPOISON),
};

/* Kernel-internal codes a tracer sees at the exit stop of an interrupted
 * call (include/linux/errno.h), starting at 512. */
static const char *const kernel_errno_names[] = {
    "ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND", "ENOIOCTLCMD",
    "ERESTART_RESTARTBLOCK", "EPROBE_DEFER", "EOPENSTALE", "ENOPARAM",
};

#define S_(s) [s] = #s
static const char *const signal_names[] = {
    S_(SIGHUP), S_(SIGINT), S_(SIGQUIT), S_(SIGILL), S_(SIGTRAP), S_(SIGABRT),
    S_(SIGBUS), S_(SIGFPE), S_(SIGKILL), S_(SIGUSR1), S_(SIGSEGV), S_(SIGUSR2),
    S_(SIGPIPE), S_(SIGALRM), S_(SIGTERM), S_(SIGSTKFLT), S_(SIGCHLD),
    S_(SIGCONT), S_(SIGSTOP), S_(SIGTSTP), S_(SIGTTIN), S_(SIGTTOU), S_(SIGURG),
    S_(SIGXCPU), S_(SIGXFSZ), S_(SIGVTALRM), S_(SIGPROF), S_(SIGWINCH),
    S_(SIGIO), S_(SIGPWR), S_(SIGSYS),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *errno_name(long e)
{
    if (e > 0 && (unsigned long)e < COUNT(errno_names) && errno_names[e])
        return errno_names[e];
    if (e >= 512 && (unsigned long)(e - 512) < COUNT(kernel_errno_names))
        return kernel_errno_names[e - 512];
    return NULL;
}

/* Appends to a buffer, never past its end (output is cut, NUL-terminated). */
struct sbuf {
    char *p;
    unsigned long len, used;
};

__attribute__((format(printf, 2, 3)))
static void put(struct sbuf *b, const char *fmt, ...)
{
    if (b->used >= b->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->used, b->len - b->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->used += n;
}

static void put_signal(struct sbuf *b, int sig)
{
    if (sig > 0 && (unsigned)sig < COUNT(signal_names) && signal_names[sig])
        put(b, "%s", signal_names[sig]);
    else if (sig == 32)
        put(b, "SIGRTMIN");
    else if (sig > 32 && sig <= 64)
        put(b, "SIGRT_%d", sig - 32);
    else
        put(b, "%d", sig);
}

static void put_arg(struct sbuf *b, char letter, uint64_t v)
{
    switch (letter) {
    case 'd': put(b, "%lld", (long long)v); break;
    case 'u': put(b, "%llu", (unsigned long long)v); break;
    case 'f': put(b, "%d", (int)v); break;
    case 'o': put(b, "%#o", (unsigned)v); break;
    case 'S': put_signal(b, (int)v); break;
    case 'p':
    case 's':
        if (v == 0) {
            put(b, "NULL");
            break;
        }
        /* fall through */
    case 'x':
    default: put(b, "%#llx", (unsigned long long)v); break;
    }
}

static int returns_address(long nr)
{
    return nr == __NR_mmap || nr == __NR_mremap || nr == __NR_brk || nr == __NR_shmat;
}

void syscall_format(char *buf, unsigned long buflen, long nr,
                    const uint64_t args[6], int64_t result)
{
    if (!buf || buflen == 0)
        return;
    buf[0] = '\0';
    struct sbuf b = {buf, buflen, 0};
    const struct syscall_info *si = syscall_info(nr);
    /* Without a row, how many arguments there are is unknown: show all. */
    const char *letters = si->name ? si->args : "xxxxxx";
    put(&b, "%s(", syscall_name(nr));
    for (int i = 0; letters[i] && i < 6; i++) {
        if (i)
            put(&b, ", ");
        put_arg(&b, letters[i], args[i]);
    }
    put(&b, ") = ");
    if (result < 0 && result >= -4095) {
        const char *name = errno_name(-result);
        if (name)
            put(&b, "%lld %s", (long long)result, name);
        else
            put(&b, "%lld", (long long)result);
    } else if (returns_address(nr)) {
        put(&b, "%#llx", (unsigned long long)result);
    } else {
        put(&b, "%lld", (long long)result);
    }
}
