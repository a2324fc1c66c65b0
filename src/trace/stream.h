/* Append-only record streams, compressed with zstd in independently
 * decodable blocks (format: docs/trace-format.md).
 *
 * A writer buffers whole records and compresses them into one block at a
 * time; a record never spans two blocks.  A reader returns the records in
 * order and validates every length; a stream cut off in the middle of a
 * block (recorder killed) reads cleanly up to its last complete block and
 * then reports truncation. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct stream_writer;
struct stream_reader;

/* Creates (O_EXCL) the stream file at path; dies on failure.
 * level: zstd compression level (1..19). */
struct stream_writer *stream_writer_create(const char *path, int level);
/* Appends one record made of the concatenation of the iovecs. */
void stream_append(struct stream_writer *w, const struct iovec *parts, int nparts);
/* Compresses and writes the buffered records as one block (no-op when
 * empty).  Called automatically when the buffer reaches the block size. */
void stream_flush(struct stream_writer *w);
/* Flushes, fsyncs and closes. */
void stream_writer_close(struct stream_writer *w);
/* Total bytes written to the file so far. */
uint64_t stream_bytes_written(const struct stream_writer *w);
/* Writes bytes as they are, after whatever is buffered: a block exactly as
 * stream_next_block() read it from another stream (rewriting a stream
 * keeps the blocks it does not change byte for byte). */
void stream_write_block(struct stream_writer *w, const void *bytes, size_t len);

enum stream_status {
    STREAM_RECORD = 1,    /* *rec and *len hold the next record */
    STREAM_END = 0,       /* clean end of stream */
    STREAM_TRUNCATED = -1,/* the file ends inside a block (writer was killed) */
    STREAM_CORRUPT = -2,  /* a block fails validation; see stream_error() */
};

/* Opens a stream for reading; returns NULL and fills err on failure
 * (missing file, bad magic, newer format version). */
struct stream_reader *stream_reader_open(const char *path, char *err, size_t errlen);
/* Next record.  The returned pointer stays valid until the next call. */
enum stream_status stream_next(struct stream_reader *r, const void **rec, size_t *len);
/* Block by block, for rewriting a stream: loads the next block, whose
 * records stream_next() then returns while stream_block_left() > 0, and
 * gives the block as it is in the file (header and frame; valid until the
 * next call).  At a cut-off end: STREAM_TRUNCATED with *bytes holding
 * everything after the last complete block. */
enum stream_status stream_next_block(struct stream_reader *r, const void **bytes, size_t *len);
uint32_t stream_block_left(const struct stream_reader *r);
/* A one-line description of the last TRUNCATED/CORRUPT status. */
const char *stream_error(const struct stream_reader *r);
void stream_reader_close(struct stream_reader *r);
