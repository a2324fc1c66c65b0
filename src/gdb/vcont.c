#include "gdb/vcont.h"

#include "gdb/hex.h"
#include "gdb/signals.h"
#include "gdb/thread_id.h"

#include <stdbool.h>
#include <stdint.h>

enum vcont_parse gdb_parse_vcont(const char *args, pid_t step_tid, struct gdb_resume *out)
{
    bool have_step = false, have_cont = false;
    int nactions = 0;
    pid_t cont_tid = -1;
    int step_sig = 0, cont_sig = 0;
    const char *p = args;
    if (*p != ';')
        return VCONT_MALFORMED;
    while (*p == ';') {
        p++;
        char act = *p++;
        uint64_t sig = 0;
        switch (act) {
        case 'c':
        case 's':
            break;
        case 'C':
        case 'S':
            if (!(p = hex_u64(p, &sig)) || sig > 0xff)
                return VCONT_MALFORMED;
            break;
        case 'r': /* range stepping: "r<start>,<end>" */
        case 't': /* stop (non-stop mode) */
            return VCONT_UNSUPPORTED;
        default:
            return VCONT_MALFORMED;
        }
        struct gdb_ptid id = {-1, -1};
        if (*p == ':' && !(p = gdb_parse_ptid(p + 1, &id)))
            return VCONT_MALFORMED;
        if (*p && *p != ';')
            return VCONT_MALFORMED;
        nactions++;
        bool one_thread = id.tid > 0;
        int lsig = gdb_signal_to_linux((int)sig);
        if (act == 's' || act == 'S') {
            if (!have_step) {
                have_step = true;
                step_tid = one_thread ? (pid_t)id.tid : step_tid;
                step_sig = lsig;
            }
        } else if (!have_cont) {
            have_cont = true;
            cont_tid = one_thread ? (pid_t)id.tid : -1;
            cont_sig = lsig;
        } else if (!cont_sig) {
            cont_sig = lsig;
        }
    }
    if (*p || !nactions)
        return VCONT_MALFORMED;
    if (have_step) {
        *out = (struct gdb_resume){.kind = GDB_RESUME_STEP, .tid = step_tid, .sig = step_sig};
    } else {
        *out = (struct gdb_resume){
            .kind = GDB_RESUME_CONTINUE, .tid = nactions == 1 ? cont_tid : -1, .sig = cont_sig};
    }
    return VCONT_OK;
}
