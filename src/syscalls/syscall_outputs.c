/* Which memory a completed syscall wrote: the generic reading of a row's
 * out[] entries, and the layout functions for calls out[] cannot describe.
 *
 * Rules.  Fixed-size outputs are reported whenever their pointer is set,
 * even if the call failed (nanosleep's rem on EINTR): putting identical
 * bytes back in replay is harmless, and the recorder skips what it cannot
 * read.  Outputs sized by the result need result > 0; those sized by
 * arguments or by a length the kernel wrote back need a successful call.
 * Every length read from the tracee is bounded by what the kernel could
 * have written there. */
#include "syscalls/syscall_table.h"

#include <asm/unistd_64.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "arch/tracee_mem.h"
#include "common/die.h"
#include "syscalls/syscall_outputs.h"

/* The x86-64 kernel ABI these functions decode; the recorder is built for
 * the same ABI, so libc's structs are the kernel's. */
_Static_assert(sizeof(struct iovec) == 16, "iovec");
_Static_assert(sizeof(struct msghdr) == 56, "msghdr");
_Static_assert(sizeof(struct mmsghdr) == 64, "mmsghdr");
_Static_assert(sizeof(struct sockaddr_storage) == 128, "sockaddr_storage");

#define IOV_MAX_KERNEL 1024   /* UIO_MAXIOV: readv & co. refuse more */
#define SOCKADDR_MAX   128    /* no address family writes more */
#define PAGE_SIZE_X86  4096

static int failed(int64_t result)
{
    return result < 0 && result >= -4095;
}

/* Regions being collected for one call. */
struct outs {
    const struct sys_call *c;
    struct mem_region *r;
    int n, max;
};

static void put(struct outs *o, uint64_t addr, uint64_t len)
{
    if (addr == 0 || len == 0)
        return;
    if (o->n >= o->max)
        die("recording %s: it wrote more than %d memory regions",
            syscall_name(o->c->nr), o->max);
    o->r[o->n++] = (struct mem_region){addr, len};
}

/* Reads a u32 from the tracee; 0 if unreadable. */
static uint32_t read_u32(pid_t tid, uint64_t addr)
{
    uint32_t v = 0;
    if (!addr || tracee_read(tid, addr, &v, sizeof v) != sizeof v)
        return 0;
    return v;
}

/* The first `bytes` bytes scattered over the iovec array at iov_addr. */
static void put_iov(struct outs *o, uint64_t iov_addr, uint64_t iovcnt, uint64_t bytes)
{
    if (iovcnt > IOV_MAX_KERNEL)
        iovcnt = IOV_MAX_KERNEL;
    struct iovec chunk[64];
    for (uint64_t i = 0; i < iovcnt && bytes > 0; i += 64) {
        uint64_t n = iovcnt - i < 64 ? iovcnt - i : 64;
        ssize_t got = tracee_read(o->c->tid, iov_addr + i * sizeof chunk[0], chunk,
                                  n * sizeof chunk[0]);
        if (got < 0)
            return;
        n = (uint64_t)got / sizeof chunk[0];
        if (n == 0)
            return;
        for (uint64_t k = 0; k < n && bytes > 0; k++) {
            uint64_t take = chunk[k].iov_len < bytes ? chunk[k].iov_len : bytes;
            put(o, (uintptr_t)chunk[k].iov_base, take);
            bytes -= take;
        }
    }
}

/* A socket address the kernel wrote, with its in/out length word.  The
 * kernel stores the full address length even when it truncated the copy,
 * so the length is capped at the largest address. */
static void put_sockaddr(struct outs *o, uint64_t addr, uint64_t lenptr)
{
    if (!lenptr)
        return;
    if (addr) {
        uint32_t len = read_u32(o->c->tid, lenptr);
        put(o, addr, len < SOCKADDR_MAX ? len : SOCKADDR_MAX);
    }
    put(o, lenptr, 4);
}

/* One struct msghdr (at addr, already filled by the kernel) that received
 * `bytes` bytes of data. */
static void put_msghdr(struct outs *o, uint64_t addr, uint64_t bytes)
{
    struct msghdr m;
    if (tracee_read(o->c->tid, addr, &m, sizeof m) != sizeof m)
        return;
    /* msg_namelen, msg_controllen and msg_flags are written back. */
    put(o, addr, sizeof m);
    if (m.msg_name)
        put(o, (uintptr_t)m.msg_name, m.msg_namelen < SOCKADDR_MAX ? m.msg_namelen : SOCKADDR_MAX);
    put_iov(o, (uintptr_t)m.msg_iov, m.msg_iovlen, bytes);
    if (m.msg_control)
        put(o, (uintptr_t)m.msg_control, m.msg_controllen);
}

static void put_generic(struct outs *o, const struct sys_out *d)
{
    const struct sys_call *c = o->c;
    uint64_t ptr = c->args[d->arg];
    uint64_t n = d->size_arg < 6 ? c->args[d->size_arg] : 0;
    switch (d->size) {
    case OUT_FIXED:
        put(o, ptr, d->bytes);
        break;
    case OUT_RESULT:
        if (c->result > 0)
            put(o, ptr, c->result);
        break;
    case OUT_RESULT_X:
        if (c->result > 0)
            put(o, ptr, (uint64_t)c->result * d->bytes);
        break;
    case OUT_ARG:
        if (!failed(c->result))
            put(o, ptr, n);
        break;
    case OUT_ARG_X:
        if (!failed(c->result))
            put(o, ptr, n * d->bytes);
        break;
    case OUT_LENPTR:
        if (!failed(c->result) && ptr)
            put(o, ptr, read_u32(c->tid, n));
        break;
    case OUT_IOV_RESULT:
        if (c->result > 0)
            put_iov(o, ptr, n, c->result);
        break;
    default:
        break;
    }
}

int syscall_outputs(const struct sys_call *c, struct mem_region *out, int max)
{
    const struct syscall_info *si = syscall_info(c->nr);
    if (si->outputs)
        return si->outputs(c, out, max);
    struct outs o = {c, out, 0, max};
    for (int i = 0; i < SYS_MAX_OUTS && si->out[i].size != OUT_NONE; i++)
        put_generic(&o, &si->out[i]);
    return o.n;
}

/* ---- irregular layouts ------------------------------------------------ */

#define BEGIN struct outs o = {c, out, 0, max}; const uint64_t *a = c->args

int outputs_ioctl(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (failed(c->result))
        return 0;
    uint32_t req = (uint32_t)a[1];
    switch (req) {
    case TCGETS:                            /* kernel struct termios */
    case TIOCGLCKTRMIOS:
        put(&o, a[2], 36);
        break;
    case TCGETA:                            /* struct termio */
        put(&o, a[2], 18);
        break;
    case TIOCGWINSZ:
        put(&o, a[2], sizeof(struct winsize));
        break;
    case TIOCGPGRP: case TIOCGSID: case FIONREAD: case TIOCOUTQ:
    case TIOCGETD: case TIOCMGET: case TIOCGSOFTCAR: case SIOCATMARK:
    case 1: case 2:                         /* FIBMAP, FIGETBSZ */
        put(&o, a[2], 4);
        break;
    case SIOCGSTAMP_OLD: case SIOCGSTAMPNS_OLD:
        put(&o, a[2], 16);
        break;
    /* struct ifreq */
    case SIOCGIFNAME: case SIOCGIFFLAGS: case SIOCGIFADDR: case SIOCGIFDSTADDR:
    case SIOCGIFBRDADDR: case SIOCGIFNETMASK: case SIOCGIFMETRIC: case SIOCGIFMEM:
    case SIOCGIFMTU: case SIOCGIFHWADDR: case SIOCGIFINDEX: case SIOCGIFTXQLEN:
        put(&o, a[2], 40);
        break;
    case SIOCGIFCONF: {                     /* struct ifconf + what it points at */
        struct { int32_t len; int32_t pad; uint64_t buf; } ifc;
        if (tracee_read(c->tid, a[2], &ifc, sizeof ifc) == sizeof ifc && ifc.len > 0)
            put(&o, ifc.buf, (uint32_t)ifc.len);
        put(&o, a[2], sizeof ifc);
        break;
    }
    default:
        /* Requests encoded with _IOR/_IOWR say how much they write
         * (TCGETS2, TIOCGPTN, BLKGETSIZE64, ...).  The old terminal and
         * socket requests (no direction bits) that write are listed
         * above; the rest, such as TCSETS*, TIOCSPGRP, FIONBIO, FIOCLEX,
         * write nothing. */
        if ((_IOC_DIR(req) & _IOC_READ) && _IOC_SIZE(req) > 0)
            put(&o, a[2], _IOC_SIZE(req));
        break;
    }
    return o.n;
}

int outputs_fcntl(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (failed(c->result))
        return 0;
    switch ((int)a[1]) {
    case F_GETLK:
    case F_OFD_GETLK:
        put(&o, a[2], 32);                  /* struct flock */
        break;
    case F_GETOWN_EX:
        put(&o, a[2], 8);                   /* struct f_owner_ex */
        break;
    case 1035:                              /* F_GET_RW_HINT */
    case 1037:                              /* F_GET_FILE_RW_HINT */
        put(&o, a[2], 8);
        break;
    }
    return o.n;
}

#ifndef PR_GET_AUXV
#define PR_GET_AUXV 0x41555856
#endif

int outputs_prctl(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (failed(c->result))
        return 0;
    switch ((int)a[0]) {
    case PR_GET_NAME:
        put(&o, a[1], 16);
        break;
    /* These store an int through arg2; the other PR_GET_* return it. */
    case PR_GET_PDEATHSIG: case PR_GET_TSC: case PR_GET_CHILD_SUBREAPER:
    case PR_GET_UNALIGN: case PR_GET_FPEMU: case PR_GET_FPEXC: case PR_GET_ENDIAN:
        put(&o, a[1], 4);
        break;
    case PR_GET_TID_ADDRESS:
        put(&o, a[1], 8);
        break;
    case PR_GET_AUXV:                       /* copies min(size, auxv), returns auxv size */
        if (c->result > 0)
            put(&o, a[1], (uint64_t)c->result < a[2] ? (uint64_t)c->result : a[2]);
        break;
    }
    return o.n;
}

int outputs_arch_prctl(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (failed(c->result))
        return 0;
    switch ((int)a[0]) {
    case 0x1003:                            /* ARCH_GET_FS */
    case 0x1004:                            /* ARCH_GET_GS */
    case 0x1021:                            /* ARCH_GET_XCOMP_SUPP */
    case 0x1022:                            /* ARCH_GET_XCOMP_PERM */
    case 0x1024:                            /* ARCH_GET_XCOMP_GUEST_PERM */
    case 0x5005:                            /* ARCH_SHSTK_STATUS */
        put(&o, a[1], 8);
        break;
    }
    return o.n;
}

/* FUTEX_WAIT/WAKE write nothing, but the priority-inheritance ops store
 * the owner's tid (and the waiters bit, even when they time out) in the
 * futex word, and FUTEX_WAKE_OP changes *uaddr2. */
int outputs_futex(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    switch ((int)a[1] & FUTEX_CMD_MASK) {
    case FUTEX_WAKE_OP:
        put(&o, a[4], 4);
        break;
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_TRYLOCK_PI:
    case FUTEX_UNLOCK_PI:
        put(&o, a[0], 4);
        break;
    case FUTEX_WAIT_REQUEUE_PI:
        put(&o, a[0], 4);
        put(&o, a[4], 4);
        break;
    case FUTEX_CMP_REQUEUE_PI:
        put(&o, a[4], 4);
        break;
    }
    return o.n;
}

/* select and pselect6: three fd_sets of nfds bits, rounded up to longs,
 * and the remaining time (written back even when interrupted). */
int outputs_select(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    int nfds = (int)a[0];
    if (!failed(c->result) && nfds > 0) {
        uint64_t bytes = ((uint64_t)nfds + 63) / 64 * 8;
        for (int i = 1; i <= 3; i++)
            put(&o, a[i], bytes);
    }
    put(&o, a[4], 16);
    return o.n;
}

/* accept, accept4, getsockname, getpeername */
int outputs_sockaddr(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (!failed(c->result))
        put_sockaddr(&o, a[1], a[2]);
    return o.n;
}

int outputs_recvfrom(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (failed(c->result))
        return 0;
    /* With MSG_TRUNC the result is the datagram's length, maybe more than len. */
    uint64_t got = (uint64_t)c->result < a[2] ? (uint64_t)c->result : a[2];
    put(&o, a[1], got);
    put_sockaddr(&o, a[4], a[5]);
    return o.n;
}

int outputs_recvmsg(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (!failed(c->result))
        put_msghdr(&o, a[1], c->result);
    return o.n;
}

int outputs_recvmmsg(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (c->result > 0) {
        uint64_t n = (uint64_t)c->result < IOV_MAX_KERNEL ? (uint64_t)c->result : IOV_MAX_KERNEL;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t addr = a[1] + i * sizeof(struct mmsghdr);
            uint32_t len = read_u32(c->tid, addr + offsetof(struct mmsghdr, msg_len));
            put_msghdr(&o, addr, len);
            /* msg_len and the padding after the msghdr */
            put(&o, addr + sizeof(struct msghdr), sizeof(struct mmsghdr) - sizeof(struct msghdr));
        }
    }
    put(&o, a[4], 16);                      /* the remaining timeout */
    return o.n;
}

int outputs_capget(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    put(&o, a[0], 8);                       /* the kernel may correct the version */
    if (c->result == 0 && a[1]) {
        uint32_t version = read_u32(c->tid, a[0]);
        put(&o, a[1], version == 0x19980330 ? 12 : 24);  /* v1: one cap_data, v2/v3: two */
    }
    return o.n;
}

int outputs_mincore(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (c->result == 0)
        put(&o, a[2], (a[1] + PAGE_SIZE_X86 - 1) / PAGE_SIZE_X86);
    return o.n;
}

int outputs_getgroups(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if ((int)a[0] > 0 && c->result > 0)
        put(&o, a[1], (uint64_t)c->result * 4);
    return o.n;
}

/* getxattr-style (value, size) and listxattr-style (list, size) calls: a
 * size of 0 asks for the needed size and writes nothing. */
int outputs_xattr(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    int buf, size;
    switch (c->nr) {
    case __NR_getxattr: case __NR_lgetxattr: case __NR_fgetxattr:
        buf = 2, size = 3;
        break;
    case __NR_listxattr: case __NR_llistxattr: case __NR_flistxattr:
        buf = 1, size = 2;
        break;
    case 465:                               /* listxattrat */
        buf = 3, size = 4;
        break;
    default:
        return 0;
    }
    if (a[size] != 0 && c->result > 0)
        put(&o, a[buf], c->result);
    return o.n;
}

int outputs_syslog(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    int type = (int)a[0];
    /* SYSLOG_ACTION_READ, _READ_ALL, _READ_CLEAR */
    if ((type == 2 || type == 3 || type == 4) && c->result > 0)
        put(&o, a[1], c->result);
    return o.n;
}

int outputs_name_to_handle_at(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    /* struct file_handle { u32 handle_bytes; int handle_type; u8 f_handle[]; }:
     * handle_bytes is written back even on EOVERFLOW. */
    if (c->result == 0) {
        uint32_t hb = read_u32(c->tid, a[2]);
        put(&o, a[2], 8 + (hb < 128 ? hb : 128));       /* MAX_HANDLE_SZ */
        put(&o, a[3], (a[4] & 0x001) ? 8 : 4);          /* AT_HANDLE_MNT_ID_UNIQUE */
    } else {
        put(&o, a[2], 8);
    }
    return o.n;
}

int outputs_get_mempolicy(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (failed(c->result))
        return 0;
    put(&o, a[0], 4);
    if (a[2] > 0)                           /* ALIGN(maxnode - 1, 64) / 8 bytes */
        put(&o, a[1], (a[2] - 1 + 63) / 64 * 8);
    return o.n;
}

/* The parent's side of clone: *parent_tid (CLONE_PARENT_SETTID) or the
 * pidfd (CLONE_PIDFD, stored through the same argument). */
int outputs_clone(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    if (c->result > 0 && (a[0] & (0x00100000 | 0x00001000)))  /* CLONE_PARENT_SETTID | CLONE_PIDFD */
        put(&o, a[2], 4);
    return o.n;
}

int outputs_clone3(const struct sys_call *c, struct mem_region *out, int max)
{
    BEGIN;
    /* struct clone_args { u64 flags, pidfd, child_tid, parent_tid, ... } */
    uint64_t ca[4];
    if (c->result <= 0 || a[1] < sizeof ca ||
        tracee_read(c->tid, a[0], ca, sizeof ca) != sizeof ca)
        return 0;
    if (ca[0] & 0x00001000)                 /* CLONE_PIDFD */
        put(&o, ca[1], 4);
    if (ca[0] & 0x00100000)                 /* CLONE_PARENT_SETTID */
        put(&o, ca[3], 4);
    return o.n;
}
