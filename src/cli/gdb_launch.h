/* Starting the debugger for `rewind replay` (without -a and -s), and the
 * lines `rewind replay -s PORT` prints so that a person or a tool (Delve's
 * `dlv replay`) can start it.  Both follow rr:
 *
 *   Launch gdb with
 *     gdb '-l' '10000' '-ex' 'set sysroot /' '-ex' 'target extended-remote 127.0.0.1:PORT' /path/to/exe
 *
 * and the launched debugger gets, in this order:
 *
 *   DEBUGGER -l 10000 -ex 'set sysroot /' -x GDBINIT USER-ARGS... -ex 'target extended-remote HOST:PORT' EXE
 *
 * where USER-ARGS are those of -x FILE (as "-x FILE"), -o OPTION,
 * --fullname, -i X (as "-i X") and everything after "--", in command-line
 * order.  The target command goes right before the first user "-ex C"
 * whose C is "continue" or an abbreviation of it ("c", "cont"), so that
 * such a command runs once gdb is connected, else after all of them.
 * "-l 10000": gdb waits up to 10000 s for an answer (a restart can replay
 * for long before it answers).  "set sysroot /": gdb reads the program's
 * files from this machine's file system, not through the connection. */
#pragma once
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

/* src/cli/gdbinit_script.c: what `rewind gdbinit` prints. */
extern const char gdbinit_script[];

/* "target extended-remote HOST:PORT", or "... tcp6:[HOST]:PORT" for an
 * IPv6 address (a HOST containing ':').  Returns a malloc'd string. */
char *gdb_target_command(const char *host, int port);

/* rr's two lines (above), with debugger "gdb" as Delve expects. */
void print_launch_lines(FILE *out, const char *host, int port, const char *exe_path);
/* The same naming another debugger (rr prints the -d FILE given). */
void print_launch_lines_for(FILE *out, const char *debugger, const char *host, int port,
                            const char *exe_path);

/* The debugger's argv (above), NULL-terminated; free with
 * gdb_argv_free().  debugger NULL: "gdb". */
char **gdb_launch_argv(const char *debugger, const char *host, int port, const char *gdbinit_path,
                       const char *const *user_args, int nuser_args, const char *exe_path);
void gdb_argv_free(char **argv);

/* Writes gdbinit_script into an anonymous file and returns its descriptor
 * (close-on-exec; gdb_spawn lets the debugger inherit it), with the path
 * through which the debugger reads it ("/proc/self/fd/N") in path. */
int gdbinit_file(char *path, size_t len);

/* Starts argv[0] (looked up in PATH) with argv, GDB_UNDER_RR=1 in its
 * environment (as rr sets it, for gdb scripts that check it) and keep_fd
 * open in it; returns its pid once it has been exec'd (dies with one line
 * when it cannot be).  The debugger runs on the terminal as rewind's
 * child, in rewind's process group.
 *
 * SIGINT: from here on, rewind (the replayer) catches SIGINT with a
 * handler that only counts it, as rr's does, so that ^C typed at the
 * terminal is gdb's alone (gdb sends the interrupt over the connection).
 * A handler rather than SIG_IGN because exec resets handlers, not
 * SIG_IGN: a program the replayer starts (again, on a restart) must get
 * SIGINT's default disposition.  The handler is installed with SA_RESTART;
 * poll() and the like still return EINTR on ^C.  Call gdb_wait() when
 * done. */
pid_t gdb_spawn(char *const argv[], int keep_fd);

/* How many SIGINTs arrived since gdb_spawn() (the replayer may use this to
 * stop a long replay towards its target, as rr does). */
extern volatile sig_atomic_t debugger_sigints;

/* Waits for the debugger to end and puts SIGINT back to its default;
 * returns its wait status. */
int gdb_wait(pid_t pid);

struct replay_options;
/* All of the above for `rewind replay` without -a/-s once the replay is
 * where debugging starts: writes the gdbinit file, builds the argv from
 * opt (debugger, gdb_args) and starts the debugger, connecting to
 * host:port, with exe_path (the debugged process's executable) last.
 * Returns the debugger's pid. */
pid_t launch_debugger(const struct replay_options *opt, const char *host, int port,
                      const char *exe_path);
