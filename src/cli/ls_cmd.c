/* `rewind ls [-l]`: the traces in the trace root, oldest first, the one
 * latest-trace points to marked.  With -l: disk usage and date too. */
#include "cli/commands.h"
#include "common/die.h"
#include "trace/tracedir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LATEST_NAME "latest-trace"

struct trace_entry {
    char *name;              /* as shown: the name, or a path outside the root */
    char *path;              /* resolved directory */
    struct timespec created; /* mtime of the version file */
    time_t modified;         /* mtime of the directory */
    bool latest;
    bool by_rr;
};

static void usage(FILE *out)
{
    fputs("Usage: rewind ls [-l]\n"
          "List the recorded traces in the trace directory ($_RR_TRACE_DIR,\n"
          "else $XDG_DATA_HOME/rr, else ~/.local/share/rr), oldest first.\n"
          "The trace latest-trace points to is marked (latest-trace).\n"
          "\n"
          "  -l      also show disk usage and modification date\n"
          "  --help  show this help\n", out);
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

/* ---- disk usage (du): allocated blocks, hard-linked files counted once */

struct file_id {
    dev_t dev;
    ino_t ino;
};
static struct file_id *du_seen;
static size_t du_nseen, du_cap;
static uint64_t du_total;

static int du_visit(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)path, (void)flag, (void)ftw;
    if (st->st_nlink > 1 && !S_ISDIR(st->st_mode)) {
        for (size_t i = 0; i < du_nseen; i++)
            if (du_seen[i].dev == st->st_dev && du_seen[i].ino == st->st_ino)
                return 0;
        if (du_nseen == du_cap) {
            du_cap = du_cap ? 2 * du_cap : 64;
            du_seen = xrealloc(du_seen, du_cap * sizeof(*du_seen));
        }
        du_seen[du_nseen++] = (struct file_id){st->st_dev, st->st_ino};
    }
    du_total += (uint64_t)st->st_blocks * 512;
    return 0;
}

static uint64_t disk_usage(const char *dir)
{
    du_total = 0;
    du_nseen = 0;
    nftw(dir, du_visit, 16, FTW_PHYS);
    return du_total;
}

/* "812", "4.0K", "17M", "1.2G" like du -h (rounding up). */
static void human_size(uint64_t bytes, char *out, size_t outlen)
{
    static const char units[] = "KMGTPE";
    if (bytes < 1024) {
        snprintf(out, outlen, "%llu", (unsigned long long)bytes);
        return;
    }
    double v = (double)bytes;
    int u = -1;
    do {
        v /= 1024;
        u++;
    } while (v >= 1024 && units[u + 1]);
    if (v < 10) {
        double tenths = (double)(uint64_t)(v * 10);
        if (tenths < v * 10)
            tenths += 1;
        if (tenths < 100) {
            snprintf(out, outlen, "%.1f%c", tenths / 10, units[u]);
            return;
        }
    }
    uint64_t whole = (uint64_t)v;
    if ((double)whole < v)
        whole++;
    snprintf(out, outlen, "%llu%c", (unsigned long long)whole, units[u]);
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
    e->modified = st.st_mtime;
    e->path = realpath(path, NULL);
    if (!e->path)
        return false;
    e->name = xstrdup(shown);
    return true;
}

static void print_entry(const struct trace_entry *e, bool lng)
{
    if (lng) {
        char size[32], date[64];
        human_size(disk_usage(e->path), size, sizeof(size));
        struct tm tm;
        if (!localtime_r(&e->modified, &tm) ||
            !strftime(date, sizeof(date), "%Y-%m-%d %H:%M", &tm))
            strcpy(date, "?");
        printf("%6s  %s  ", size, date);
    }
    printf("%s%s%s\n", e->name, e->by_rr ? "  (recorded by rr)" : "",
           e->latest ? "  (latest-trace)" : "");
}

int cmd_ls(int argc, char **argv)
{
    bool lng = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-l")) {
            lng = true;
        } else {
            warn("ls: unexpected argument '%s' (see rewind ls --help)", argv[i]);
            return 1;
        }
    }

    const char *root = trace_root();
    char *link = trace_path(root, LATEST_NAME);
    char *latest = realpath(link, NULL);
    free(link);

    struct trace_entry *v = NULL;
    size_t n = 0, cap = 0;
    bool latest_seen = false;
    DIR *d = opendir(root);
    if (!d && errno != ENOENT) {
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
    if (latest && !latest_seen && probe(latest, latest, &e)) {
        e.latest = true;
        add_entry(&v, &n, &cap, &e);
    }

    if (n == 0)
        fprintf(stderr, "rewind: no traces in %s\n", root);
    if (n > 0)
        qsort(v, n, sizeof(*v), by_creation);
    for (size_t i = 0; i < n; i++) {
        print_entry(&v[i], lng);
        free(v[i].name);
        free(v[i].path);
    }
    free(v);
    free(latest);
    free(du_seen);
    du_seen = NULL;
    du_cap = du_nseen = 0;
    return fflush(stdout) == 0 ? 0 : 1;
}
