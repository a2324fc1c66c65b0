/* Writing files so that a crash at any moment leaves either the old file
 * or the complete new one: write under a temporary name, fsync, rename
 * over, fsync the directory. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Prefix of every temporary file rewind leaves in a trace directory while
 * it writes (a crash can leave one behind; `rewind pack` removes them). */
#define TEMP_PREFIX ".rewind-tmp."

/* Copies everything from in (from its start) to out: a reflink where the
 * file system can, else copy_file_range, else read/write. */
bool copy_fd(int in, int out);
/* Makes a new file in dir named TEMP_PREFIX<name>.<pid> (replacing one
 * left by a crash), mode as given; returns its fd and sets *tmp_path
 * (malloc'd), or -1 with errno set. */
int temp_file_create(const char *dir, const char *name, int mode, char **tmp_path);
/* fsyncs and closes fd, renames tmp_path to dir/name and fsyncs dir;
 * frees tmp_path.  On failure removes tmp_path and returns -1 with errno
 * set. */
int temp_file_commit(int fd, char *tmp_path, const char *dir, const char *name);
/* Removes tmp_path after a failure (errno preserved) and frees it. */
void temp_file_abandon(int fd, char *tmp_path);
/* The whole of buf as dir/name, atomically as above; -1 with errno set. */
int write_file_atomic(const char *dir, const char *name, const void *buf, size_t len,
                      int mode);
/* fsync of a directory (makes renames and unlinks in it durable). */
int fsync_dir(const char *dir);
/* Writes all of buf; -1 with errno set. */
int write_all_fd(int fd, const void *buf, size_t len);
