/* The words of an anchor's fingerprint (trace/event.h, struct ev_word):
 * 8-byte words of memory, or of the floating-point registers, and the
 * hash of the stack. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "trace/event.h"

/* The word at addr in stopped thread tid: false if it cannot be read.
 * EV_WORD_FP addresses are of FP_WORDS (arch/regs.h). */
bool position_word_read(pid_t tid, uint64_t addr, uint64_t *v);
/* The hash an EV_WORD_STACK word holds: of the len bytes from rsp up. */
bool position_stack_hash(pid_t tid, uint64_t rsp, uint32_t len, uint64_t *h);
/* Whether the n words hold their values in tid now (the stack word's
 * from tid's rsp now). */
bool position_words_match(pid_t tid, const struct ev_word *words, uint32_t n);
