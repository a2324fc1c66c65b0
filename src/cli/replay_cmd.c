/* rewind replay [OPTIONS] [TRACE] [-- DEBUGGER-OPTIONS]: rr's options,
 * read into struct replay_options for replay_run(). */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/die.h"
#include "replay/checkpoint.h"
#include "replay/replayer.h"
#include "trace/event_reader.h"
#include "trace/machine.h"
#include "trace/tracedir.h"

static void usage(FILE *out)
{
    fputs("Usage: rewind replay [OPTIONS] [TRACE] [-- DEBUGGER-OPTIONS]\n"
          "Replays TRACE (default: latest-trace) exactly as it was recorded, under gdb:\n"
          "rewind starts gdb connected to the replay, unless -a (no debugger) or -s/-h\n"
          "(serve a debugger started by someone else).\n\n"
          "  -a, --autopilot            replay to the end without a debugger\n"
          "  -q, --no-redirect-output   do not reproduce the program's stdout/stderr\n"
          "  -s, --dbgport=PORT         do not launch gdb: wait for a debugger to connect\n"
          "                             on PORT (0: any free port) and print the gdb\n"
          "                             command that connects\n"
          "  -h, --dbghost=HOST         listen on HOST (default 127.0.0.1); implies\n"
          "                             serving only, as -s does\n"
          "  -k, --keep-listening       with -s: wait for another connection after the\n"
          "                             debugger detaches\n"
          "  -g, --goto=EVENT           start debugging at event EVENT (see -M and\n"
          "                             `rewind dump`)\n"
          "  -e, --goto-exit            start debugging where the program exits\n"
          "  -p, --onprocess=PID|COMMAND\n"
          "                             start debugging when process PID, or the first\n"
          "                             process running COMMAND, has exec()d (and the\n"
          "                             -g event is reached)\n"
          "  -f, --onfork=PID           start debugging when process PID has been\n"
          "                             fork()ed (and the -g event is reached)\n"
          "  -d, --debugger=FILE        launch FILE as gdb (default: gdb in PATH)\n"
          "  -x, --gdb-x=FILE           gdb runs the commands in FILE (gdb -x FILE)\n"
          "  -o, --debugger-option=OPTION\n"
          "                             pass OPTION to gdb (one argument)\n"
          "  --fullname\n"
          "  -i, --interpreter=X        passed to gdb as --fullname and -i X, for IDEs\n"
          "                             (GNU Emacs: -i=mi)\n"
          "  -u, --cpu-unbound          accepted for rr compatibility (rewind's replay\n"
          "                             already runs on any CPU)\n"
          "  --checkpoint-memory=MIB    memory the automatic checkpoints that reverse\n"
          "                             execution starts from may take (default 1024;\n"
          "                             0: none, every reverse step replays from the\n"
          "                             start)\n"
          "  --checkpoint-interval=EVENTS\n"
          "                             a checkpoint wherever one can be taken, at\n"
          "                             least EVENTS events apart (default: after 1000\n"
          "                             events and 100 ms of replay under gdb, every\n"
          "                             1000 events in reverse passes)\n"
          "  --help                     this text\n"
          "Everything after \"--\" is passed to gdb as it is.  Global options (before the\n"
          "command, or among these): -M/--mark-stdio marks each output line with\n"
          "[rr PID EVENT].\n"
          "With -a: exits 0 when the replay reached the end matching the recording; a\n"
          "mismatch stops with \"divergence at event N\" and exits non-zero.\n",
          out);
}

enum {
    OPT_AUTOPILOT = 100, OPT_QUIET, OPT_DBGPORT, OPT_DBGHOST, OPT_KEEP_LISTENING, OPT_GOTO,
    OPT_GOTO_EXIT, OPT_ONPROCESS, OPT_ONFORK, OPT_DEBUGGER, OPT_GDB_X, OPT_DEBUGGER_OPTION,
    OPT_FULLNAME, OPT_INTERPRETER, OPT_CPU_UNBOUND, OPT_CHECKPOINT_MEMORY, OPT_CHECKPOINT_INTERVAL, OPT_HELP,
    /* rr's, not supported: */
    OPT_TRACE, OPT_STATS, OPT_SERVE_FILES, OPT_TTY, OPT_SHARE_PRIVATE,
};

static const struct cli_opt replay_options_table[] = {
    {OPT_AUTOPILOT, 'a', "autopilot", false},
    {OPT_QUIET, 'q', "no-redirect-output", false},
    {OPT_DBGPORT, 's', "dbgport", true},
    {OPT_DBGHOST, 'h', "dbghost", true},
    {OPT_KEEP_LISTENING, 'k', "keep-listening", false},
    {OPT_GOTO, 'g', "goto", true},
    {OPT_GOTO_EXIT, 'e', "goto-exit", false},
    {OPT_ONPROCESS, 'p', "onprocess", true},
    {OPT_ONFORK, 'f', "onfork", true},
    {OPT_DEBUGGER, 'd', "debugger", true},
    {OPT_GDB_X, 'x', "gdb-x", true},
    {OPT_DEBUGGER_OPTION, 'o', "debugger-option", true},
    {OPT_FULLNAME, 0, "fullname", false},
    {OPT_INTERPRETER, 'i', "interpreter", true},
    {OPT_CPU_UNBOUND, 'u', "cpu-unbound", false},
    {OPT_CHECKPOINT_MEMORY, 0, "checkpoint-memory", true},
    {OPT_CHECKPOINT_INTERVAL, 0, "checkpoint-interval", true},
    {OPT_HELP, 0, "help", false},
    {OPT_TRACE, 't', "trace", true},
    {OPT_STATS, 0, "stats", true},
    {OPT_SERVE_FILES, 0, "serve-files", false},
    {OPT_TTY, 0, "tty", true},
    {OPT_SHARE_PRIVATE, 0, "share-private-mappings", false},
    {0, 0, NULL, false},
};

/* "-s, --dbgport" for messages. */
static const char *option_names(int id)
{
    static char buf[64];
    for (const struct cli_opt *o = replay_options_table; o->id; o++)
        if (o->id == id) {
            if (o->short_name)
                snprintf(buf, sizeof buf, "-%c/--%s", o->short_name, o->long_name);
            else
                snprintf(buf, sizeof buf, "--%s", o->long_name);
        }
    return buf;
}

/* ---- -p/-f: the process must be in the trace (rr checks it up front) */

struct procs {
    pid_t *tid, *pid;   /* thread → its process */
    int n, cap;
};

static void procs_add(struct procs *ps, pid_t tid, pid_t pid)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 64;
        ps->tid = xrealloc(ps->tid, ps->cap * sizeof *ps->tid);
        ps->pid = xrealloc(ps->pid, ps->cap * sizeof *ps->pid);
    }
    ps->tid[ps->n] = tid;
    ps->pid[ps->n++] = pid;
}

static pid_t procs_pid(const struct procs *ps, pid_t tid)
{
    for (int i = ps->n - 1; i >= 0; i--)
        if (ps->tid[i] == tid)
            return ps->pid[i];
    return tid;
}

/* rr: COMMAND matches an exec whose argv[0] is COMMAND or ends in
 * "/COMMAND". */
static bool command_matches(const char *argv0, const char *command)
{
    size_t a = strlen(argv0), c = strlen(command);
    return !strcmp(argv0, command) ||
           (a > c && argv0[a - c - 1] == '/' && !strcmp(argv0 + a - c, command));
}

/* Checks -p/-f against the trace; for -p COMMAND, returns the pid of the
 * first process that exec'd it (else the pid given). */
static pid_t check_target(const char *trace, pid_t pid, const char *command, bool need_exec)
{
    struct event_reader *r = event_reader_open(trace);
    struct procs ps = {0};
    struct event ev;
    bool cut, exists = false, execs = false;
    while (event_reader_next(r, &ev, &cut)) {
        pid_t p = procs_pid(&ps, ev.tid);
        switch (ev.type) {
        case EV_INIT:
            exists |= ev.tid == pid;
            break;
        case EV_CLONE:
            if (ev.u.clone.flags & CLONE_THREAD) {
                procs_add(&ps, ev.u.clone.child_tid, p);
            } else {
                procs_add(&ps, ev.u.clone.child_tid, ev.u.clone.child_tid);
                exists |= ev.u.clone.child_tid == pid;
            }
            break;
        case EV_EXEC:
            if (command) {
                const char *argv0 = event_string(ev.strings, ev.strings_len, 1);
                if (argv0 && command_matches(argv0, command)) {
                    pid = p;
                    exists = execs = true;
                    command = NULL;
                }
            } else {
                execs |= p == pid;
            }
            break;
        }
        if (exists && (execs || !need_exec))
            break;
    }
    event_reader_close(r);
    free(ps.tid);
    free(ps.pid);
    if (command)
        die("no process '%s' found in the trace (see `rewind ps`)", command);
    if (!exists)
        die("no process %d found in the trace (see `rewind ps`)", pid);
    if (need_exec && !execs)
        die("process %d never exec()ed (see `rewind ps`, or use -f)", pid);
    return pid;
}

int replay_parse_args(int argc, char **argv, struct replay_options *out)
{
    const struct cli_opt *const tables[] = {replay_options_table, global_options, NULL};
    struct replay_options opt = {.dbgport = -1, .dbghost = "127.0.0.1", .debugger = "gdb"};
    const char **gdb_args = xcalloc(2 * argc + 1, sizeof *gdb_args);
    int ngdb = 0;
    bool served = false;
    pid_t onprocess_pid = 0;
    const char *onprocess_command = NULL;
    struct cli_args a = {.cmd = "replay", .argc = argc, .argv = argv, .i = 1};

    for (;;) {
        const char *v;
        int id = cli_next_option(&a, tables, &v);
        if (id == 0) {
            if (a.i >= argc)
                break;
            if (!strcmp(argv[a.i], "--")) {
                while (++a.i < argc)
                    gdb_args[ngdb++] = argv[a.i];
                break;
            }
            if (opt.trace)
                die("unexpected argument '%s': the trace is '%s' (see `rewind help replay`)",
                    argv[a.i], opt.trace);
            opt.trace = argv[a.i++];
            continue;
        }
        const char *name = option_names(id);
        switch (id) {
        case OPT_AUTOPILOT: opt.autopilot = true; break;
        case OPT_QUIET: opt.quiet = true; break;
        case OPT_DBGPORT:
            opt.dbgport = cli_int_value(name, "a port number", v, 0, 65535);
            served = true;
            break;
        case OPT_DBGHOST:
            if (!*v)
                die("%s expects a host address, got ''", name);
            opt.dbghost = v;
            served = true;
            break;
        case OPT_KEEP_LISTENING: opt.keep_listening = true; break;
        case OPT_GOTO:
            opt.goto_event = cli_int_value(name, "an event number", v, 1, 4294967295LL);
            break;
        case OPT_GOTO_EXIT: opt.goto_exit = true; break;
        case OPT_ONPROCESS: {
            /* rr: a positive number is a pid, anything else a command. */
            char *end;
            long long n = strtoll(v, &end, 10);
            if (*v && !*end && n > 0) {
                onprocess_pid = cli_int_value(name, "a process id", v, 1, 2147483647);
                onprocess_command = NULL;
            } else {
                if (!*v)
                    die("%s expects a process id or a command name, got ''", name);
                onprocess_command = v;
                onprocess_pid = 0;
            }
            opt.onfork = 0;
            break;
        }
        case OPT_ONFORK:
            opt.onfork = cli_int_value(name, "a process id", v, 1, 2147483647);
            onprocess_pid = 0;
            onprocess_command = NULL;
            break;
        case OPT_DEBUGGER: {
            const char *base = strrchr(v, '/');
            if (!*v)
                die("%s expects a program, got ''", name);
            if (strstr(base ? base + 1 : v, "lldb"))
                die("%s %s: rewind can launch gdb only (lldb may connect to `rewind replay -s "
                    "PORT` itself)", name, v);
            opt.debugger = v;
            break;
        }
        case OPT_GDB_X:
            gdb_args[ngdb++] = "-x";
            gdb_args[ngdb++] = v;
            break;
        case OPT_DEBUGGER_OPTION: gdb_args[ngdb++] = v; break;
        case OPT_FULLNAME: gdb_args[ngdb++] = "--fullname"; break;
        case OPT_INTERPRETER:
            gdb_args[ngdb++] = "-i";
            gdb_args[ngdb++] = v;
            break;
        case OPT_CPU_UNBOUND: break;
        case OPT_CHECKPOINT_MEMORY:
            checkpoint_set_budget(cli_int_value(name, "a number of MiB", v, 0, 1048576));
            break;
        case OPT_CHECKPOINT_INTERVAL:
            checkpoint_set_interval(cli_int_value(name, "a number of events", v, 1, 4294967295LL));
            break;
        case OPT_HELP:
            usage(stdout);
            free(gdb_args);
            return 1;
        case OPT_TRACE:
        case OPT_STATS:
        case OPT_SERVE_FILES:
        case OPT_TTY:
        case OPT_SHARE_PRIVATE:
            die("rr's option %s is not supported by rewind", name);
        default:
            apply_global_option(id, v);
            break;
        }
    }

    if (opt.keep_listening && opt.dbgport < 0)
        die("-k/--keep-listening needs -s/--dbgport");
    if (opt.goto_exit && opt.goto_event)
        die("-e/--goto-exit and -g/--goto cannot be combined");
    /* rr: -h alone serves too, on a port of its choosing. */
    if (served && opt.dbgport < 0)
        opt.dbgport = 0;
    if (onprocess_pid || onprocess_command || opt.onfork) {
        pid_t pid = check_target(opt.trace, opt.onfork ? opt.onfork : onprocess_pid,
                                 onprocess_command, !opt.onfork);
        if (!opt.onfork) {
            static char pidbuf[16];
            snprintf(pidbuf, sizeof pidbuf, "%d", (int)pid);
            opt.onprocess = pidbuf;
        }
    }
    opt.mark_stdio = mark_stdio;
    opt.gdb_args = gdb_args;
    opt.ngdb_args = ngdb;
    *out = opt;
    return 0;
}

int cmd_replay(int argc, char **argv)
{
    struct replay_options opt;
    if (replay_parse_args(argc, argv, &opt))
        return 0;
    /* Another machine: say what differs before anything can diverge. */
    char *dir = trace_dir_open(opt.trace);
    machine_check(dir);
    free(dir);
    int rc = replay_run(&opt);
    free(opt.gdb_args);
    return rc;
}
