/* `rewind mv TRACE NEW` and `rewind rm [-f] TRACE`, as rr's: traces are
 * named like everywhere else (a path, or a name in the trace root,
 * latest-trace included); a NEW without '/' is a name in the trace root.
 * Only trace directories (with a version file) are moved or removed
 * (rm -f removes anything); latest-trace follows a moved trace and goes
 * with a removed one.  A trace needs no change to be moved: everything in
 * it is found relative to its directory. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/die.h"
#include "common/files.h"
#include "trace/tracedir.h"

static char *parent_dir(const char *path)
{
    char *p = xstrdup(path);
    char *slash = strrchr(p, '/');
    if (!slash)
        strcpy(p, ".");
    else if (slash == p)
        p[1] = 0;
    else
        *slash = 0;
    return p;
}

static const char *last_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* NEW as rr reads it: a bare name goes in the trace root; an absolute
 * path is made of anything else. */
static char *destination(const char *arg)
{
    char *to;
    if (!strchr(arg, '/')) {
        to = trace_path(trace_root(), arg);
    } else if (arg[0] == '/') {
        to = xstrdup(arg);
    } else {
        char *cwd = getcwd(NULL, 0);
        if (!cwd)
            die_errno("cannot find the current directory");
        to = trace_path(cwd, arg);
        free(cwd);
    }
    size_t len = strlen(to);
    while (len > 1 && to[len - 1] == '/')
        to[--len] = 0;
    return to;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    if (remove(path) < 0) {
        warn("cannot remove %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static bool remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

/* rename(2) cannot cross file systems: copy every file of the trace (a
 * flat directory) to a temporary directory next to `to`, sync, rename it
 * to `to`, then remove `from`.  Interrupted, it leaves `from` whole. */
static void move_across(const char *from, const char *to)
{
    char *parent = parent_dir(to);
    char tmp_name[NAME_MAX + 1];
    snprintf(tmp_name, sizeof tmp_name, TEMP_PREFIX "%.200s.%ld", last_name(to),
             (long)getpid());
    char *tmp = trace_path(parent, tmp_name);
    if (mkdir(tmp, 0700) < 0)
        die_errno("cannot create %s", tmp);
    DIR *d = opendir(from);
    if (!d)
        die_errno("cannot read %s", from);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *src = trace_path(from, e->d_name);
        struct stat st;
        int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (in < 0 || fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
            remove_tree(tmp);
            die("cannot move %s to another file system: %s is not a regular file", from, src);
        }
        char *dst = trace_path(tmp, e->d_name);
        int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
        if (out < 0 || !copy_fd(in, out) || fsync(out) < 0) {
            int err = errno;
            remove_tree(tmp);
            errno = err;
            die_errno("cannot copy %s to %s", src, dst);
        }
        close(out);
        close(in);
        free(dst);
        free(src);
    }
    closedir(d);
    if (fsync_dir(tmp) < 0 || rename(tmp, to) < 0) {
        int err = errno;
        remove_tree(tmp);
        errno = err;
        die_errno("cannot move %s to %s", from, to);
    }
    fsync_dir(parent);
    if (!remove_tree(from))
        die("%s was copied to %s, but could not be removed", from, to);
    free(tmp);
    free(parent);
}

static void mv_usage(FILE *out)
{
    fputs("Usage: rewind mv TRACE NEW\n"
          "Moves (renames) a trace.  TRACE is a path or a name in the trace directory;\n"
          "a NEW without '/' is a name in the trace directory, anything else a path\n"
          "(which must not exist).  latest-trace follows the trace it pointed to.\n"
          "A moved trace replays from its new place.\n"
          "\n"
          "  --help  show this help\n", out);
}

int cmd_mv(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        mv_usage(stdout);
        return 0;
    }
    if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-') {
        mv_usage(stderr);
        return 1;
    }
    char *from = trace_dir_resolve(argv[1]);
    if (!trace_dir_is_trace(from))
        die("%s is not a trace (it has no version file); not moving it", from);
    char *to = destination(argv[2]);
    if (!strcmp(last_name(to), TRACE_LATEST_NAME))
        die("a trace cannot be called %s", TRACE_LATEST_NAME);
    if (!strcmp(from, to))
        die("%s is already there", from);
    struct stat st;
    if (lstat(to, &st) == 0)
        die("%s already exists", to);
    if (errno != ENOENT)
        die_errno("cannot use %s", to);
    char *latest = trace_latest_target();
    bool was_latest = latest && !strcmp(latest, from);
    if (rename(from, to) == 0) {
        char *a = parent_dir(from), *b = parent_dir(to);
        fsync_dir(a);
        fsync_dir(b);
        free(a);
        free(b);
    } else if (errno == EXDEV) {
        move_across(from, to);
    } else {
        die_errno("cannot move %s to %s", from, to);
    }
    if (was_latest)
        trace_latest_set(to);
    printf("rewind: moved '%s' to '%s'\n", from, to);
    free(latest);
    free(from);
    free(to);
    return 0;
}

static void rm_usage(FILE *out)
{
    fputs("Usage: rewind rm [-f] TRACE\n"
          "Removes a trace: a path or a name in the trace directory.  Anything that is\n"
          "not a trace directory (no version file) is refused.  latest-trace goes too\n"
          "when it points to the trace.\n"
          "\n"
          "  -f, --force  remove it even if it is not recognisably a trace\n"
          "  --help       show this help\n", out);
}

int cmd_rm(int argc, char **argv)
{
    bool force = false;
    const char *arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            rm_usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force")) {
            force = true;
        } else if (argv[i][0] != '-' && !arg) {
            arg = argv[i];
        } else {
            rm_usage(stderr);
            return 1;
        }
    }
    if (!arg) {
        rm_usage(stderr);
        return 1;
    }
    char *dir = trace_dir_resolve(arg);
    char *root = realpath(trace_root(), NULL);
    if (!strcmp(dir, "/") || (root && !strcmp(dir, root)))
        die("%s is %s; not removing it", dir,
            strcmp(dir, "/") ? "the directory that holds the traces" : "the root directory");
    if (!force && !trace_dir_is_trace(dir))
        die("%s is not a trace (it has no version file); not removing it "
            "(rewind rm -f removes it anyway)", dir);
    char *latest = trace_latest_target();
    /* The link first: a link to nothing would confuse rr's tools too. */
    if (latest && !strcmp(latest, dir) && trace_latest_remove() < 0)
        die_errno("cannot remove %s/%s", trace_root(), TRACE_LATEST_NAME);
    if (!remove_tree(dir))
        die("could not remove all of %s", dir);
    printf("rewind: removed trace '%s'\n", dir);
    free(latest);
    free(root);
    free(dir);
    return 0;
}
