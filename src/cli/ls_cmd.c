/* `rewind ls [-l] [-t] [-r] [DIR]`: the traces in the trace root (or DIR),
 * oldest first, the one latest-trace points to marked.  -l is rr's long
 * listing: NAME, WHEN (recording start), SIZE (bytes of its files, in rr's
 * units) and CMD (the recorded program's argv[0]). */
#include "cli/commands.h"
#include "common/die.h"
#include "trace/event.h"
#include "trace/stream.h"
#include "trace/tracedir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LATEST_NAME TRACE_LATEST_NAME

struct trace_entry {
    char *name;              /* as shown: the name, or a path outside the root */
    char *path;              /* resolved directory */
    struct timespec created; /* mtime of the version file */
    bool latest;
    bool by_rr;
};

static void usage(FILE *out)
{
    fputs("Usage: rewind ls [-l] [-t] [-r] [DIR]\n"
          "List the recorded traces in DIR, by default the trace directory\n"
          "($_RR_TRACE_DIR, else $XDG_DATA_HOME/rr, else ~/.local/share/rr), oldest\n"
          "first.  The trace latest-trace points to is marked (latest-trace).\n"
          "\n"
          "  -l, --long-listing  rr's long listing: NAME, WHEN (recording start),\n"
          "                      SIZE (bytes of its files), CMD (the program)\n"
          "  -t, --sort-by-age   oldest first (the default)\n"
          "  -r, --reverse       newest first\n"
          "  --help              show this help\n", out);
}

/* Whether dir holds a version file, and whether it is rr's (a bare number). */
static bool read_version(const char *dir, struct timespec *created, bool *by_rr)
{
    char *path = trace_path(dir, "version");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return false;
    }
    char buf[32];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0)
        n = 0;
    buf[n] = '\0';
    *created = st.st_mtim;
    *by_rr = n > 0 && strspn(buf, "0123456789\n") == (size_t)n;
    return true;
}

/* ---- size and command, for -l */

/* Bytes of the files in dir, as rr counts them (what they show: a link's
 * target counts). */
static uint64_t trace_bytes(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    uint64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *path = trace_path(dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
        free(path);
    }
    closedir(d);
    return total;
}

/* rr's sizes: bytes below 1000, else the unit (K, M, G, T; powers of 1024)
 * that brings the number under 1000, with one decimal below 10. */
static void rr_size(uint64_t bytes, char *out, size_t outlen)
{
    static const char units[] = " KMGTPE";
    double v = (double)bytes;
    int u = 0;
    while (v >= 1000.0 && units[u + 1]) {
        v /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(out, outlen, "%llu", (unsigned long long)bytes);
    else if (v >= 10)
        snprintf(out, outlen, "%d%c", (int)v, units[u]);
    else
        snprintf(out, outlen, "%.1f%c", v, units[u]);
}

/* argv[0] of the recorded program, from the trace's first event. */
static char *recorded_command(const char *dir)
{
    char *path = trace_path(dir, "events");
    char err[256];
    struct stream_reader *r = stream_reader_open(path, err, sizeof err);
    free(path);
    const void *rec;
    size_t len;
    struct event ev;
    char *cmd = NULL;
    if (r && stream_next(r, &rec, &len) == STREAM_RECORD &&
        event_decode(rec, len, &ev, err, sizeof err) == 0 && ev.type == EV_INIT) {
        const char *argv0 = event_string(ev.strings, ev.strings_len, 2);
        if (argv0 && ev.u.init.argc > 0)
            cmd = xstrdup(argv0);
    }
    stream_reader_close(r);
    return cmd ? cmd : xstrdup("(incomplete)");
}

/* ---- listing */

static int by_creation(const void *a, const void *b)
{
    const struct trace_entry *x = a, *y = b;
    if (x->created.tv_sec != y->created.tv_sec)
        return x->created.tv_sec < y->created.tv_sec ? -1 : 1;
    if (x->created.tv_nsec != y->created.tv_nsec)
        return x->created.tv_nsec < y->created.tv_nsec ? -1 : 1;
    return strverscmp(x->name, y->name);
}

static void add_entry(struct trace_entry **v, size_t *n, size_t *cap,
                      const struct trace_entry *e)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *v = xrealloc(*v, *cap * sizeof(**v));
    }
    (*v)[(*n)++] = *e;
}

/* Fills e for directory path if it is a trace. */
static bool probe(const char *path, const char *shown, struct trace_entry *e)
{
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return false;
    memset(e, 0, sizeof(*e));
    if (!read_version(path, &e->created, &e->by_rr))
        return false;
    e->path = realpath(path, NULL);
    if (!e->path)
        return false;
    e->name = xstrdup(shown);
    return true;
}

static void print_entry(const struct trace_entry *e, bool lng, int name_width)
{
    if (lng) {
        char size[32], date[64];
        rr_size(trace_bytes(e->path), size, sizeof(size));
        struct tm tm;
        if (!localtime_r(&e->created.tv_sec, &tm) ||
            !strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm))
            strcpy(date, "<error>");
        char *cmd = e->by_rr ? xstrdup("?") : recorded_command(e->path);
        printf("%-*s %s %5s %s", name_width, e->name, date, size, cmd);
        free(cmd);
    } else {
        printf("%s", e->name);
    }
    printf("%s%s\n", e->by_rr ? "  (recorded by rr)" : "",
           e->latest ? "  (latest-trace)" : "");
}

int cmd_ls(int argc, char **argv)
{
    bool lng = false, reverse = false;
    const char *dir_arg = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--long-listing")) {
            lng = true;
        } else if (!strcmp(a, "--sort-by-age")) {
        } else if (!strcmp(a, "--reverse")) {
            reverse = true;
        } else if (a[0] == '-' && a[1] && strspn(a + 1, "ltr") == strlen(a + 1)) {
            lng |= strchr(a, 'l') != NULL; /* -t: the default order */
            reverse |= strchr(a, 'r') != NULL;
        } else if (a[0] != '-' && !dir_arg) {
            dir_arg = a;
        } else {
            warn("ls: unexpected argument '%s' (see rewind ls --help)", a);
            return 1;
        }
    }

    const char *root = dir_arg ? dir_arg : trace_root();
    char *latest = trace_latest_target();

    struct trace_entry *v = NULL;
    size_t n = 0, cap = 0;
    bool latest_seen = false;
    DIR *d = opendir(root);
    if (!d && (errno != ENOENT || dir_arg)) {
        warn("ls: cannot read %s: %s", root, strerror(errno));
        free(latest);
        return 1;
    }
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue; /* ., .., and latest-trace's temporary links */
        char *path = trace_path(root, de->d_name);
        struct trace_entry e;
        if (probe(path, de->d_name, &e)) {
            e.latest = latest && !strcmp(latest, e.path);
            latest_seen |= e.latest;
            add_entry(&v, &n, &cap, &e);
        }
        free(path);
    }
    if (d)
        closedir(d);

    /* A trace recorded with -o elsewhere that latest-trace points to. */
    struct trace_entry e;
    if (!dir_arg && latest && !latest_seen && probe(latest, latest, &e)) {
        e.latest = true;
        add_entry(&v, &n, &cap, &e);
    }

    if (n == 0)
        fprintf(stderr, "rewind: no traces in %s\n", root);
    if (n > 0)
        qsort(v, n, sizeof(*v), by_creation);
    int width = 4; /* "NAME" */
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(v[i].name) > width)
            width = (int)strlen(v[i].name);
    if (lng && n > 0)
        printf("%-*s %-19s %5s %s\n", width, "NAME", "WHEN", "SIZE", "CMD");
    for (size_t k = 0; k < n; k++) {
        size_t i = reverse ? n - 1 - k : k;
        print_entry(&v[i], lng, width);
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].path);
    }
    free(v);
    free(latest);
    return fflush(stdout) == 0 ? 0 : 1;
}
