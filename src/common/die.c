#include "common/die.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int debug_enabled;
void (*die_hook)(void);

static void vreport(const char *fmt, va_list ap, int err)
{
    fputs("rewind: ", stderr);
    vfprintf(stderr, fmt, ap);
    if (err)
        fprintf(stderr, ": %s", strerror(err));
    fputc('\n', stderr);
}

static noreturn void finish(void)
{
    void (*hook)(void) = die_hook;
    die_hook = NULL; /* a failure inside the hook must not recurse */
    if (hook)
        hook();
    exit(1);
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap, 0);
    va_end(ap);
    finish();
}

void die_errno(const char *fmt, ...)
{
    int err = errno;
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap, err);
    va_end(ap);
    finish();
}

void warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap, 0);
    va_end(ap);
}

void debug(const char *fmt, ...)
{
    if (!debug_enabled)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("rewind[debug]: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void *xmalloc(unsigned long n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory allocating %lu bytes", n);
    return p;
}

void *xcalloc(unsigned long n, unsigned long size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory allocating %lu bytes", n * size);
    return p;
}

void *xrealloc(void *p, unsigned long n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory allocating %lu bytes", n);
    return p;
}

char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        die("out of memory");
    return p;
}
