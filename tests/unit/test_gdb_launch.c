/* Unit tests for launching gdb on a replay (src/cli/gdb_launch.c) and for
 * reading `rewind replay`'s options (src/cli/replay_cmd.c): rr's "Launch
 * gdb with" lines and gdb's argv, byte for byte.  Prints "gdb_launch: N
 * checks passed"; exits non-zero on any failure. */
#include "cli/commands.h"
#include "cli/gdb_launch.h"
#include "replay/replayer.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"


static void test_launch_lines(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    print_launch_lines(f, "127.0.0.1", 41263, "/usr/bin/true");
    fclose(f);
    const char *want = "Launch gdb with\n"
                       "  gdb '-l' '10000' '-ex' 'set sysroot /' '-ex' "
                       "'target extended-remote 127.0.0.1:41263' /usr/bin/true\n";
    CHECK(!strcmp(buf, want), "launch lines:\n%s\nwanted:\n%s", buf, want);
    free(buf);

    /* rr names the -d debugger, the host given, and the exe unquoted. */
    f = open_memstream(&buf, &len);
    print_launch_lines_for(f, "rust-gdb", "0.0.0.0", 1, "/tmp/a b");
    fclose(f);
    want = "Launch gdb with\n"
           "  rust-gdb '-l' '10000' '-ex' 'set sysroot /' '-ex' "
           "'target extended-remote 0.0.0.0:1' /tmp/a b\n";
    CHECK(!strcmp(buf, want), "launch lines for rust-gdb:\n%s", buf);
    free(buf);

    char *t = gdb_target_command("::1", 9000);
    CHECK(!strcmp(t, "target extended-remote tcp6:[::1]:9000"), "IPv6 target: %s", t);
    free(t);
}

/* argv, joined with '|' */
static char *joined(char **argv)
{
    static char buf[4096];
    buf[0] = 0;
    for (char **p = argv; *p; p++) {
        strcat(buf, *p);
        if (p[1])
            strcat(buf, "|");
    }
    return buf;
}

static void test_argv(void)
{
    char **v = gdb_launch_argv(NULL, "127.0.0.1", 41263, "/proc/self/fd/7", NULL, 0,
                               "/usr/bin/true");
    const char *want = "gdb|-l|10000|-ex|set sysroot /|-x|/proc/self/fd/7|"
                       "-ex|target extended-remote 127.0.0.1:41263|/usr/bin/true";
    CHECK(!strcmp(joined(v), want), "default argv: %s", joined(v));
    gdb_argv_free(v);

    /* The user's arguments between the gdbinit file and the target... */
    const char *user[] = {"-x", "my.gdb", "-q", "--fullname", "-i", "mi"};
    v = gdb_launch_argv("/opt/gdb", "10.0.0.1", 5, "F", user, 6, "/bin/exe");
    want = "/opt/gdb|-l|10000|-ex|set sysroot /|-x|F|-x|my.gdb|-q|--fullname|-i|mi|"
           "-ex|target extended-remote 10.0.0.1:5|/bin/exe";
    CHECK(!strcmp(joined(v), want), "argv with options: %s", joined(v));
    gdb_argv_free(v);

    /* ... but before the first "-ex continue" (or "c", "cont"). */
    const char *cont[] = {"-ex", "b main", "-ex", "cont", "-ex", "c", "-ex", "continue 2"};
    v = gdb_launch_argv(NULL, "127.0.0.1", 2, "F", cont, 8, "/bin/exe");
    want = "gdb|-l|10000|-ex|set sysroot /|-x|F|-ex|b main|"
           "-ex|target extended-remote 127.0.0.1:2|-ex|cont|-ex|c|-ex|continue 2|/bin/exe";
    CHECK(!strcmp(joined(v), want), "argv with -ex cont: %s", joined(v));
    gdb_argv_free(v);
    const char *later[] = {"-ex", "continue 2"};
    v = gdb_launch_argv(NULL, "127.0.0.1", 2, "F", later, 2, "/bin/exe");
    want = "gdb|-l|10000|-ex|set sysroot /|-x|F|-ex|continue 2|"
           "-ex|target extended-remote 127.0.0.1:2|/bin/exe";
    CHECK(!strcmp(joined(v), want), "\"continue 2\" is not a plain continue: %s", joined(v));
    gdb_argv_free(v);
}

static struct replay_options parse(int argc, const char **argv)
{
    struct replay_options opt;
    memset(&opt, 0x55, sizeof opt);
    int rc = replay_parse_args(argc, (char **)argv, &opt);
    CHECK(rc == 0, "replay_parse_args returned %d", rc);
    return opt;
}

static char *gdb_args(const struct replay_options *o)
{
    static char buf[1024];
    buf[0] = 0;
    for (int i = 0; i < o->ngdb_args; i++) {
        strcat(buf, o->gdb_args[i]);
        if (i + 1 < o->ngdb_args)
            strcat(buf, "|");
    }
    return buf;
}

static void test_replay_options(void)
{
    const char *a1[] = {"replay", NULL};
    struct replay_options o = parse(1, a1);
    CHECK(!o.trace && !o.autopilot && !o.quiet && !o.mark_stdio && !o.keep_listening &&
              !o.goto_exit && !o.onprocess && !o.onfork && !o.goto_event && !o.ngdb_args,
          "defaults");
    CHECK(o.dbgport == -1, "default dbgport %d (launch gdb)", o.dbgport);
    CHECK(!strcmp(o.dbghost, "127.0.0.1") && !strcmp(o.debugger, "gdb"), "default host %s, debugger %s",
          o.dbghost, o.debugger);
    free(o.gdb_args);

    /* rr's spellings: -x=, -i=mi, --name=value, --name value, bundles. */
    const char *a2[] = {"replay", "-x=one.gdb", "-o", "-q", "--fullname", "-i=mi", "-M", "tr",
                        "-s", "0", "-k", "--goto=17", "-d/usr/bin/gdb", "-aq", "--debugger-option",
                        "--nx", "--", "-ex", "b main", "-k", NULL};
    o = parse(20, a2);
    CHECK(!strcmp(gdb_args(&o), "-x|one.gdb|-q|--fullname|-i|mi|--nx|-ex|b main|-k"), "gdb args: %s",
          gdb_args(&o));
    CHECK(o.trace && !strcmp(o.trace, "tr"), "trace %s", o.trace ? o.trace : "(none)");
    CHECK(o.dbgport == 0 && o.keep_listening && o.goto_event == 17 && o.autopilot && o.quiet &&
              o.mark_stdio && !strcmp(o.debugger, "/usr/bin/gdb"),
          "parsed: port %d keep %d goto %llu autopilot %d quiet %d mark %d debugger %s", o.dbgport,
          o.keep_listening, (unsigned long long)o.goto_event, o.autopilot, o.quiet, o.mark_stdio,
          o.debugger);
    free(o.gdb_args);

    /* -h alone serves on a port of rewind's choosing; -s gives it. */
    const char *a3[] = {"replay", "-h", "0.0.0.0", "-e", NULL};
    o = parse(4, a3);
    CHECK(o.dbgport == 0 && !strcmp(o.dbghost, "0.0.0.0") && o.goto_exit, "-h: port %d host %s",
          o.dbgport, o.dbghost);
    free(o.gdb_args);
    const char *a4[] = {"replay", "--dbgport", "65535", "--dbgh=::1", NULL};
    o = parse(4, a4);
    CHECK(o.dbgport == 65535 && !strcmp(o.dbghost, "::1"), "-s 65535: port %d host %s", o.dbgport,
          o.dbghost);
    free(o.gdb_args);
}

static void test_gdbinit_file(void)
{
    char path[64];
    int fd = gdbinit_file(path, sizeof path);
    char want[64];
    snprintf(want, sizeof want, "/proc/self/fd/%d", fd);
    CHECK(fd >= 0 && !strcmp(path, want), "gdbinit path %s", path);
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "the gdbinit file is close-on-exec");
    size_t size = strlen(gdbinit_script);
    char *buf = malloc(size + 2);
    int rd = open(path, O_RDONLY);
    ssize_t n = read(rd, buf, size + 1);
    CHECK(n == (ssize_t)size && !memcmp(buf, gdbinit_script, size), "read back %zd of %zu bytes",
          n, size);
    close(rd);

    /* A spawned "debugger" sees the file, GDB_UNDER_RR=1 and SIGINT's
     * default disposition. */
    char script[256];
    snprintf(script, sizeof script,
             "test \"$GDB_UNDER_RR\" = 1 || exit 3; "
             "grep -q qRRCmd %s || exit 4; "
             "grep -q '^SigIgn:.*[2367abef]$' /proc/self/status && exit 5; exit 0",
             path);
    char *argv[] = {"sh", "-c", script, NULL};
    pid_t pid = gdb_spawn(argv, fd);
    struct sigaction sa;
    sigaction(SIGINT, NULL, &sa);
    CHECK(sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN && (sa.sa_flags & SA_RESTART),
          "rewind catches SIGINT while the debugger runs");
    int status = gdb_wait(pid);
    sigaction(SIGINT, NULL, &sa);
    CHECK(sa.sa_handler == SIG_DFL, "SIGINT is back to its default after gdb_wait");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "spawned debugger: status %#x", status);
    close(fd);
    free(buf);

    /* A debugger that cannot be run: one "rewind:" line, exit 1. */
    int err[2];
    if (pipe(err) < 0)
        return;
    pid_t child = fork();
    if (child == 0) {
        dup2(err[1], 2);
        char *bad[] = {"/nonexistent/gdb", NULL};
        gdb_spawn(bad, -1);
        _exit(0);
    }
    close(err[1]);
    char msg[512] = {0};
    size_t have = 0;
    ssize_t got;
    while (have < sizeof msg - 1 && (got = read(err[0], msg + have, sizeof msg - 1 - have)) > 0)
        have += got;
    close(err[0]);
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1, "missing debugger: status %#x", status);
    CHECK(!strcmp(msg, "rewind: cannot run the debugger '/nonexistent/gdb': No such file or "
                       "directory\n"),
          "missing debugger said: %s", msg);
}

int main(void)
{
    test_launch_lines();
    test_argv();
    test_replay_options();
    test_gdbinit_file();
    if (failed) {
        printf("gdb_launch: %d checks failed, %d passed\n", failed, passed);
        return 1;
    }
    printf("gdb_launch: %d checks passed\n", passed);
    return 0;
}
