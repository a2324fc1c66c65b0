/* qXfer:libraries-svr4:read: the dynamic linker's list of loaded objects,
 * read from the program's memory: auxv AT_PHDR/AT_PHNUM give the program
 * headers, PT_PHDR the load bias, PT_DYNAMIC's DT_DEBUG the r_debug, and
 * r_debug.r_map the link_map list. */
#pragma once
#include <sys/types.h>

#include "gdb/gdb_server.h"
#include "gdb/strbuf.h"

/* Appends the <library-list-svr4> document for process pid.  annex is
 * the request's annex: "" for the whole list, or "start=<lm>;prev=<lm>"
 * (gdbs that know linker namespaces add "lmid=<id>;", and require the
 * lmid attribute we always give: 0, the only namespace we list) to list
 * from link_map start on.  Before the dynamic linker has set up
 * r_debug (or for a static program) the list is empty.  Returns 0, or -1
 * for a malformed annex. */
int gdb_svr4_library_list(const struct gdb_target *tgt, pid_t pid, const char *annex,
                          struct strbuf *out);
