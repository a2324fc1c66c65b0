#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "trace/event_reader.h"

struct event_reader *open_trace_argument(int argc, char **argv, const char *usage, int *rc)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage, stdout);
        *rc = 0;
        return NULL;
    }
    if (argc > 2) {
        fputs(usage, stderr);
        *rc = 1;
        return NULL;
    }
    return event_reader_open(argc > 1 ? argv[1] : NULL);
}
