/* Files saved in the trace (mapped files), opened once per replay. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/die.h"
#include "replay/replayer.h"
#include "trace/tracedir.h"

struct cached_file {
    char *name;
    int fd;
    struct cached_file *next;
};

struct file_cache {
    char *dir;
    struct cached_file *files;
};

struct file_cache *file_cache_new(const char *dir)
{
    struct file_cache *fc = xcalloc(1, sizeof *fc);
    fc->dir = xstrdup(dir);
    return fc;
}

int file_cache_fd(struct file_cache *fc, const char *name)
{
    for (struct cached_file *f = fc->files; f; f = f->next)
        if (!strcmp(f->name, name))
            return f->fd;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", fc->dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        trace_file_missing(fc->dir, name, "a file the program mapped");
    if (fd < 0)
        die_errno("cannot open %s", path);
    struct cached_file *f = xcalloc(1, sizeof *f);
    f->name = xstrdup(name);
    f->fd = fd;
    f->next = fc->files;
    fc->files = f;
    return fd;
}

void file_cache_free(struct file_cache *fc)
{
    while (fc && fc->files) {
        struct cached_file *f = fc->files;
        fc->files = f->next;
        close(f->fd);
        free(f->name);
        free(f);
    }
    if (fc)
        free(fc->dir);
    free(fc);
}
