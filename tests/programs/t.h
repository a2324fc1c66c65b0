/* Shared helpers for the test programs in this folder (not a test itself). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A failed check prints where and why on stderr and exits 99, so the
 * harness sees an exit status other than the expected one. */
#define CHECK(c)                                                          \
    do {                                                                  \
        if (!(c)) {                                                       \
            fprintf(stderr, "CHECK failed at %s:%d: %s (errno %d: %s)\n", \
                    __FILE__, __LINE__, #c, errno, strerror(errno));      \
            exit(99);                                                     \
        }                                                                 \
    } while (0)

/* Where the test may create files: $TMPDIR (set by the harness) or /tmp. */
static inline const char *tmpdir(void)
{
    const char *d = getenv("TMPDIR");
    return d && *d ? d : "/tmp";
}

/* Fills buf with "<tmpdir>/rewind-<what>-XXXXXX", for mkstemp/mkdtemp. */
static inline char *tmp_template(char *buf, size_t n, const char *what)
{
    snprintf(buf, n, "%s/rewind-%s-XXXXXX", tmpdir(), what);
    return buf;
}

static inline void print_hex(const char *label, const unsigned char *p, size_t n)
{
    printf("%s", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

/* FNV-1a, to print a short fingerprint of a large buffer. */
static inline unsigned long long fnv1a(const void *p, size_t n)
{
    const unsigned char *b = p;
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}
