/* The subcommands of `rewind` (rr's command line). */
#pragma once
#include <stdbool.h>

int cmd_record(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_gdbinit(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_mv(int argc, char **argv);
int cmd_rm(int argc, char **argv);

struct replay_options;
/* `rewind replay`'s arguments (argv[0] is "replay") into *opt: returns 0
 * to replay (opt->gdb_args is malloc'd), 1 after printing --help.  Dies
 * with one "rewind: ..." line on a bad option or value, or a -p/-f
 * process missing from the trace.  -p COMMAND is resolved to the pid of
 * the first process that exec'd COMMAND: opt->onprocess is always a
 * decimal pid. */
int replay_parse_args(int argc, char **argv, struct replay_options *opt);

/* Global option -M/--mark-stdio (src/cli/options.c): replay, and later
 * record, prefix each write of the program to stdout/stderr with
 * "[rr PID EVENT]". */
extern bool mark_stdio;

/* "rewind 0.1.0" */
#define REWIND_VERSION "0.1.0"

struct event_reader;
/* For commands taking one optional TRACE argument: handles --help/-h and
 * a wrong argument count (printing usage; NULL with *rc set), else opens
 * the trace's events. */
struct event_reader *open_trace_argument(int argc, char **argv, const char *usage, int *rc);
