#include "cli/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/die.h"

/* " (see `rewind help replay`)" */
static const char *see_help(const struct cli_args *a)
{
    static char buf[64];
    snprintf(buf, sizeof buf, " (see `rewind help%s%s`)", *a->cmd ? " " : "", a->cmd);
    return buf;
}

static const struct cli_opt *find_short(const struct cli_opt *const *tables, char c)
{
    for (; *tables; tables++)
        for (const struct cli_opt *o = *tables; o->id; o++)
            if (o->short_name && o->short_name == c)
                return o;
    return NULL;
}

/* name is len characters long: the exact long option, else the only one
 * it is a prefix of. */
static const struct cli_opt *find_long(const struct cli_args *a, const struct cli_opt *const *tables,
                                       const char *name, size_t len)
{
    const struct cli_opt *found = NULL;
    int matches = 0;
    for (const struct cli_opt *const *t = tables; *t; t++)
        for (const struct cli_opt *o = *t; o->id; o++) {
            if (!o->long_name || strncmp(o->long_name, name, len))
                continue;
            if (!o->long_name[len])
                return o;
            if (!found || found->id != o->id)
                matches++;
            found = o;
        }
    if (matches > 1)
        die("option '--%.*s' is ambiguous%s", (int)len, name, see_help(a));
    return found;
}

int cli_next_option(struct cli_args *a, const struct cli_opt *const *tables, const char **value)
{
    *value = NULL;
    if (!a->bundle) {
        if (a->i >= a->argc)
            return 0;
        const char *arg = a->argv[a->i];
        if (arg[0] != '-' || !arg[1] || !strcmp(arg, "--"))
            return 0;
        if (arg[1] == '-') {
            const char *name = arg + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const struct cli_opt *o = find_long(a, tables, name, len);
            if (!o)
                die("unknown option '--%.*s'%s", (int)len, name, see_help(a));
            a->i++;
            if (!o->has_arg) {
                if (eq)
                    die("option '--%s' takes no value", o->long_name);
                return o->id;
            }
            if (eq) {
                *value = eq + 1;
            } else {
                if (a->i >= a->argc)
                    die("option '--%s' needs a value", o->long_name);
                *value = a->argv[a->i++];
            }
            return o->id;
        }
        a->bundle = arg + 1;
        a->i++;
    }
    char c = *a->bundle++;
    const struct cli_opt *o = find_short(tables, c);
    if (!o)
        die("unknown option '-%c'%s", c, see_help(a));
    if (!o->has_arg) {
        if (!*a->bundle)
            a->bundle = NULL;
        return o->id;
    }
    if (*a->bundle) {
        /* -xVALUE, or rr's -x=VALUE */
        *value = a->bundle + (*a->bundle == '=');
    } else {
        if (a->i >= a->argc)
            die("option '-%c' needs a value", c);
        *value = a->argv[a->i++];
    }
    a->bundle = NULL;
    return o->id;
}

const char *cli_option_name(const struct cli_opt *const *tables, int id)
{
    static char buf[64];
    for (; *tables; tables++)
        for (const struct cli_opt *o = *tables; o->id; o++)
            if (o->id == id) {
                if (o->long_name)
                    snprintf(buf, sizeof buf, "--%s", o->long_name);
                else
                    snprintf(buf, sizeof buf, "-%c", o->short_name);
                return buf;
            }
    return "?";
}

long long cli_int_value(const char *option, const char *what, const char *value,
                        long long min, long long max)
{
    char *end;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (!*value || *end || errno || v < min || v > max)
        die("%s expects %s from %lld to %lld, got '%s'", option, what, min, max, value);
    return v;
}

/* ---- rr's global options */

bool mark_stdio;
bool show_version, show_commands;

enum {
    G_MARK_STDIO = 1, G_VERSION, G_LIST_COMMANDS, G_SUPPRESS_WARNINGS, G_FORCE_THINGS,
    G_NON_INTERACTIVE, G_NO_CPUID_FAULTING, G_NO_EXIT_EVENTS, G_RESOURCE_PATH, G_LOG,
    /* rr's, not supported: */
    G_MICROARCH, G_CHECKSUM, G_DUMP_ON, G_DUMP_AT, G_FATAL_ERRORS, G_CHECK_MMAPS,
};

const struct cli_opt global_options[] = {
    {G_MARK_STDIO, 'M', "mark-stdio", false},
    {G_VERSION, 'N', "version", false},
    {G_LIST_COMMANDS, 'L', "list-commands", false},
    {G_SUPPRESS_WARNINGS, 'S', "suppress-environment-warnings", false},
    {G_FORCE_THINGS, 'F', "force-things", false},
    {G_NON_INTERACTIVE, 0, "non-interactive", false},
    {G_NO_CPUID_FAULTING, 0, "disable-cpuid-faulting", false},
    {G_NO_EXIT_EVENTS, 0, "disable-ptrace-exit-events", false},
    {G_RESOURCE_PATH, 0, "resource-path", true},
    {G_LOG, 0, "log", true},
    {G_MICROARCH, 'A', "microarch", true},
    {G_CHECKSUM, 'C', "checksum", true},
    {G_DUMP_ON, 'D', "dump-on", true},
    {G_DUMP_AT, 'T', "dump-at", true},
    {G_FATAL_ERRORS, 'E', "fatal-errors", false},
    {G_CHECK_MMAPS, 'K', "check-cached-mmaps", false},
    {0, 0, NULL, false},
};

bool apply_global_option(int id, const char *value)
{
    (void)value;
    switch (id) {
    case G_MARK_STDIO: mark_stdio = true; return true;
    case G_VERSION: show_version = true; return true;
    case G_LIST_COMMANDS: show_commands = true; return true;
    /* Nothing to do in rewind: it prints no environment warnings, needs no
     * forcing, never prompts, uses neither CPUID faulting nor
     * PTRACE_EVENT_EXIT's absence, has no resource files, and its only
     * logging is REWIND_DEBUG. */
    case G_SUPPRESS_WARNINGS:
    case G_FORCE_THINGS:
    case G_NON_INTERACTIVE:
    case G_NO_CPUID_FAULTING:
    case G_NO_EXIT_EVENTS:
    case G_RESOURCE_PATH:
    case G_LOG:
        return true;
    case G_MICROARCH:
    case G_CHECKSUM:
    case G_DUMP_ON:
    case G_DUMP_AT:
    case G_FATAL_ERRORS:
    case G_CHECK_MMAPS: {
        const struct cli_opt *o = global_options;
        while (o->id != id)
            o++;
        die("rr's option -%c (--%s) is not supported by rewind", o->short_name, o->long_name);
    }
    }
    return false;
}
