#include "trace/event_files.h"

/* EV_EXEC strings: exe, argv[0..argc), saved copy, interpreter copy. */
const char *exec_saved_file(const struct event *ev)
{
    return event_string(ev->strings, ev->strings_len, 1 + ev->u.exec.argc);
}

const char *exec_interp_file(const struct event *ev)
{
    return event_string(ev->strings, ev->strings_len, 2 + ev->u.exec.argc);
}
