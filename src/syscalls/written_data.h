/* The bytes a write-like syscall (write, pwrite64, writev, pwritev,
 * pwritev2: the SF_WRITE_OUT rows) took from the program's memory.  The
 * replayer echoes them to its own stdout/stderr, and both sides hash them:
 * replay compares what its program wrote with what the recorded one did,
 * so a replay that went another way says so at its first differing
 * write instead of printing something else. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/regs.h"

#define WRITTEN_HASH_LEN 16
/* The bytes hashed of a write replay does not echo: hashing all of a
 * copy to a file cost as much as the copy (2 GB through dd: 1.4 s to
 * record before, 5.5 s with every byte hashed). */
#define WRITTEN_HASH_MAX 65536

/* Calls fn on the written bytes, in order, a chunk at a time: the first
 * `result` bytes of the buffer (or of the iovecs) the syscall entered with
 * entry's registers.  False when memory could not be read or fn said
 * stop. */
bool written_data_each(pid_t tid, const regs_t *entry, uint64_t result,
                       bool (*fn)(const void *buf, size_t len, void *ctx), void *ctx);

/* BLAKE2b of the first `len` of those bytes (written_data_hash_len);
 * false when they could not all be read. */
bool written_data_hash(pid_t tid, const regs_t *entry, uint64_t len,
                       uint8_t out[WRITTEN_HASH_LEN]);
/* How many bytes of a write that wrote `result` bytes are hashed: all of
 * those echoed to stdout/stderr, the first WRITTEN_HASH_MAX of others. */
uint64_t written_data_hash_len(uint64_t result, bool echoed);
