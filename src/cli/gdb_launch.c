#include "cli/gdb_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/die.h"
#include "replay/replayer.h"

char *gdb_target_command(const char *host, int port)
{
    char buf[512];
    if (strchr(host, ':'))
        snprintf(buf, sizeof buf, "target extended-remote tcp6:[%s]:%d", host, port);
    else
        snprintf(buf, sizeof buf, "target extended-remote %s:%d", host, port);
    return xstrdup(buf);
}

void print_launch_lines_for(FILE *out, const char *debugger, const char *host, int port,
                            const char *exe_path)
{
    char *target = gdb_target_command(host, port);
    /* rr's format: the debugger and the executable as they are, every
     * argument between them in single quotes followed by a space. */
    fprintf(out, "Launch gdb with\n  %s '-l' '10000' '-ex' 'set sysroot /' '-ex' '%s' %s\n",
            debugger ? debugger : "gdb", target, exe_path);
    fflush(out);
    free(target);
}

void print_launch_lines(FILE *out, const char *host, int port, const char *exe_path)
{
    print_launch_lines_for(out, "gdb", host, port, exe_path);
}

/* rr puts the target command before a user's "-ex continue" (or an
 * abbreviation of "continue", the empty one included). */
static int needs_target(const char *cmd)
{
    size_t n = strlen(cmd);
    return n <= strlen("continue") && !strncmp(cmd, "continue", n);
}

char **gdb_launch_argv(const char *debugger, const char *host, int port, const char *gdbinit_path,
                       const char *const *user_args, int nuser_args, const char *exe_path)
{
    char **v = xcalloc(nuser_args + 12, sizeof *v);
    int n = 0;
    v[n++] = xstrdup(debugger ? debugger : "gdb");
    v[n++] = xstrdup("-l");
    v[n++] = xstrdup("10000");
    v[n++] = xstrdup("-ex");
    v[n++] = xstrdup("set sysroot /");
    v[n++] = xstrdup("-x");
    v[n++] = xstrdup(gdbinit_path);
    int targeted = 0;
    for (int i = 0; i < nuser_args; i++) {
        if (!targeted && !strcmp(user_args[i], "-ex") && i + 1 < nuser_args &&
            needs_target(user_args[i + 1])) {
            v[n++] = xstrdup("-ex");
            v[n++] = gdb_target_command(host, port);
            targeted = 1;
        }
        v[n++] = xstrdup(user_args[i]);
    }
    if (!targeted) {
        v[n++] = xstrdup("-ex");
        v[n++] = gdb_target_command(host, port);
    }
    v[n++] = xstrdup(exe_path);
    v[n] = NULL;
    return v;
}

void gdb_argv_free(char **argv)
{
    for (char **p = argv; *p; p++)
        free(*p);
    free(argv);
}

int gdbinit_file(char *path, size_t len)
{
    int fd = memfd_create("rewind-gdbinit", MFD_CLOEXEC);
    if (fd < 0) {
        /* No memfd: an unlinked temporary file does as well. */
        const char *dir = getenv("TMPDIR");
        char name[4096];
        snprintf(name, sizeof name, "%s/rewind-gdbinit-XXXXXX", dir && *dir ? dir : "/tmp");
        fd = mkostemp(name, O_CLOEXEC);
        if (fd < 0)
            die_errno("cannot create the gdb command file %s", name);
        unlink(name);
    }
    size_t size = strlen(gdbinit_script), done = 0;
    while (done < size) {
        ssize_t w = write(fd, gdbinit_script + done, size - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die_errno("cannot write the gdb command file");
        done += w;
    }
    snprintf(path, len, "/proc/self/fd/%d", fd);
    return fd;
}

volatile sig_atomic_t debugger_sigints;

static void count_sigint(int sig)
{
    (void)sig;
    debugger_sigints++;
}

extern char **environ;

pid_t gdb_spawn(char *const argv[], int keep_fd)
{
    /* The environment is built before fork: only async-signal-safe calls
     * between fork and exec. */
    int nenv = 0;
    while (environ[nenv])
        nenv++;
    char **envp = xcalloc(nenv + 2, sizeof *envp);
    int m = 0;
    for (int i = 0; i < nenv; i++)
        if (strncmp(environ[i], "GDB_UNDER_RR=", 13))
            envp[m++] = environ[i];
    envp[m++] = "GDB_UNDER_RR=1";
    envp[m] = NULL;

    struct sigaction sa = {.sa_handler = count_sigint, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    debugger_sigints = 0;

    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0)
        die_errno("pipe");
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        die_errno("cannot start the debugger: fork");
    if (pid == 0) {
        close(report[0]);
        struct sigaction dfl = {.sa_handler = SIG_DFL};
        sigemptyset(&dfl.sa_mask);
        sigaction(SIGINT, &dfl, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (keep_fd >= 0)
            fcntl(keep_fd, F_SETFD, 0);
        execvpe(argv[0], argv, envp);
        int err = errno;
        ssize_t unused = write(report[1], &err, sizeof err);
        (void)unused;
        _exit(127);
    }
    close(report[1]);
    free(envp);
    int err;
    ssize_t n;
    while ((n = read(report[0], &err, sizeof err)) < 0 && errno == EINTR)
        ;
    close(report[0]);
    if (n == (ssize_t)sizeof err) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        signal(SIGINT, SIG_DFL);
        errno = err;
        die_errno("cannot run the debugger '%s'", argv[0]);
    }
    return pid;
}

int gdb_wait(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            status = -1;
            break;
        }
    signal(SIGINT, SIG_DFL);
    return status;
}

pid_t launch_debugger(const struct replay_options *opt, const char *host, int port,
                      const char *exe_path)
{
    char path[64];
    int fd = gdbinit_file(path, sizeof path);
    char **argv = gdb_launch_argv(opt->debugger, host, port, path, opt->gdb_args,
                                  opt->ngdb_args, exe_path);
    pid_t pid = gdb_spawn(argv, fd);
    gdb_argv_free(argv);
    close(fd);
    return pid;
}
