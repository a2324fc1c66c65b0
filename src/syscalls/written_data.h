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

/* Calls fn on the written bytes, in order, a chunk at a time: the first
 * `result` bytes of the buffer (or of the iovecs) the syscall entered with
 * entry's registers.  False when memory could not be read or fn said
 * stop. */
bool written_data_each(pid_t tid, const regs_t *entry, uint64_t result,
                       bool (*fn)(const void *buf, size_t len, void *ctx), void *ctx);

/* BLAKE2b of those bytes; false when they could not all be read. */
bool written_data_hash(pid_t tid, const regs_t *entry, uint64_t result,
                       uint8_t out[WRITTEN_HASH_LEN]);
