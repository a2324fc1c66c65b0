#include "syscalls/written_data.h"

#include <sodium.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "arch/tracee_mem.h"

#define MAX_IOV 1024 /* the kernel's UIO_MAXIOV */

bool written_data_each(pid_t tid, const regs_t *entry, uint64_t result,
                       bool (*fn)(const void *buf, size_t len, void *ctx), void *ctx)
{
    static struct iovec iov[MAX_IOV];
    long nr = entry->orig_rax;
    int n = 1;
    if (nr == SYS_writev || nr == SYS_pwritev || nr == SYS_pwritev2) {
        if (entry->rdx > MAX_IOV)
            return false;
        n = (int)entry->rdx;
        if (tracee_read(tid, entry->rsi, iov, n * sizeof *iov) != (ssize_t)(n * sizeof *iov))
            return false;
    } else {
        iov[0] = (struct iovec){(void *)(uintptr_t)entry->rsi, result};
    }
    static char buf[65536];
    uint64_t left = result;
    for (int i = 0; i < n && left; i++) {
        uint64_t addr = (uintptr_t)iov[i].iov_base;
        uint64_t len = iov[i].iov_len < left ? iov[i].iov_len : left;
        left -= len;
        while (len) {
            size_t chunk = len < sizeof buf ? len : sizeof buf;
            if (tracee_read(tid, addr, buf, chunk) != (ssize_t)chunk || !fn(buf, chunk, ctx))
                return false;
            addr += chunk;
            len -= chunk;
        }
    }
    return !left;
}

static bool hash_chunk(const void *buf, size_t len, void *ctx)
{
    crypto_generichash_update(ctx, buf, len);
    return true;
}

uint64_t written_data_hash_len(uint64_t result, bool echoed)
{
    return echoed || result < WRITTEN_HASH_MAX ? result : WRITTEN_HASH_MAX;
}

bool written_data_hash(pid_t tid, const regs_t *entry, uint64_t len,
                       uint8_t out[WRITTEN_HASH_LEN])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, WRITTEN_HASH_LEN);
    if (!written_data_each(tid, entry, len, hash_chunk, &st))
        return false;
    crypto_generichash_final(&st, out, WRITTEN_HASH_LEN);
    return true;
}
