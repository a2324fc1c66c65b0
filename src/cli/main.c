/* rewind: record a program once, replay that exact execution as often as
 * needed.  Speaks rr's command line. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
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
    {"pack", cmd_pack, "make traces self-contained and remove duplicate files"},
    {"mv", cmd_mv, "move or rename a trace"},
    {"rm", cmd_rm, "remove a trace"},
    {"gdbinit", cmd_gdbinit, "print the gdb commands for debugging a replay"},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: rewind [GLOBAL-OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
                 "Record-and-replay debugging without hardware performance counters.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-8s %s\n", "help", "this text; `rewind help COMMAND` for a command's options");
    fprintf(out, "\nGlobal options (rr's):\n"
                 "  -M, --mark-stdio  mark each line the program writes to stdout/stderr\n"
                 "                    with [rr PID EVENT] (replay)\n"
                 "  -N, --version     print the version (also -V)\n"
                 "  -L, --list-commands  list the commands\n"
                 "  -S, --suppress-environment-warnings, -F, --force-things,\n"
                 "  --non-interactive, --disable-cpuid-faulting,\n"
                 "  --disable-ptrace-exit-events, --resource-path=PATH, --log=SPEC\n"
                 "                    accepted for rr compatibility (no effect)\n"
                 "rr's -A, -C, -D, -E, -K and -T are not supported.\n");
    fprintf(out, "\nTraces live in $_RR_TRACE_DIR, else $XDG_DATA_HOME/rr, else "
                 "~/.local/share/rr.\n");
}

int main(int argc, char **argv)
{
    debug_enabled = getenv("REWIND_DEBUG") != NULL;
    if (sodium_init() < 0) /* the hashes of written bytes and of packed files */
        die("cannot initialise libsodium");
    /* rr's global options come before the command. */
    const struct cli_opt *const tables[] = {global_options, NULL};
    struct cli_args a = {.cmd = "", .argc = argc, .argv = argv, .i = 1};
    while (a.i < argc && strcmp(argv[a.i], "--help") && strcmp(argv[a.i], "-h") &&
           strcmp(argv[a.i], "-V")) {
        const char *value;
        int id = cli_next_option(&a, tables, &value);
        if (!id)
            break;
        apply_global_option(id, value);
    }
    if (show_version) {
        printf("rewind version %s\n", REWIND_VERSION);
        return 0;
    }
    if (show_commands) {
        for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
            printf("%s\n", commands[i].name);
        printf("help\n");
        return 0;
    }
    if (a.i >= argc) {
        usage(stderr);
        return 1;
    }
    argc -= a.i - 1;
    argv += a.i - 1;
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-V")) {
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
