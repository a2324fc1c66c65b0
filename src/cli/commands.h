/* The subcommands of `rewind` (rr's command line). */
#pragma once

int cmd_record(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_dump(int argc, char **argv);

/* "rewind 0.1.0" */
#define REWIND_VERSION "0.1.0"

struct event_reader;
/* For commands taking one optional TRACE argument: handles --help/-h and
 * a wrong argument count (printing usage; NULL with *rc set), else opens
 * the trace's events. */
struct event_reader *open_trace_argument(int argc, char **argv, const char *usage, int *rc);
