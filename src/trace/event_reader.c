#include "trace/event_reader.h"

#include <stdlib.h>

#include "common/die.h"
#include "trace/stream.h"
#include "trace/tracedir.h"

struct event_reader *event_reader_open(const char *trace)
{
    struct event_reader *r = xcalloc(1, sizeof *r);
    r->dir = trace_dir_open(trace);
    char *path = trace_path(r->dir, "events");
    char err[512];
    r->stream = stream_reader_open(path, err, sizeof err);
    if (!r->stream)
        die("%s", err);
    free(path);
    return r;
}

bool event_reader_next(struct event_reader *r, struct event *ev, bool *truncated)
{
    const void *rec;
    size_t len;
    char err[256];
    enum stream_status st = stream_next(r->stream, &rec, &len);
    if (truncated)
        *truncated = false;
    if (st == STREAM_END)
        return false;
    if (st == STREAM_TRUNCATED && truncated) {
        *truncated = true;
        return false;
    }
    if (st != STREAM_RECORD)
        die("%s: %s", r->dir, stream_error(r->stream));
    if (event_decode(rec, len, ev, err, sizeof err))
        die("%s: event %llu: %s", r->dir, (unsigned long long)r->count + 1, err);
    r->count++;
    return true;
}

void event_reader_close(struct event_reader *r)
{
    stream_reader_close(r->stream);
    free(r->dir);
    free(r);
}
