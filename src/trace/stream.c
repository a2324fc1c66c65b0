/* Block-compressed append-only record streams (format: docs/trace-format.md).
 *
 * File:   "RWSTREAM" u32 version u32 reserved            (16 bytes)
 * Block:  "RWBK" u32 raw_len u32 compressed_len u32 record_count  (16 bytes)
 *         then one zstd frame (content checksum on) of compressed_len bytes
 *         that decompresses to raw_len bytes = record_count x (u32 len, bytes)
 * All integers little-endian.
 *
 * The writer assembles each block completely in memory and hands it to the
 * kernel in one write, so a recorder killed at any instant leaves at most one
 * partial block at the end of the file.  The reader checks every field
 * before trusting it and reads with pread, so a damaged or shortened file
 * gives a status and a one-line message, never a crash. */
#include "trace/stream.h"

#include "common/die.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define STREAM_VERSION 1
#define FILE_MAGIC "RWSTREAM"
#define FILE_MAGIC_LEN 8
#define FILE_HEADER_LEN 16
#define BLOCK_MAGIC "RWBK"
#define BLOCK_HEADER_LEN 16
#define BLOCK_SIZE (1u << 20)        /* raw bytes buffered before a flush */
#define MAX_RAW_LEN (1u << 30)       /* largest raw block a reader accepts */
#define RECORD_HEADER_LEN 4
#define MAX_RECORD_LEN (MAX_RAW_LEN - RECORD_HEADER_LEN)

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
    p[2] = (v >> 16) & 0xff;
    p[3] = (v >> 24) & 0xff;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* ---------------------------------------------------------------- writer */

/* Blocks are compressed and written by a worker thread, so compression
 * overlaps with the recorded program running (the recorder's main thread
 * would otherwise keep the program stopped while it compresses).  Two
 * buffers: one fills while the worker compresses the other. */
struct stream_writer {
    int fd;
    char *path;
    ZSTD_CCtx *cctx;
    unsigned char *raw;      /* buffered records */
    size_t raw_len, raw_cap;
    uint32_t records;        /* records in raw */
    unsigned char *spare;    /* the other buffer, NULL while the worker has it */
    size_t spare_cap;
    unsigned char *out;      /* block header + compressed frame (worker's) */
    size_t out_cap;
    uint64_t written;

    pthread_t worker;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool job_pending, quit;
    unsigned char *job_raw;
    size_t job_len, job_cap;
    uint32_t job_records;
    char error[512];         /* the worker's failure, reported by the caller */
};

static void worker_fail(struct stream_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void worker_fail(struct stream_writer *w, const char *fmt, ...)
{
    if (w->error[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->error, sizeof w->error, fmt, ap);
    va_end(ap);
}

static void write_all(struct stream_writer *w, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = write(w->fd, p, n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            worker_fail(w, "writing %s: %s", w->path, strerror(errno));
            return;
        }
        if (r == 0) {
            worker_fail(w, "writing %s: the file system accepted no data", w->path);
            return;
        }
        p += r;
        n -= (size_t)r;
        w->written += (uint64_t)r;
    }
}

static void compress_block(struct stream_writer *w, const unsigned char *raw, size_t raw_len,
                           uint32_t records)
{
    size_t bound = ZSTD_compressBound(raw_len);
    if (BLOCK_HEADER_LEN + bound > w->out_cap) {
        w->out_cap = BLOCK_HEADER_LEN + bound;
        free(w->out);
        w->out = malloc(w->out_cap);
        if (!w->out) {
            w->out_cap = 0;
            worker_fail(w, "out of memory compressing %s", w->path);
            return;
        }
    }
    size_t clen = ZSTD_compress2(w->cctx, w->out + BLOCK_HEADER_LEN, bound, raw, raw_len);
    if (ZSTD_isError(clen)) {
        worker_fail(w, "compressing a block of %s: %s", w->path, ZSTD_getErrorName(clen));
        return;
    }
    memcpy(w->out, BLOCK_MAGIC, 4);
    put_u32(w->out + 4, (uint32_t)raw_len);
    put_u32(w->out + 8, (uint32_t)clen);
    put_u32(w->out + 12, records);
    write_all(w, w->out, BLOCK_HEADER_LEN + clen);
    /* Give back the memory an oversized record made us take. */
    if (w->out_cap > 2 * (BLOCK_HEADER_LEN + ZSTD_compressBound(BLOCK_SIZE))) {
        free(w->out);
        w->out = NULL;
        w->out_cap = 0;
    }
}

static void *worker_main(void *arg)
{
    struct stream_writer *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->job_pending && !w->quit)
            pthread_cond_wait(&w->changed, &w->lock);
        if (!w->job_pending)
            break;
        pthread_mutex_unlock(&w->lock);
        if (!w->error[0])
            compress_block(w, w->job_raw, w->job_len, w->job_records);
        pthread_mutex_lock(&w->lock);
        w->spare = w->job_raw;
        w->spare_cap = w->job_cap;
        w->job_pending = false;
        pthread_cond_broadcast(&w->changed);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Waits until the worker has written every block handed to it. */
static void wait_idle(struct stream_writer *w)
{
    pthread_mutex_lock(&w->lock);
    while (w->job_pending)
        pthread_cond_wait(&w->changed, &w->lock);
    pthread_mutex_unlock(&w->lock);
    if (w->error[0])
        die("%s", w->error);
}

struct stream_writer *stream_writer_create(const char *path, int level)
{
    if (level < 1 || level > 19)
        die("zstd compression level %d is out of range (1..19)", level);

    struct stream_writer *w = xcalloc(1, sizeof(*w));
    w->path = xstrdup(path);
    w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->fd < 0)
        die_errno("cannot create %s", path);

    w->cctx = ZSTD_createCCtx();
    if (!w->cctx)
        die("cannot create a zstd compression context");
    size_t rc = ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level);
    if (!ZSTD_isError(rc))
        rc = ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
    if (!ZSTD_isError(rc))
        rc = ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1);
    if (ZSTD_isError(rc))
        die("configuring zstd for %s: %s", path, ZSTD_getErrorName(rc));

    w->raw_cap = BLOCK_SIZE;
    w->raw = xmalloc(w->raw_cap);
    w->spare_cap = BLOCK_SIZE;
    w->spare = xmalloc(w->spare_cap);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);

    unsigned char hdr[FILE_HEADER_LEN];
    memcpy(hdr, FILE_MAGIC, FILE_MAGIC_LEN);
    put_u32(hdr + 8, STREAM_VERSION);
    put_u32(hdr + 12, 0);
    write_all(w, hdr, sizeof(hdr));
    if (w->error[0])
        die("%s", w->error);
    /* The worker must not take the recorder's signals (SIGTERM, ...). */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int err = pthread_create(&w->worker, NULL, worker_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err)
        die("cannot start the trace compression thread: %s", strerror(err));
    return w;
}

void stream_append(struct stream_writer *w, const struct iovec *parts, int nparts)
{
    size_t len = 0;
    for (int i = 0; i < nparts; i++) {
        if (parts[i].iov_len > MAX_RECORD_LEN - len)
            die("%s: a record larger than %u bytes cannot be stored", w->path,
                MAX_RECORD_LEN);
        len += parts[i].iov_len;
    }
    size_t need = RECORD_HEADER_LEN + len;

    /* Keep blocks near BLOCK_SIZE: start a new one rather than overflow. */
    if (w->raw_len > 0 && w->raw_len + need > BLOCK_SIZE)
        stream_flush(w);
    if (w->raw_len + need > w->raw_cap) {
        w->raw_cap = w->raw_len + need;
        w->raw = xrealloc(w->raw, w->raw_cap);
    }

    unsigned char *p = w->raw + w->raw_len;
    put_u32(p, (uint32_t)len);
    p += RECORD_HEADER_LEN;
    for (int i = 0; i < nparts; i++) {
        if (parts[i].iov_len)
            memcpy(p, parts[i].iov_base, parts[i].iov_len);
        p += parts[i].iov_len;
    }
    w->raw_len += need;
    w->records++;

    /* A full buffer (or one oversized record) becomes a block at once. */
    if (w->raw_len >= BLOCK_SIZE)
        stream_flush(w);
}

void stream_flush(struct stream_writer *w)
{
    if (w->records == 0)
        return;
    wait_idle(w);
    pthread_mutex_lock(&w->lock);
    w->job_raw = w->raw;
    w->job_cap = w->raw_cap;
    w->job_len = w->raw_len;
    w->job_records = w->records;
    w->job_pending = true;
    w->raw = w->spare;
    w->raw_cap = w->spare_cap;
    w->spare = NULL;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    w->raw_len = 0;
    w->records = 0;
    /* Give back the memory an oversized record made us take. */
    if (w->raw_cap > 2 * BLOCK_SIZE) {
        w->raw_cap = BLOCK_SIZE;
        w->raw = xrealloc(w->raw, w->raw_cap);
    }
}

void stream_writer_close(struct stream_writer *w)
{
    stream_flush(w);
    wait_idle(w);
    pthread_mutex_lock(&w->lock);
    w->quit = true;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->worker, NULL);
    /* EINVAL/EROFS: files that cannot be synced (pipes, special files). */
    if (fsync(w->fd) < 0 && errno != EINVAL && errno != EROFS)
        die_errno("syncing %s", w->path);
    if (close(w->fd) < 0)
        die_errno("closing %s", w->path);
    ZSTD_freeCCtx(w->cctx);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->changed);
    free(w->raw);
    free(w->spare);
    free(w->out);
    free(w->path);
    free(w);
}

void stream_write_block(struct stream_writer *w, const void *bytes, size_t len)
{
    stream_flush(w);
    wait_idle(w);
    write_all(w, bytes, len);
    if (w->error[0])
        die("%s", w->error);
}

uint64_t stream_bytes_written(const struct stream_writer *w)
{
    wait_idle((struct stream_writer *)w);
    return w->written;
}

/* ---------------------------------------------------------------- reader */

struct stream_reader {
    int fd;
    char *name;              /* file name used in messages ("events") */
    uint64_t size;           /* file size at open */
    uint64_t pos;            /* offset of the next block header */
    uint64_t block;          /* index of the next block (from 0) */
    ZSTD_DCtx *dctx;
    unsigned char *comp;     /* compressed frame of the current block */
    size_t comp_cap;
    unsigned char *raw;      /* decompressed current block */
    size_t raw_cap;
    size_t raw_len, raw_pos; /* records left: raw[raw_pos..raw_len) */
    uint32_t left;           /* records left in the current block */
    enum stream_status sticky; /* END/TRUNCATED/CORRUPT once reached */
    unsigned char *block_bytes; /* stream_next_block(): the block as in the file */
    size_t block_cap;
    bool done;
    char err[256];
};

static enum stream_status fail(struct stream_reader *r, enum stream_status st,
                               const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum stream_status fail(struct stream_reader *r, enum stream_status st,
                               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof(r->err), fmt, ap);
    va_end(ap);
    r->sticky = st;
    r->done = true;
    return st;
}

/* Reads exactly n bytes at off; returns false on a short read (the file
 * shrank since open) or an I/O error (message in r->err). */
static bool read_at(struct stream_reader *r, void *buf, size_t n, uint64_t off)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = pread(r->fd, p, n, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            snprintf(r->err, sizeof(r->err), "%s: read error in block %llu: %s",
                     r->name, (unsigned long long)r->block, strerror(errno));
            return false;
        }
        if (got == 0) {
            snprintf(r->err, sizeof(r->err),
                     "%s: file ends inside block %llu (the recording was cut off)",
                     r->name, (unsigned long long)r->block);
            return false;
        }
        p += got;
        n -= (size_t)got;
        off += (uint64_t)got;
    }
    return true;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

static struct stream_reader *open_fail(struct stream_reader *r, char *err,
                                       size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static struct stream_reader *open_fail(struct stream_reader *r, char *err,
                                       size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    stream_reader_close(r);
    return NULL;
}

struct stream_reader *stream_reader_open(const char *path, char *err, size_t errlen)
{
    struct stream_reader *r = xcalloc(1, sizeof(*r));
    r->fd = -1;
    r->name = xstrdup(base_name(path));
    r->sticky = STREAM_END;

    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0)
        return open_fail(r, err, errlen, "%s: cannot open %s: %s", r->name,
                         path, strerror(errno));
    struct stat st;
    if (fstat(r->fd, &st) < 0)
        return open_fail(r, err, errlen, "%s: cannot stat %s: %s", r->name,
                         path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return open_fail(r, err, errlen, "%s: %s is not a regular file",
                         r->name, path);
    r->size = (uint64_t)st.st_size;

    unsigned char hdr[FILE_HEADER_LEN];
    size_t have = r->size < sizeof(hdr) ? (size_t)r->size : sizeof(hdr);
    if (!read_at(r, hdr, have, 0))
        return open_fail(r, err, errlen, "%s: cannot read the stream header",
                         r->name);

    /* The magic, as far as the file goes: a file cut off inside its header
     * (even an empty one) is a truncated stream, not someone else's file. */
    size_t mlen = have < FILE_MAGIC_LEN ? have : FILE_MAGIC_LEN;
    if (memcmp(hdr, FILE_MAGIC, mlen) != 0)
        return open_fail(r, err, errlen,
                         "%s: not a rewind trace stream (bad magic)", r->name);
    if (have < sizeof(hdr)) {
        fail(r, STREAM_TRUNCATED,
             "%s: file ends inside the stream header after %zu bytes "
             "(the recording was cut off)", r->name, have);
        return r;
    }
    uint32_t version = get_u32(hdr + 8);
    if (version > STREAM_VERSION)
        return open_fail(r, err, errlen,
                         "%s: trace stream format version %u is newer than "
                         "this rewind supports (%u)", r->name, version,
                         STREAM_VERSION);
    if (version == 0)
        return open_fail(r, err, errlen,
                         "%s: damaged stream header (format version 0)", r->name);
    if (get_u32(hdr + 12) != 0)
        return open_fail(r, err, errlen,
                         "%s: damaged stream header (reserved field is not 0)",
                         r->name);

    r->dctx = ZSTD_createDCtx();
    if (!r->dctx)
        return open_fail(r, err, errlen, "cannot create a zstd decompression context");
    r->pos = FILE_HEADER_LEN;
    return r;
}

static bool grow(unsigned char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    unsigned char *p = realloc(*buf, need ? need : 1);
    if (!p)
        return false;
    *buf = p;
    *cap = need;
    return true;
}

/* Checks that raw[0..raw_len) is exactly `count` well-formed records. */
static bool records_tile(const unsigned char *raw, size_t raw_len, uint32_t count)
{
    size_t off = 0;
    uint32_t n = 0;
    while (off < raw_len) {
        if (raw_len - off < RECORD_HEADER_LEN)
            return false;
        uint32_t len = get_u32(raw + off);
        off += RECORD_HEADER_LEN;
        if (len > raw_len - off)
            return false;
        off += len;
        n++;
    }
    return n == count;
}

/* Reads, checks and decompresses the block at r->pos. */
static enum stream_status load_block(struct stream_reader *r)
{
    unsigned long long b = r->block;
    if (r->pos == r->size)
        return fail(r, STREAM_END, "%s: end of stream", r->name);
    if (r->size - r->pos < BLOCK_HEADER_LEN)
        return fail(r, STREAM_TRUNCATED,
                    "%s: file ends inside block %llu (the recording was cut off)",
                    r->name, b);

    unsigned char hdr[BLOCK_HEADER_LEN];
    if (!read_at(r, hdr, sizeof(hdr), r->pos))
        return fail(r, STREAM_TRUNCATED, "%s", r->err);
    if (memcmp(hdr, BLOCK_MAGIC, 4) != 0)
        return fail(r, STREAM_CORRUPT,
                    "%s: block %llu is damaged (bad block magic at offset %llu)",
                    r->name, b, (unsigned long long)r->pos);
    uint32_t raw_len = get_u32(hdr + 4);
    uint32_t clen = get_u32(hdr + 8);
    uint32_t count = get_u32(hdr + 12);
    if (raw_len > MAX_RAW_LEN)
        return fail(r, STREAM_CORRUPT,
                    "%s: block %llu is damaged (claims %u bytes of records; "
                    "the limit is %u)", r->name, b, raw_len, MAX_RAW_LEN);
    if (clen > r->size - r->pos - BLOCK_HEADER_LEN)
        return fail(r, STREAM_TRUNCATED,
                    "%s: file ends inside block %llu (the recording was cut off)",
                    r->name, b);
    if ((uint64_t)count * RECORD_HEADER_LEN > raw_len)
        return fail(r, STREAM_CORRUPT,
                    "%s: block %llu is damaged (%u records cannot fit in %u bytes)",
                    r->name, b, count, raw_len);

    if (!grow(&r->comp, &r->comp_cap, clen) || !grow(&r->raw, &r->raw_cap, raw_len))
        return fail(r, STREAM_CORRUPT, "%s: block %llu: out of memory for %u bytes",
                    r->name, b, raw_len);
    if (!read_at(r, r->comp, clen, r->pos + BLOCK_HEADER_LEN))
        return fail(r, STREAM_TRUNCATED, "%s", r->err);

    /* One zstd frame, exactly clen bytes, declaring raw_len bytes of content
     * and carrying a checksum (frame header descriptor bit 2, RFC 8878). */
    size_t fsize = ZSTD_findFrameCompressedSize(r->comp, clen);
    if (ZSTD_isError(fsize))
        return fail(r, STREAM_CORRUPT, "%s: block %llu is damaged (zstd: %s)",
                    r->name, b, ZSTD_getErrorName(fsize));
    if (fsize != clen)
        return fail(r, STREAM_CORRUPT,
                    "%s: block %llu is damaged (zstd frame is %zu bytes, block "
                    "says %u)", r->name, b, fsize, clen);
    if (ZSTD_getFrameContentSize(r->comp, clen) != raw_len)
        return fail(r, STREAM_CORRUPT,
                    "%s: block %llu is damaged (zstd frame size does not match "
                    "the block header)", r->name, b);
    static const unsigned char zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
    if (clen < 5 || memcmp(r->comp, zstd_magic, 4) != 0 || !(r->comp[4] & 0x04))
        return fail(r, STREAM_CORRUPT,
                    "%s: block %llu is damaged (not a checksummed zstd frame)",
                    r->name, b);

    size_t got = ZSTD_decompressDCtx(r->dctx, r->raw, raw_len, r->comp, clen);
    if (ZSTD_isError(got))
        return fail(r, STREAM_CORRUPT, "%s: block %llu is damaged (zstd: %s)",
                    r->name, b, ZSTD_getErrorName(got));
    if (got != raw_len)
        return fail(r, STREAM_CORRUPT,
                    "%s: block %llu is damaged (%zu bytes decompressed, %u expected)",
                    r->name, b, got, raw_len);
    if (!records_tile(r->raw, raw_len, count))
        return fail(r, STREAM_CORRUPT,
                    "%s: block %llu is damaged (record lengths do not match the "
                    "%u records its header announces)", r->name, b, count);

    r->raw_len = raw_len;
    r->raw_pos = 0;
    r->left = count;
    r->pos += BLOCK_HEADER_LEN + (uint64_t)clen;
    r->block++;
    return STREAM_RECORD;
}

enum stream_status stream_next(struct stream_reader *r, const void **rec, size_t *len)
{
    *rec = NULL;
    *len = 0;
    while (r->left == 0) {
        if (r->done)
            return r->sticky;
        enum stream_status st = load_block(r);
        if (st != STREAM_RECORD)
            return st;
    }
    /* records_tile() has already checked every length in this block. */
    uint32_t n = get_u32(r->raw + r->raw_pos);
    *rec = r->raw + r->raw_pos + RECORD_HEADER_LEN;
    *len = n;
    r->raw_pos += RECORD_HEADER_LEN + (size_t)n;
    r->left--;
    return STREAM_RECORD;
}

enum stream_status stream_next_block(struct stream_reader *r, const void **bytes, size_t *len)
{
    *bytes = NULL;
    *len = 0;
    if (r->done)
        return r->sticky;
    uint64_t start = r->pos;
    r->left = 0; /* whatever the caller left of the previous block */
    enum stream_status st = load_block(r);
    if (st == STREAM_CORRUPT || st == STREAM_END)
        return st;
    if (r->size - start > SIZE_MAX ||
        !grow(&r->block_bytes, &r->block_cap, (size_t)(r->pos > start ? r->pos : r->size) - start))
        return fail(r, STREAM_CORRUPT, "%s: out of memory", r->name);
    if (st == STREAM_TRUNCATED) {
        /* Everything after the last complete block, as it is. */
        size_t n = (size_t)(r->size - start);
        if (!read_at(r, r->block_bytes, n, start)) { /* r->err says why */
            r->sticky = STREAM_CORRUPT;
            return STREAM_CORRUPT;
        }
        *bytes = r->block_bytes;
        *len = n;
        return st;
    }
    /* load_block() checked these bytes; they are what it decompressed. */
    size_t clen = (size_t)(r->pos - start) - BLOCK_HEADER_LEN;
    memcpy(r->block_bytes, BLOCK_MAGIC, 4);
    put_u32(r->block_bytes + 4, (uint32_t)r->raw_len);
    put_u32(r->block_bytes + 8, (uint32_t)clen);
    put_u32(r->block_bytes + 12, r->left);
    memcpy(r->block_bytes + BLOCK_HEADER_LEN, r->comp, clen);
    *bytes = r->block_bytes;
    *len = BLOCK_HEADER_LEN + clen;
    return STREAM_RECORD;
}

uint32_t stream_block_left(const struct stream_reader *r)
{
    return r->left;
}

const char *stream_error(const struct stream_reader *r)
{
    return r->err;
}

void stream_reader_close(struct stream_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    ZSTD_freeDCtx(r->dctx);
    free(r->block_bytes);
    free(r->comp);
    free(r->raw);
    free(r->name);
    free(r);
}
