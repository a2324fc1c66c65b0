/* The vCont packet: a list of ";action[:thread-id]" with actions c, Csig,
 * s, Ssig (r and t are not supported).  The replay has one resume for
 * all threads, so the list is reduced to one struct gdb_resume. */
#pragma once
#include <sys/types.h>

#include "gdb/gdb_server.h"

enum vcont_parse {
    VCONT_OK,
    VCONT_MALFORMED,    /* reply E01 */
    VCONT_UNSUPPORTED,  /* an action we do not offer (r, t): empty reply */
};

/* args: what follows "vCont" (";c", ";s:p1.2;c", ...).  A step action for
 * a thread makes a GDB_RESUME_STEP of that thread (the other threads stay
 * stopped, even when gdb said ";c" for them); a step action without a
 * thread (or for all) steps step_tid.  Otherwise GDB_RESUME_CONTINUE, with
 * tid set only when the single action names one thread.  sig is the Linux
 * number of the signal the chosen action carries (0 if none). */
enum vcont_parse gdb_parse_vcont(const char *args, pid_t step_tid, struct gdb_resume *out);
