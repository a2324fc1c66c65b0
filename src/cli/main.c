/* rewind: record a program once, replay that exact execution as often as
 * needed.  Speaks rr's command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/die.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"record", cmd_record, "record PROG ARGS... into a new trace"},
    {"replay", cmd_replay, "replay a trace (-a: to the end, no debugger)"},
    {"ls", cmd_ls, "list traces"},
    {"ps", cmd_ps, "list the processes of a trace"},
    {"dump", cmd_dump, "print every event of a trace"},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: rewind [--version] COMMAND [OPTIONS] [ARGS]\n\n"
                 "Record-and-replay debugging without hardware performance counters.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-8s %s\n", "help", "this text; `rewind help COMMAND` for a command's options");
    fprintf(out, "\nTraces live in $_RR_TRACE_DIR, else $XDG_DATA_HOME/rr, else "
                 "~/.local/share/rr.\n");
}

int main(int argc, char **argv)
{
    debug_enabled = getenv("REWIND_DEBUG") != NULL;
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("rewind version %s\n", REWIND_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        if (argc > 2) {
            for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
                if (!strcmp(argv[2], commands[i].name)) {
                    char *help_argv[] = {argv[2], "--help", NULL};
                    return commands[i].run(2, help_argv);
                }
            die("unknown command '%s' (see `rewind help`)", argv[2]);
        }
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    die("unknown command '%s' (see `rewind help`)", cmd);
}
