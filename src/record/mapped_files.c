/* Files the program maps are saved into the trace once per version of
 * the file: cloned (FICLONE) where the filesystem can, hard-linked when
 * the file lives in a system directory (packages replace such files
 * rather than rewrite them), copied otherwise, since anything else could
 * change under the trace. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/die.h"
#include "common/elf_interp.h"
#include "common/files.h"
#include "record/recorder.h"

struct saved_file {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    char *name;
    struct saved_file *next;
};

struct mapped_files {
    char *dir;
    int count;
    struct saved_file *saved;
};

struct mapped_files *mapped_files_new(const char *trace_dir)
{
    struct mapped_files *m = xcalloc(1, sizeof *m);
    m->dir = xstrdup(trace_dir);
    return m;
}

static bool in_system_dir(const char *path)
{
    static const char *const dirs[] = {"/usr/", "/lib/", "/lib64/", "/bin/", "/sbin/", "/opt/"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (!strncmp(path, dirs[i], strlen(dirs[i])))
            return true;
    return false;
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

const char *mapped_file_save(struct mapped_files *m, pid_t tid, int fd, uint64_t *size)
{
    char proc_link[64];
    snprintf(proc_link, sizeof proc_link, "/proc/%d/fd/%d", tid, fd);
    return saved_file_save(m, proc_link, size);
}

const char *saved_file_save(struct mapped_files *m, const char *source, uint64_t *size)
{
    char path[4096];
    int in = open(source, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return NULL;
    struct stat st;
    if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(in);
        return NULL;
    }
    for (struct saved_file *s = m->saved; s; s = s->next)
        if (s->dev == st.st_dev && s->ino == st.st_ino && s->size == st.st_size &&
            s->mtime.tv_sec == st.st_mtim.tv_sec && s->mtime.tv_nsec == st.st_mtim.tv_nsec) {
            close(in);
            *size = st.st_size;
            return s->name;
        }
    if (!realpath(source, path))
        snprintf(path, sizeof path, "%s", source);

    char name[300];
    snprintf(name, sizeof name, "mmap-%d-%.200s", m->count++, base_name(path));
    for (char *c = name; *c; c++)
        if (*c == ' ')
            *c = '_';
    char dest[4096 + 300];
    snprintf(dest, sizeof dest, "%s/%s", m->dir, name);
    bool ok = in_system_dir(path) && link(path, dest) == 0;
    if (!ok) {
        int out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (out < 0)
            die_errno("cannot create %s", dest);
        /* Keep the execute bits: replay runs executables from here. */
        fchmod(out, st.st_mode & 0755);
        if (!copy_fd(in, out))
            die_errno("cannot copy %s into the trace", path);
        close(out);
    }
    close(in);
    struct saved_file *s = xcalloc(1, sizeof *s);
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    s->size = st.st_size;
    s->mtime = st.st_mtim;
    s->name = xstrdup(name);
    s->next = m->saved;
    m->saved = s;
    *size = st.st_size;
    return s->name;
}

const char *interp_file_save(struct mapped_files *m, pid_t tid)
{
    uint64_t base = auxv_value(tid, AT_BASE); /* where ld.so was loaded */
    if (!base)
        return NULL;
    char path[64], line[4096 + 256];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    const char *saved = NULL;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, ino;
        int name_at = 0;
        if (sscanf(line, "%lx-%*x %*s %*x %*x:%*x %lu %n", &lo, &ino, &name_at) < 2 ||
            lo != base || !name_at || line[name_at] != '/')
            continue;
        line[strcspn(line, "\n")] = 0;
        /* The file at that path now must be the one the kernel mapped. */
        struct stat st;
        uint64_t size;
        if (stat(line + name_at, &st) == 0 && st.st_ino == ino)
            saved = saved_file_save(m, line + name_at, &size);
        break;
    }
    fclose(f);
    return saved;
}

const char *script_interp_save(struct mapped_files *m, pid_t tid, const char *exec_path)
{
    struct elf_interp sh, nested;
    int fd = open(exec_path, O_RDONLY | O_CLOEXEC);
    bool script = fd >= 0 && script_interp_read(fd, &sh);
    if (fd >= 0)
        close(fd);
    if (!script)
        return NULL;
    /* One level only: for an interpreter that is itself a script the
     * kernel inserts more arguments than replay could reproduce. */
    fd = open(sh.path, O_RDONLY | O_CLOEXEC);
    bool deeper = fd >= 0 && script_interp_read(fd, &nested);
    if (fd >= 0)
        close(fd);
    if (deeper)
        return NULL;
    char exe[64];
    snprintf(exe, sizeof exe, "/proc/%d/exe", tid);
    uint64_t size;
    return saved_file_save(m, exe, &size);
}
