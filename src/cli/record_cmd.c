/* rewind record [OPTIONS] [--] PROG ARGS... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/die.h"
#include "record/recorder.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: rewind record [OPTIONS] [--] PROG [ARGS...]\n"
            "Runs PROG and records the execution into a new trace directory.\n"
            "Exits with PROG's exit status (128+N when a signal N killed it).\n\n"
            "  -o, --output-trace-dir=DIR  write the trace to DIR (must not exist or be empty)\n"
            "  --print-trace-dir=FD        print the trace directory to file descriptor FD\n"
            "  -v, --env=NAME=VALUE        set NAME=VALUE in PROG's environment\n"
            "  --zstd-level=N              trace compression level 1..19 (default 3)\n"
            "  -h, --chaos                 randomise scheduling (which thread runs next, time\n"
            "                              slices) to make rare interleavings common\n"
            "  --chaos-seed=N              the seed of those choices (stored in the trace;\n"
            "                              `rewind dump` shows it); implies --chaos\n"
            "  -n, --no-syscall-buffer     accepted for rr compatibility (no effect)\n"
            "  --help                      this text\n");
}

/* PROG as execvp would find it; the recorded path is exactly what the
 * program's execve receives. */
static char *find_program(const char *prog)
{
    if (strchr(prog, '/')) {
        if (access(prog, F_OK) < 0)
            die("cannot find program '%s'", prog);
        return xstrdup(prog);
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        char cand[4096];
        snprintf(cand, sizeof cand, "%.*s/%s", (int)n, n ? path : ".", prog);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            return xstrdup(cand);
        path += n + (path[n] == ':');
    }
    die("cannot find program '%s' in PATH", prog);
}

int cmd_record(int argc, char **argv)
{
    enum { OPT_PRINT_DIR = 256, OPT_ZSTD, OPT_CHAOS_SEED, OPT_HELP };
    static const struct option longopts[] = {
        {"output-trace-dir", required_argument, 0, 'o'},
        {"print-trace-dir", required_argument, 0, OPT_PRINT_DIR},
        {"env", required_argument, 0, 'v'},
        {"zstd-level", required_argument, 0, OPT_ZSTD},
        {"no-syscall-buffer", no_argument, 0, 'n'},
        {"chaos", no_argument, 0, 'h'},
        {"chaos-seed", required_argument, 0, OPT_CHAOS_SEED},
        {"help", no_argument, 0, OPT_HELP},
        {0, 0, 0, 0},
    };
    struct record_options opt = {.print_trace_dir_fd = -1, .zstd_level = 3};
    char **env = xcalloc(argc + 1, sizeof *env);
    int nenv = 0, c;
    optind = 1;
    /* '+': options stop at PROG, so PROG's own options are left alone. */
    while ((c = getopt_long(argc, argv, "+o:v:nh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': opt.out_dir = optarg; break;
        case 'v':
            if (!strchr(optarg, '='))
                die("-v expects NAME=VALUE, got '%s'", optarg);
            env[nenv++] = optarg;
            break;
        case OPT_PRINT_DIR: opt.print_trace_dir_fd = atoi(optarg); break;
        case OPT_ZSTD:
            opt.zstd_level = atoi(optarg);
            if (opt.zstd_level < 1 || opt.zstd_level > 19)
                die("--zstd-level must be between 1 and 19");
            break;
        case 'n': break;
        case 'h': opt.chaos = true; break; /* rr's -h */
        case OPT_CHAOS_SEED: {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || !*optarg || v == 0 || v > 0xffffffffUL)
                die("--chaos-seed expects a number from 1 to 4294967295, got '%s'", optarg);
            opt.chaos = true;
            opt.chaos_seed = v;
            break;
        }
        case OPT_HELP: usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 1;
    }
    opt.extra_env = env;
    opt.argv = argv + optind;
    opt.exe = find_program(argv[optind]);
    int rc = record_run(&opt);
    free(env);
    return rc;
}
