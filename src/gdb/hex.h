/* Strict hex parsing for the remote protocol: every number must have at
 * least one digit and fit its type, or the parse fails. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* 0..15, or -1 when c is not a hex digit. */
int hex_digit(int c);
/* Parses hex digits at s into *out; returns the first character after
 * them, or NULL when there is no digit or the value exceeds 64 bits. */
const char *hex_u64(const char *s, uint64_t *out);
/* Like hex_u64, but the whole string s must be the number. */
bool hex_u64_all(const char *s, uint64_t *out);
/* Decodes exactly slen hex characters (two per byte) into out[0..cap);
 * returns the byte count, or -1 on an odd length, a non-hex character or
 * too little room. */
ssize_t hex_decode(void *out, size_t cap, const char *s, size_t slen);
