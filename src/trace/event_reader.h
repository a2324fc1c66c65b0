/* Reading a trace's events in order, for replay, dump and ps. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "trace/event.h"

struct event_reader {
    struct stream_reader *stream;
    char *dir;
    uint64_t count; /* events read so far */
};

/* Opens the trace the user named (NULL: latest-trace); dies with one
 * clear line when it is missing, foreign, newer or damaged. */
struct event_reader *event_reader_open(const char *trace);
/* The next event; false at the clean end of the trace, and also at a
 * cut-off end when *truncated is non-NULL (set to true then).  Damage
 * dies with one line naming the trace and the event number. */
bool event_reader_next(struct event_reader *r, struct event *ev, bool *truncated);
void event_reader_close(struct event_reader *r);
