/* The files saved in the trace directory that an event names: the copy of
 * an executed program and of its ELF interpreter (EV_EXEC), the file a
 * mapping shows (EV_SYSCALL_EXIT with EXITF_MMAP_FILE, ev->mmap_name).
 * `rewind pack` rewrites exactly these names (src/cli/pack_cmd.c): a new
 * kind of reference to a saved file must be taught to it. */
#pragma once

#include "trace/event.h"

/* EV_EXEC: the copy of the executed file, or NULL/"" when none. */
const char *exec_saved_file(const struct event *ev);
/* EV_EXEC: the copy of the ELF interpreter the kernel loaded, or NULL/""
 * (static programs, traces recorded before rewind saved it). */
const char *exec_interp_file(const struct event *ev);
/* EV_EXEC of a `#!` script: the copy of the program the kernel ran for
 * it, or NULL/"".  Every EV_EXEC string from exec_saved_file() on names a
 * saved file (or is empty). */
const char *exec_script_file(const struct event *ev);
/* The index of exec_saved_file()'s string in ev->strings. */
#define EXEC_FIRST_FILE(ev) (1 + (ev)->u.exec.argc)
