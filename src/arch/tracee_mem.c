#include "arch/tracee_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

ssize_t tracee_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        struct iovec local = {(char *)buf + done, len - done};
        struct iovec remote = {(void *)(uintptr_t)(addr + done), len - done};
        ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
        if (n <= 0)
            break;
        done += n;
    }
    if (done == len)
        return done;
    /* process_vm_readv stops at the first unreadable page; /proc/TID/mem
     * can read pages it refuses (e.g. PROT_NONE guard pages are still
     * refused, but vsyscall and forced reads succeed). */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return done ? (ssize_t)done : -1;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, addr + done);
        if (n <= 0)
            break;
        done += n;
    }
    int err = errno;
    close(fd);
    errno = err;
    return done ? (ssize_t)done : -1;
}

ssize_t tracee_write(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", tid);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(fd, (const char *)buf + done, len - done, addr + done);
        if (n <= 0)
            break;
        done += n;
    }
    int err = errno;
    close(fd);
    errno = err;
    return done == len ? (ssize_t)done : -1;
}

ssize_t tracee_read_str(pid_t tid, uint64_t addr, char *buf, size_t max)
{
    size_t got = 0;
    while (got + 1 < max) {
        /* Read up to the end of the current page so a string that ends
         * just before an unmapped page is still read. */
        size_t page_left = 4096 - ((addr + got) & 4095);
        size_t want = max - 1 - got;
        if (want > page_left)
            want = page_left;
        ssize_t n = tracee_read(tid, addr + got, buf + got, want);
        if (n <= 0)
            return -1;
        char *nul = memchr(buf + got, 0, n);
        if (nul)
            return nul - buf;
        got += n;
    }
    buf[got] = 0;
    return got;
}

bool tracee_syscall_insn_at(pid_t tid, uint64_t addr)
{
    uint8_t insn[2];
    return tracee_read(tid, addr, insn, 2) == 2 && insn[0] == 0x0f && insn[1] == 0x05;
}
