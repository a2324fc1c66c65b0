#include "trace/event_files.h"

/* EV_EXEC strings: exe, argv[0..argc), saved copy, interpreter copy,
 * script interpreter copy. */
const char *exec_saved_file(const struct event *ev)
{
    return event_string(ev->strings, ev->strings_len, EXEC_FIRST_FILE(ev));
}

const char *exec_interp_file(const struct event *ev)
{
    return event_string(ev->strings, ev->strings_len, EXEC_FIRST_FILE(ev) + 1);
}

const char *exec_script_file(const struct event *ev)
{
    return event_string(ev->strings, ev->strings_len, EXEC_FIRST_FILE(ev) + 2);
}
