/* The unit tests' CHECK: counts a passed check, or prints where and why it
 * failed and counts that. */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...) check_((cond), __FILE__, __LINE__, __VA_ARGS__)
static bool check_(bool ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return true;
    }
    failed++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return false;
}
