/* Command-line options the way rr reads them: `-x VALUE`, `-xVALUE` and
 * `-x=VALUE` for short options (rr's help shows `-i=mi`), `--name VALUE` and
 * `--name=VALUE` for long ones, long names abbreviable to a unique prefix,
 * and, as getopt allows, short flags bundled (`-aq`).  Options and the
 * other arguments may be interleaved.  Every mistake dies with one
 * "rewind: ..." line. */
#pragma once
#include <stdbool.h>

struct cli_opt {
    int id;                 /* > 0, returned by cli_next_option */
    char short_name;        /* 0: long name only */
    const char *long_name;  /* NULL: short name only */
    bool has_arg;
};

struct cli_args {
    const char *cmd;        /* "replay": named in error messages */
    int argc;
    char **argv;
    int i;                  /* next argument to look at (start at 1) */
    const char *bundle;     /* inside "-abc": the options not yet read */
};

/* The option at a->i, from any of the tables (a NULL-terminated list):
 * returns its id (with *value set for one taking a value) and moves past
 * it; returns 0, leaving a->i alone, when argv[a->i] is not an option (a
 * plain argument, "-" or "--") or there are no arguments left.  Dies on an
 * unknown or ambiguous option, a missing value, or a value given to a
 * flag. */
int cli_next_option(struct cli_args *a, const struct cli_opt *const *tables, const char **value);

/* The option as the user wrote it, for messages: "-s" or "--dbgport". */
const char *cli_option_name(const struct cli_opt *const *tables, int id);

/* value as a decimal integer in [min, max], or a one-line death naming
 * the option and what it expects ("a port number", "an event number"). */
long long cli_int_value(const char *option, const char *what, const char *value,
                        long long min, long long max);

/* rr's global options (given before the command; `rewind replay` also
 * takes them among its own, as rr's commands do).  The ids are below 100;
 * commands number theirs from 100. */
extern const struct cli_opt global_options[];
/* Applies a global option returned by cli_next_option; returns false
 * when id is not a global option's. */
bool apply_global_option(int id, const char *value);
/* Set by -N/--version and -L/--list-commands (main() acts on them). */
extern bool show_version, show_commands;
