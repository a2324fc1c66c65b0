/* Trace directories: where they live, how a new one is named, and how the
 * one the user names is found and recognised (layout: docs/trace-format.md). */
#include "trace/tracedir.h"

#include "common/die.h"
#include "trace/machine.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VERSION_PREFIX "rewind-trace "
#define LATEST_NAME "latest-trace"
#define MAX_NAME_BASE 200 /* leaves room for "-<n>" within NAME_MAX */

char *trace_path(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    bool slash = !(dl == 1 && dir[0] == '/');
    size_t nl = strlen(name);
    char *p = xmalloc(dl + 1 + nl + 1);
    memcpy(p, dir, dl);
    if (slash)
        p[dl++] = '/';
    memcpy(p + dl, name, nl + 1);
    return p;
}

/* path made absolute against the current directory (not resolved). */
static char *absolute(const char *path)
{
    if (path[0] == '/')
        return xstrdup(path);
    char *cwd = getcwd(NULL, 0);
    if (!cwd)
        die_errno("cannot find the current directory");
    char *p = trace_path(cwd, path);
    free(cwd);
    return p;
}

const char *trace_root(void)
{
    static char root[PATH_MAX];
    const char *dir = getenv("_RR_TRACE_DIR");
    const char *suffix = "";
    if (!dir || !*dir) {
        dir = getenv("XDG_DATA_HOME");
        suffix = "/rr";
        /* The XDG spec says relative values are to be ignored. */
        if (!dir || dir[0] != '/') {
            dir = getenv("HOME");
            if (!dir || !*dir) {
                struct passwd *pw = getpwuid(getuid());
                if (!pw || !pw->pw_dir)
                    die("cannot find the trace directory: set HOME or _RR_TRACE_DIR");
                dir = pw->pw_dir;
            }
            suffix = "/.local/share/rr";
        }
    }
    char *abs = absolute(dir);
    size_t len = strlen(abs);
    while (len > 1 && abs[len - 1] == '/')
        abs[--len] = '\0';
    if (len == 1)
        len = 0; /* "/" + "/rr" */
    if (len + strlen(suffix) >= sizeof(root))
        die("trace directory path %s%s is too long", abs, suffix);
    snprintf(root, sizeof(root), "%.*s%s", (int)len, abs, suffix);
    if (!root[0])
        strcpy(root, "/");
    free(abs);
    return root;
}

/* mkdir -p; returns -1 with errno set (and *failed naming the component). */
static int mkdir_p(const char *path, char **failed)
{
    char *p = xstrdup(path);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0700) < 0) {
            struct stat st;
            int err = errno;
            if (err != EEXIST || stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
                if (err == EEXIST)
                    err = ENOTDIR;
                *failed = p;
                errno = err;
                return -1;
            }
        }
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    return 0;
}

static void ensure_dir(const char *path)
{
    char *failed;
    if (mkdir_p(path, &failed) < 0)
        die_errno("cannot create directory %s", failed);
}

static bool dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        die_errno("cannot read directory %s", path);
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = false;
            break;
        }
    }
    closedir(d);
    return empty;
}

static char *parent_of(const char *abs_path)
{
    char *p = xstrdup(abs_path);
    char *slash = strrchr(p, '/');
    if (slash == p)
        slash[1] = '\0';
    else
        *slash = '\0';
    return p;
}

/* Directory name for a recording of exe: its basename, made safe. */
static char *name_base(const char *exe)
{
    const char *b = exe ? exe : "";
    size_t len = strlen(b);
    while (len > 0 && b[len - 1] == '/')
        len--;
    const char *start = b + len;
    while (start > b && start[-1] != '/')
        start--;
    len = (size_t)(b + len - start);
    if (len == 0 || (len == 1 && start[0] == '.') ||
        (len == 2 && start[0] == '.' && start[1] == '.'))
        return xstrdup("trace");
    if (len > MAX_NAME_BASE)
        len = MAX_NAME_BASE;
    char *s = xmalloc(len + 1);
    memcpy(s, start, len);
    s[len] = '\0';
    return s;
}

static void write_version_file(const char *dir)
{
    char *path = trace_path(dir, "version");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        die_errno("cannot create %s", path);
    char buf[64];
    int n = snprintf(buf, sizeof(buf), VERSION_PREFIX "%d\n", TRACE_FORMAT_VERSION);
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, (size_t)n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die_errno("writing %s", path);
        p += w;
        n -= (int)w;
    }
    if (close(fd) < 0)
        die_errno("writing %s", path);
    free(path);
}

/* Points <root>/latest-trace at dir by renaming a fresh symlink over it, so
 * readers see either the old or the new target, never no link at all.  A
 * trace directly inside the root gets a relative link (the root can move);
 * any other gets an absolute one.  Failure only warns: the trace is fine. */
static void update_latest(const char *root, const char *dir)
{
    char *failed;
    if (mkdir_p(root, &failed) < 0) {
        warn("cannot create %s to update %s: %s", failed, LATEST_NAME,
             strerror(errno));
        free(failed);
        return;
    }
    char *real_root = realpath(root, NULL);
    char *real_dir = realpath(dir, NULL);
    if (!real_root || !real_dir) {
        warn("cannot resolve %s to update %s: %s", real_root ? dir : root,
             LATEST_NAME, strerror(errno));
        free(real_root);
        free(real_dir);
        return;
    }
    char *parent = parent_of(real_dir);
    const char *target = real_dir;
    if (strcmp(parent, real_root) == 0)
        target = strrchr(real_dir, '/') + 1;

    char *link = trace_path(root, LATEST_NAME);
    char *tmp = NULL;
    for (unsigned i = 0;; i++) {
        char name[64];
        snprintf(name, sizeof(name), ".%s.tmp.%ld.%u", LATEST_NAME,
                 (long)getpid(), i);
        free(tmp);
        tmp = trace_path(root, name);
        if (symlink(target, tmp) == 0)
            break;
        if (errno != EEXIST || i >= 1000) {
            warn("cannot create %s: %s", tmp, strerror(errno));
            goto out;
        }
    }
    if (rename(tmp, link) < 0) {
        warn("cannot update %s: %s", link, strerror(errno));
        unlink(tmp);
    }
out:
    free(tmp);
    free(link);
    free(parent);
    free(real_root);
    free(real_dir);
}

char *trace_dir_create(const char *exe, const char *out_dir)
{
    const char *root = trace_root();
    char *dir;
    if (out_dir) {
        dir = absolute(out_dir);
        size_t len = strlen(dir);
        while (len > 1 && dir[len - 1] == '/')
            dir[--len] = '\0';
        char *parent = parent_of(dir);
        ensure_dir(parent);
        free(parent);
        if (mkdir(dir, 0700) < 0) {
            struct stat st;
            if (errno != EEXIST)
                die_errno("cannot create trace directory %s", dir);
            if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
                die("cannot record to %s: it exists and is not a directory", dir);
            if (!dir_is_empty(dir))
                die("cannot record to %s: it exists and is not empty", dir);
        }
    } else {
        ensure_dir(root);
        char *base = name_base(exe);
        size_t cap = strlen(root) + strlen(base) + 32;
        dir = xmalloc(cap);
        /* mkdir fails with EEXIST for a taken name, so two recorders
         * starting at once never get the same directory. */
        for (unsigned long n = 0;; n++) {
            snprintf(dir, cap, "%s/%s-%lu", strcmp(root, "/") ? root : "",
                     base, n);
            if (mkdir(dir, 0700) == 0)
                break;
            if (errno != EEXIST)
                die_errno("cannot create trace directory %s", dir);
        }
        free(base);
    }
    write_version_file(dir);
    machine_write(dir);
    update_latest(root, dir);
    return dir;
}

/* Dies unless dir holds a version file this rewind can read; returns it. */
static int check_version(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        die("%s is not a rewind trace (no version file)", dir);
    char *path = trace_path(dir, "version");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            die("%s is not a rewind trace (no version file)", dir);
        die_errno("cannot read %s", path);
    }
    char buf[64];
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die_errno("cannot read %s", path);
        if (r == 0 || (n += (size_t)r) == sizeof(buf) - 1)
            break;
    }
    close(fd);
    free(path);
    buf[n] = '\0';

    if (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    bool rr_style = true;
    const char *num = buf;
    if (strncmp(buf, VERSION_PREFIX, strlen(VERSION_PREFIX)) == 0) {
        rr_style = false;
        num += strlen(VERSION_PREFIX);
    }
    /* 1..9 digits and nothing else (no NUL bytes, no second line). */
    size_t digits = strspn(num, "0123456789");
    if (digits == 0 || digits > 9 || num + digits != buf + n)
        die("%s has a damaged version file", dir);
    long v = strtol(num, NULL, 10);
    if (rr_style)
        die("%s was recorded by rr (trace version %ld); rewind cannot replay "
            "rr traces", dir, v);
    if (v > TRACE_FORMAT_VERSION)
        die("%s has trace format version %ld; this rewind reads version %d",
            dir, v, TRACE_FORMAT_VERSION);
    if (v < 1)
        die("%s has a damaged version file", dir);
    return (int)v;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

char *trace_dir_resolve(const char *arg)
{
    const char *root = trace_root();
    char *path;
    if (!arg) {
        path = trace_path(root, LATEST_NAME);
        if (!exists(path)) {
            char target[PATH_MAX];
            ssize_t n = readlink(path, target, sizeof(target) - 1);
            if (n > 0) {
                target[n] = '\0';
                die("no trace at %s (%s points to %s, which is gone)", path,
                    LATEST_NAME, target);
            }
            die("no trace at %s", path);
        }
    } else if (!*arg) {
        die("no trace at \"\" (an empty trace name)");
    } else if (exists(arg)) {
        path = xstrdup(arg);
    } else {
        path = trace_path(root, arg);
        if (arg[0] == '/' || !exists(path)) {
            if (arg[0] == '/')
                die("no trace at %s", arg);
            die("no trace at %s or %s", arg, path);
        }
    }
    char *real = realpath(path, NULL);
    if (!real)
        die_errno("cannot resolve %s", path);
    free(path);
    return real;
}

char *trace_dir_open(const char *arg)
{
    char *real = trace_dir_resolve(arg);
    check_version(real);
    return real;
}

int trace_dir_version(const char *dir)
{
    return check_version(dir);
}

bool trace_dir_is_trace(const char *dir)
{
    struct stat st;
    char *version = trace_path(dir, "version");
    bool is = stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && lstat(version, &st) == 0 &&
              S_ISREG(st.st_mode);
    free(version);
    return is;
}

char *trace_latest_target(void)
{
    char *link = trace_path(trace_root(), LATEST_NAME);
    char *target = realpath(link, NULL);
    free(link);
    return target;
}

void trace_latest_set(const char *dir)
{
    update_latest(trace_root(), dir);
}

int trace_latest_remove(void)
{
    char *link = trace_path(trace_root(), LATEST_NAME);
    int rc = unlink(link);
    if (rc < 0 && errno == ENOENT)
        rc = 0;
    free(link);
    return rc;
}

void trace_file_missing(const char *dir, const char *name, const char *what)
{
    die("%s/%s is missing: it is the trace's copy of %s, which replay needs (copy trace "
        "directories whole, after `rewind pack` has made them self-contained)",
        dir, name, what);
}
