/* TEMPORARY until cli/gdb_launch.c lands. */
#include <stdio.h>
#include <sys/wait.h>
#include "replay/debugger.h"
void print_launch_lines(FILE *out, const char *host, int port, const char *exe_path)
{
    fprintf(out, "Launch gdb with\n  gdb '-l' '10000' '-ex' 'set sysroot /' '-ex' 'target extended-remote %s:%d' %s\n", host, port, exe_path);
}
pid_t launch_debugger(const struct replay_options *opt, const char *host, int port,
                      const char *exe_path, char **script_path)
{
    (void)opt; (void)script_path;
    print_launch_lines(stderr, host, port, exe_path);
    return 0;
}
void wait_debugger(pid_t pid) { waitpid(pid, NULL, 0); }
