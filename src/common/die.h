/* One error path: "rewind: <what failed>: <why>" on stderr, exit non-zero. */
#pragma once
#include <stdnoreturn.h>

noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like die(), with ": strerror(errno)" appended. */
noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Verbose diagnostics, printed only when REWIND_DEBUG is set. */
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int debug_enabled;

/* Called by die() before exiting (e.g. to kill tracees); may be NULL. */
extern void (*die_hook)(void);

void *xmalloc(unsigned long n);
void *xcalloc(unsigned long n, unsigned long size);
void *xrealloc(void *p, unsigned long n);
char *xstrdup(const char *s);
