/* rewind replay [OPTIONS] [TRACE] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/die.h"
#include "replay/replayer.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: rewind replay [OPTIONS] [TRACE]\n"
            "Replays TRACE (default: latest-trace) exactly as it was recorded.\n\n"
            "  -a, --autopilot         replay to the end without a debugger\n"
            "  -q, --no-redirect-output  do not reproduce the program's stdout/stderr\n"
            "  -h, --help              this text\n"
            "Exits 0 when the replay reached the end matching the recording; a\n"
            "mismatch stops with \"divergence at event N\" and exits non-zero.\n");
}

int cmd_replay(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"autopilot", no_argument, 0, 'a'},
        {"dbgport", required_argument, 0, 's'},
        {"no-redirect-output", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    struct replay_options opt = {0};
    opt.dbgport = -1;
    bool autopilot = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "aqhs:", longopts, NULL)) != -1) {
        switch (c) {
        case 'a': autopilot = true; break;
        case 'q': opt.quiet = true; break;
        case 's': opt.dbgport = atoi(optarg); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind < argc)
        opt.trace = argv[optind++];
    if (optind < argc)
        die("unexpected argument '%s'", argv[optind]);
    opt.autopilot = autopilot;
    return replay_run(&opt);
}
