#include "gdb/hostio.h"
#include "gdb/gdb_server.h"

#include "common/die.h"
#include "gdb/hex.h"
#include "gdb/packet.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* gdb's File-I/O errno values. */
static int fileio_errno(int err)
{
    switch (err) {
    case EPERM: return 1;
    case ENOENT: return 2;
    case EINTR: return 4;
    case EBADF: return 9;
    case EACCES: return 13;
    case EFAULT: return 14;
    case EBUSY: return 16;
    case EEXIST: return 17;
    case ENODEV: return 19;
    case ENOTDIR: return 20;
    case EISDIR: return 21;
    case EINVAL: return 22;
    case ENFILE: return 23;
    case EMFILE: return 24;
    case EFBIG: return 27;
    case ENOSPC: return 28;
    case ESPIPE: return 29;
    case EROFS: return 30;
    case ENAMETOOLONG: return 91;
    }
    return 9999; /* EUNKNOWN */
}

static void reply_error(struct strbuf *r, int err)
{
    sb_addf(r, "F-1,%x", fileio_errno(err));
}

void hostio_init(struct gdb_hostio *h)
{
    for (int i = 0; i < HOSTIO_MAX_FILES; i++)
        h->fds[i] = -1;
}

void hostio_close_all(struct gdb_hostio *h)
{
    for (int i = 0; i < HOSTIO_MAX_FILES; i++) {
        if (h->fds[i] >= 0)
            close(h->fds[i]);
        h->fds[i] = -1;
    }
}

/* A hex-encoded path (up to end or a ','); false if malformed. */
static bool parse_path(const char **s, char *path)
{
    const char *end = strchr(*s, ',');
    size_t n = end ? (size_t)(end - *s) : strlen(*s);
    ssize_t got = hex_decode(path, PATH_MAX - 1, *s, n);
    if (got <= 0 || memchr(path, '\0', (size_t)got))
        return false;
    path[got] = '\0';
    *s += n;
    return true;
}

/* Our file index at s; -1 if malformed or not open. */
static int parse_fd(const struct gdb_hostio *h, const char **s)
{
    uint64_t v;
    const char *end = hex_u64(*s, &v);
    if (!end)
        return -1;
    *s = end;
    return v < HOSTIO_MAX_FILES && h->fds[v] >= 0 ? (int)v : -1;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* struct stat in gdb's File-I/O form: big-endian, 64 bytes. */
static void fileio_stat(const struct stat *st, uint8_t out[64])
{
    uint32_t mode = st->st_mode & 0777;
    if (S_ISREG(st->st_mode))
        mode |= 0100000;
    else if (S_ISDIR(st->st_mode))
        mode |= 040000;
    else if (S_ISCHR(st->st_mode))
        mode |= 020000;
    put_be(out + 0, st->st_dev, 4);
    put_be(out + 4, st->st_ino, 4);
    put_be(out + 8, mode, 4);
    put_be(out + 12, st->st_nlink, 4);
    put_be(out + 16, st->st_uid, 4);
    put_be(out + 20, st->st_gid, 4);
    put_be(out + 24, st->st_rdev, 4);
    put_be(out + 28, (uint64_t)st->st_size, 8);
    put_be(out + 36, (uint64_t)st->st_blksize, 8);
    put_be(out + 44, (uint64_t)st->st_blocks, 8);
    put_be(out + 52, (uint64_t)st->st_atime, 4);
    put_be(out + 56, (uint64_t)st->st_mtime, 4);
    put_be(out + 60, (uint64_t)st->st_ctime, 4);
}

/* Puts the file gdb means by path into path; false (reply sent) if none. */
static bool map_path(const struct gdb_target *tgt, char *path, struct strbuf *r)
{
    if (!tgt || !tgt->live_path)
        return true;
    char out[PATH_MAX];
    int rc = tgt->live_path(tgt->ctx, path, out, sizeof out);
    if (rc < 0) {
        reply_error(r, -rc);
        return false;
    }
    snprintf(path, PATH_MAX, "%s", out);
    return true;
}

static void do_open(struct gdb_hostio *h, const struct gdb_target *tgt, const char *s,
                    struct strbuf *r)
{
    char path[PATH_MAX];
    uint64_t flags, mode;
    if (!parse_path(&s, path) || *s++ != ',' || !(s = hex_u64(s, &flags)) || *s++ != ',' ||
        !hex_u64_all(s, &mode)) {
        reply_error(r, EINVAL);
        return;
    }
    if (flags != 0) { /* anything but FILEIO_O_RDONLY */
        reply_error(r, EACCES);
        return;
    }
    if (!map_path(tgt, path, r))
        return;
    int slot = 0;
    while (slot < HOSTIO_MAX_FILES && h->fds[slot] >= 0)
        slot++;
    if (slot == HOSTIO_MAX_FILES) {
        reply_error(r, EMFILE);
        return;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        reply_error(r, errno);
        return;
    }
    h->fds[slot] = fd;
    sb_addf(r, "F%x", slot);
}

static void do_pread(struct gdb_hostio *h, const char *s, struct strbuf *r)
{
    uint64_t count, offset;
    int slot = parse_fd(h, &s);
    if (slot < 0) {
        reply_error(r, EBADF);
        return;
    }
    if (*s++ != ',' || !(s = hex_u64(s, &count)) || *s++ != ',' ||
        !hex_u64_all(s, &offset) || offset > INT64_MAX) {
        reply_error(r, EINVAL);
        return;
    }
    /* Escaping at most doubles the data: half a packet always fits. */
    size_t max = (GDB_PACKET_SIZE - 64) / 2;
    if (count > max)
        count = max;
    char *buf = xmalloc(count);
    ssize_t n;
    do
        n = pread(h->fds[slot], buf, (size_t)count, (off_t)offset);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        reply_error(r, errno);
    else {
        sb_addf(r, "F%zx;", (size_t)n);
        pkt_add_binary(r, buf, (size_t)n, (size_t)-1);
    }
    free(buf);
}

static void do_readlink(const struct gdb_target *tgt, const char *s, struct strbuf *r)
{
    char path[PATH_MAX], target[PATH_MAX];
    if (!parse_path(&s, path) || *s) {
        reply_error(r, EINVAL);
        return;
    }
    if (!map_path(tgt, path, r))
        return;
    ssize_t n = readlink(path, target, sizeof(target));
    if (n < 0) {
        reply_error(r, errno);
        return;
    }
    sb_addf(r, "F%zx;", (size_t)n);
    pkt_add_binary(r, target, (size_t)n, (size_t)-1);
}

void hostio_packet(struct gdb_hostio *h, const struct gdb_target *tgt, const char *pkt, size_t len,
                   struct strbuf *r)
{
    (void)len; /* every operation we support is text */
    const char *s = pkt + strlen("vFile:");
    if (!strncmp(s, "open:", 5)) {
        do_open(h, tgt, s + 5, r);
    } else if (!strncmp(s, "pread:", 6)) {
        do_pread(h, s + 6, r);
    } else if (!strncmp(s, "close:", 6)) {
        s += 6;
        int slot = parse_fd(h, &s);
        if (slot < 0 || *s) {
            reply_error(r, EBADF);
            return;
        }
        close(h->fds[slot]);
        h->fds[slot] = -1;
        sb_adds(r, "F0");
    } else if (!strncmp(s, "fstat:", 6)) {
        s += 6;
        int slot = parse_fd(h, &s);
        struct stat st;
        if (slot < 0 || *s) {
            reply_error(r, EBADF);
            return;
        }
        if (fstat(h->fds[slot], &st) < 0) {
            reply_error(r, errno);
            return;
        }
        uint8_t out[64];
        fileio_stat(&st, out);
        sb_addf(r, "F%zx;", sizeof(out));
        pkt_add_binary(r, out, sizeof(out), (size_t)-1);
    } else if (!strncmp(s, "readlink:", 9)) {
        do_readlink(tgt, s + 9, r);
    } else if (!strncmp(s, "setfs:", 6)) {
        uint64_t pid;
        if (!hex_u64_all(s + 6, &pid))
            reply_error(r, EINVAL);
        else
            sb_adds(r, "F0"); /* every process sees our filesystem */
    }
    /* pwrite, unlink and the rest: the empty reply (unsupported) */
}
