/* Where traces live and how a trace directory is laid out.
 *
 * Root: $_RR_TRACE_DIR, else $XDG_DATA_HOME/rr, else ~/.local/share/rr
 * (the places rr users and Delve look).  A trace is a directory
 * <root>/<exe-basename>-<n> holding:
 *   version   "rewind-trace <FORMAT_VERSION>\n" (rr writes a bare number)
 *   events    the event stream (stream.h)
 *   machine   the recording machine (machine.h)
 *   mmap-*    copies/links of files the program mapped
 * and <root>/latest-trace is a symlink to the newest one. */
#pragma once
#include <stdbool.h>

/* 2: cpuid is recorded (EV_CPUID); format 1 traces let it run in replay. */
#define TRACE_FORMAT_VERSION 2
#define TRACE_LATEST_NAME "latest-trace"

/* The root directory (not created). Returned string is static. */
const char *trace_root(void);
/* Creates a new trace directory with its version and machine files and points
 * latest-trace at it.  out_dir: the -o DIR given by the user, or NULL to
 * pick <root>/<basename(exe)>-<n>.  Returns a malloc'd absolute path. */
char *trace_dir_create(const char *exe, const char *out_dir);
/* Resolves what the user named (NULL: latest-trace; a path; or a name
 * under the root) to an existing trace directory and checks its version
 * file: a missing directory, an rr trace, a newer format or a damaged
 * version file each die with one clear line.  Returns a malloc'd path. */
char *trace_dir_open(const char *arg);
/* The format version of an opened trace (dies as trace_dir_open does). */
int trace_dir_version(const char *dir);
/* The same lookup without the version check: the resolved path of
 * whatever the user named (dies when nothing is there). */
char *trace_dir_resolve(const char *arg);
/* Whether dir is a trace directory, rewind's or rr's (has a version file). */
bool trace_dir_is_trace(const char *dir);
/* Where <root>/latest-trace points, resolved (malloc'd), or NULL. */
char *trace_latest_target(void);
/* Points <root>/latest-trace at dir (atomically; failure warns). */
void trace_latest_set(const char *dir);
/* Removes <root>/latest-trace; 0, or -1 with errno set. */
int trace_latest_remove(void);
/* Joins dir and name into a malloc'd path. */
char *trace_path(const char *dir, const char *name);
/* Dies with one line naming dir/name, a file the trace needs that is
 * gone; what: what the file is, for the message. */
_Noreturn void trace_file_missing(const char *dir, const char *name, const char *what);
