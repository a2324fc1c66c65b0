/* rr's extension commands (qRRCmd), as rr's gdb macros send them:
 *
 *   qRRCmd:<name>:<tid>[:<arg>]...
 *
 * <name> is the command's name as plain text (e.g. "when", "when-ticks",
 * "checkpoint", "info checkpoints"), <tid> the decimal tid of gdb's
 * selected thread (-1 when none), and each <arg> hex-encoded (two digits
 * per byte).  Delve sends the older form, every field hex, no tid:
 *
 *   qRRCmd:<hex name>[:<hex arg>]...
 *  The reply is the hex-encoded text to print, which rr ends
 * with '\n'; the macro prints it unless it is just "\n". */
#pragma once
#include <sys/types.h>

#include "gdb/gdb_server.h"
#include "gdb/strbuf.h"

/* pkt: the whole packet.  Runs tgt->rr_command (name, the tid or
 * cur_tid if gdb gave none, the args decoded and joined by spaces) and
 * appends the reply; E01 for a malformed packet. */
void gdb_rr_cmd(const struct gdb_target *tgt, const char *pkt, pid_t cur_tid,
                struct strbuf *reply);
