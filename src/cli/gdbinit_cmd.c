/* rewind gdbinit: prints the gdb script that gives gdb rr's extension
 * commands for a rewind replay (src/cli/gdbinit_script.c), for a gdb that
 * rewind does not launch itself (an IDE, `rewind replay -s PORT`). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/gdb_launch.h"
#include "cli/options.h"
#include "common/die.h"

static void usage(FILE *out)
{
    fputs("Usage: rewind gdbinit\n"
          "Prints the gdb commands that `rewind replay` loads into the gdb it launches:\n"
          "rr's replay commands (when, when-ticks, when-tid, elapsed-time, checkpoint,\n"
          "restart, delete checkpoint, info checkpoints, info recording, back, forward,\n"
          "seek-ticks) and rr's settings for a replay.  For a gdb started another way\n"
          "(rewind replay -s PORT, an IDE): save the output to a file and `source` it\n"
          "in gdb.\n",
          out);
}

int cmd_gdbinit(int argc, char **argv)
{
    enum { OPT_HELP = 100 };
    static const struct cli_opt own[] = {{OPT_HELP, 0, "help", false}, {0, 0, NULL, false}};
    const struct cli_opt *const tables[] = {own, global_options, NULL};
    struct cli_args a = {.cmd = "gdbinit", .argc = argc, .argv = argv, .i = 1};
    const char *value;
    int id;
    while ((id = cli_next_option(&a, tables, &value))) {
        if (id == OPT_HELP) {
            usage(stdout);
            return 0;
        }
        apply_global_option(id, value);
    }
    if (a.i < argc)
        die("unexpected argument '%s' (`rewind gdbinit` takes none)", argv[a.i]);
    fputs(gdbinit_script, stdout);
    return 0;
}
