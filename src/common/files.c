/* Durable, all-or-nothing file writes (files.h). */
#include "common/files.h"

#include "common/die.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

bool copy_fd(int in, int out)
{
    if (ioctl(out, FICLONE, in) == 0)
        return true;
    off_t off = 0;
    for (;;) {
        ssize_t n = copy_file_range(in, &off, out, NULL, 1 << 30, 0);
        if (n == 0)
            return true;
        if (n < 0)
            break;
    }
    /* copy_file_range refuses some files (procfs, cross-device on old
     * kernels): plain read/write from where it stopped. */
    char buf[65536];
    if (lseek(in, off, SEEK_SET) < 0 || lseek(out, off, SEEK_SET) < 0)
        return false;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            return true;
        if (n < 0 || write_all_fd(out, buf, (size_t)n) < 0)
            return false;
    }
}

int write_all_fd(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        if (w == 0) {
            errno = EIO;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int err = errno;
    close(fd);
    errno = err;
    return rc;
}

int temp_file_create(const char *dir, const char *name, int mode, char **tmp_path)
{
    size_t cap = strlen(dir) + strlen(TEMP_PREFIX) + strlen(name) + 32;
    char *path = xmalloc(cap);
    snprintf(path, cap, "%s/" TEMP_PREFIX "%s.%ld", dir, name, (long)getpid());
    unlink(path); /* left by a crashed process that had our pid */
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        int err = errno;
        free(path);
        errno = err;
        return -1;
    }
    /* The mode is meant exactly (the umask must not drop execute bits a
     * replay needs). */
    fchmod(fd, mode);
    *tmp_path = path;
    return fd;
}

void temp_file_abandon(int fd, char *tmp_path)
{
    int err = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp_path);
    free(tmp_path);
    errno = err;
}

int temp_file_commit(int fd, char *tmp_path, const char *dir, const char *name)
{
    char *dest = xmalloc(strlen(dir) + strlen(name) + 2);
    sprintf(dest, "%s/%s", dir, name);
    int rc = -1;
    if (fsync(fd) < 0) {
        temp_file_abandon(fd, tmp_path);
        goto out;
    }
    if (close(fd) < 0) {
        temp_file_abandon(-1, tmp_path);
        goto out;
    }
    if (rename(tmp_path, dest) < 0) {
        temp_file_abandon(-1, tmp_path);
        goto out;
    }
    free(tmp_path);
    rc = fsync_dir(dir);
out:
    free(dest);
    return rc;
}

int write_file_atomic(const char *dir, const char *name, const void *buf, size_t len,
                      int mode)
{
    char *tmp;
    int fd = temp_file_create(dir, name, mode, &tmp);
    if (fd < 0)
        return -1;
    if (write_all_fd(fd, buf, len) < 0) {
        temp_file_abandon(fd, tmp);
        return -1;
    }
    return temp_file_commit(fd, tmp, dir, name);
}
