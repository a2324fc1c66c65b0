/* gdb's breakpoints and watchpoints, put into the replayed tasks.
 * Software breakpoints are int3 bytes in the debugged process's memory
 * (written through /proc/PID/mem, which copies private pages on write).
 * Hardware breakpoints and watchpoints are perf breakpoint events on each
 * of its threads, each signalling the thread with HWBP_SIGNAL and naming
 * itself in si_fd; at most DEBUG_HW_POINTS debug registers go to gdb, so
 * the replay's own counted breakpoint always finds one free. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/insn_sites.h"
#include "arch/hw_breakpoint.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "replay/debugger.h"
#include "replay/replayer.h"
#include "tracee/soft_breakpoint.h"

static const uint8_t INT3 = 0xcc;

static int insert_hw_for(struct replayer *rp, int type, uint64_t addr, int len, bool internal);
static void drop_point(struct debugger *d, int point);

struct sw_bp *debug_find_bp(struct debugger *d, pid_t pid, uint64_t addr)
{
    for (int i = 0; i < d->nbps; i++)
        if (d->bps[i].pid == pid && d->bps[i].addr == addr)
            return &d->bps[i];
    return NULL;
}

static struct ptask *debugged_task(struct replayer *rp)
{
    for (struct ptask *t = rp->tasks; t; t = t->next)
        if (t->rec_tgid == rp->dbg->rec_pid)
            return t;
    return NULL;
}

/* Puts an int3 at addr in the debugged process, for gdb or for us.  An
 * address not mapped yet fails, or with `pending` waits (pid 0) for a
 * mapping (debug_retry_pending_bps). */
static int insert_sw_pending(struct replayer *rp, uint64_t addr, bool internal, bool pending)
{
    struct debugger *d = rp->dbg;
    struct ptask *t = debugged_task(rp);
    if (!t)
        return -ESRCH;
    struct sw_bp *bp = NULL;
    for (int i = 0; i < d->nbps && !bp; i++)
        if (d->bps[i].addr == addr)
            bp = &d->bps[i];
    if (!bp) {
        if (d->nbps == d->bps_cap) {
            d->bps_cap = d->bps_cap ? 2 * d->bps_cap : 16;
            d->bps = xrealloc(d->bps, d->bps_cap * sizeof *d->bps);
        }
        bp = &d->bps[d->nbps++];
        *bp = (struct sw_bp){.addr = addr};
    }
    if (internal)
        bp->internal = true;
    else
        bp->gdb = true;
    if (bp->pid == t->tgid)
        return 0;
    uint8_t orig;
    if (tracee_read(t->tid, addr, &orig, 1) != 1 || tracee_write(t->tid, addr, &INT3, 1) < 0) {
        if (pending)
            return 0;
        *bp = d->bps[--d->nbps];
        return -EFAULT;
    }
    bp->orig = orig;
    bp->pid = t->tgid;
    return 0;
}

static int insert_sw_for(struct replayer *rp, uint64_t addr, bool internal)
{
    return insert_sw_pending(rp, addr, internal, false);
}

static void drop_bp(struct replayer *rp, struct sw_bp *bp)
{
    struct debugger *d = rp->dbg;
    for (struct ptask *t = rp->tasks; t && bp->pid; t = t->next)
        if (t->tgid == bp->pid) {
            tracee_write(t->tid, bp->addr, &bp->orig, 1);
            break;
        }
    *bp = d->bps[--d->nbps];
}

static int insert_sw(struct replayer *rp, uint64_t addr)
{
    return insert_sw_for(rp, addr, false);
}

static int remove_sw(struct replayer *rp, uint64_t addr)
{
    struct debugger *d = rp->dbg;
    for (int i = 0; i < d->nbps; i++)
        if (d->bps[i].addr == addr && d->bps[i].gdb) {
            d->bps[i].gdb = false;
            if (!d->bps[i].internal)
                drop_bp(rp, &d->bps[i]);
            break;
        }
    return 0;
}

int debug_insert_internal_bp(struct replayer *rp, uint64_t addr)
{
    return insert_sw_for(rp, addr, true);
}

void debug_drop_internal_bps(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    for (int i = d->nbps - 1; i >= 0; i--)
        if (d->bps[i].internal) {
            d->bps[i].internal = false;
            if (!d->bps[i].gdb)
                drop_bp(rp, &d->bps[i]);
        }
}

/* After a restart: gdb's breakpoints (and a pass's own) go into the new
 * debugged process.  Those in libraries not loaded yet (the restart
 * begins at the first instruction) go in once they are mapped. */
void debug_reinsert_bps(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    for (int i = d->nbps - 1; i >= 0; i--)
        if (!d->bps[i].pid)
            insert_sw_pending(rp, d->bps[i].addr, d->bps[i].internal, true);
    if (d->mode == MODE_INTERACTIVE)
        return;
    /* A place known by registers is looked for at its address. */
    if (d->goal.kind == POS_REGS)
        insert_sw_pending(rp, d->goal.regs.rip, true, true);
    if (d->goal.kind == POS_BP)
        insert_sw_pending(rp, d->goal.addr, true, true);
    /* A place counted in triggers of a watchpoint gdb has since deleted. */
    bool have = d->goal.kind != POS_WATCH;
    for (int i = 0; i < d->nhw && !have; i++)
        have = d->hw[i].type == d->goal.wtype && d->hw[i].addr == d->goal.addr;
    if (!have)
        insert_hw_for(rp, d->goal.wtype, d->goal.addr, d->goal.wlen, true);
}

void debug_retry_pending_bps(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    struct ptask *t = debugged_task(rp);
    for (int i = d->nbps - 1; t && i >= 0; i--) {
        struct sw_bp *bp = &d->bps[i];
        if (!bp->gdb && !bp->internal)
            continue;
        /* A mapping put over it (ld.so maps a library's segments over
         * its first, whole mapping) took the int3 away. */
        uint8_t now;
        if (bp->pid == t->tgid && (tracee_read(t->tid, bp->addr, &now, 1) != 1 || now != INT3))
            bp->pid = 0;
        if (!bp->pid)
            insert_sw_pending(rp, bp->addr, bp->internal, true);
    }
}

void debug_hide_bps(struct debugger *d, pid_t pid, uint64_t addr, uint8_t *buf, size_t len)
{
    insn_sites_unpatch(addr, buf, len); /* the replay's own int3s on rdtsc */
    soft_bp_unpatch(pid, addr, buf, len); /* and its counted ones (hbreak) */
    for (int i = 0; i < d->nbps; i++)
        if (d->bps[i].pid == pid && d->bps[i].addr >= addr && d->bps[i].addr - addr < len)
            buf[d->bps[i].addr - addr] = d->bps[i].orig;
}

void debug_forget_process_bps(struct debugger *d, pid_t pid)
{
    for (int i = 0; i < d->nbps;)
        if (d->bps[i].pid == pid)
            d->bps[i] = d->bps[--d->nbps];
        else
            i++;
}

void debug_clean_child(struct replayer *rp, pid_t child_pid)
{
    struct debugger *d = rp->dbg;
    for (int i = 0; i < d->nbps; i++) {
        /* The child is a copy of the process it forked from. */
        struct sw_bp *bp = &d->bps[i];
        struct ptask *parent = NULL;
        for (struct ptask *t = rp->tasks; t; t = t->next)
            if (t->tgid == bp->pid)
                parent = t;
        if (parent && parent->tgid != child_pid)
            tracee_write(child_pid, bp->addr, &bp->orig, 1);
    }
}

static void add_fd(struct debugger *d, pid_t tid, int fd, int point)
{
    if (d->nhwfds == d->hwfds_cap) {
        d->hwfds_cap = d->hwfds_cap ? 2 * d->hwfds_cap : 16;
        d->hwfds = xrealloc(d->hwfds, d->hwfds_cap * sizeof *d->hwfds);
    }
    d->hwfds[d->nhwfds++] = (struct hw_fd){tid, fd, point};
}

static int arm_point(struct replayer *rp, struct ptask *t, int point)
{
    const struct hw_point *p = &rp->dbg->hw[point];
    int fd = hwbp_open_kind(t->tid, p->type == 1 ? HWBP_EXEC : p->type == 2 ? HWBP_WRITE : HWBP_ACCESS,
                            p->addr, p->len, 1);
    if (fd < 0)
        return -errno;
    add_fd(rp->dbg, t->tid, fd, point);
    return 0;
}

void debug_arm_thread(struct replayer *rp, struct ptask *t)
{
    for (int i = 0; i < rp->dbg->nhw; i++)
        if (arm_point(rp, t, i) < 0)
            warn("cannot watch 0x%llx in thread %d: %s", (unsigned long long)rp->dbg->hw[i].addr,
                 t->rec_tid, strerror(errno));
}

void debug_disarm_thread(struct replayer *rp, pid_t tid)
{
    struct debugger *d = rp->dbg;
    for (int i = 0; i < d->nhwfds;)
        if (d->hwfds[i].tid == tid) {
            hwbp_close(d->hwfds[i].fd);
            d->hwfds[i] = d->hwfds[--d->nhwfds];
        } else {
            i++;
        }
}

int debug_hw_point_of_fd(struct debugger *d, int fd)
{
    for (int i = 0; i < d->nhwfds; i++)
        if (d->hwfds[i].fd == fd)
            return d->hwfds[i].point;
    return -1;
}

/* Splits [addr, addr+len) into naturally aligned pieces of 1, 2, 4 or 8
 * bytes, as the debug registers need; returns the count. */
static int split_aligned(uint64_t addr, uint64_t len, uint64_t *a, int *l, int max)
{
    int n = 0;
    while (len) {
        int size = 8;
        while (size > 1 && ((addr & (size - 1)) || (uint64_t)size > len))
            size /= 2;
        if (n == max)
            return -1;
        a[n] = addr;
        l[n++] = size;
        addr += size;
        len -= size;
    }
    return n;
}


static int insert_hw(struct replayer *rp, int type, uint64_t addr, int len)
{
    /* gdb takes over a point a pass made for itself */
    for (int i = 0; i < rp->dbg->nhw; i++)
        if (rp->dbg->hw[i].internal && rp->dbg->hw[i].type == type && rp->dbg->hw[i].addr == addr) {
            rp->dbg->hw[i].internal = false;
            return 0;
        }
    return insert_hw_for(rp, type, addr, len, false);
}

bool debug_point_is_gdbs(struct debugger *d, int i)
{
    return i >= 0 && i < d->nhw && !d->hw[i].internal;
}

void debug_drop_internal_points(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    for (int i = d->nhw - 1; i >= 0; i--)
        if (d->hw[i].internal)
            drop_point(d, i);
}

static int insert_hw_for(struct replayer *rp, int type, uint64_t addr, int len, bool internal)
{
    struct debugger *d = rp->dbg;
    uint64_t a[DEBUG_HW_POINTS];
    int l[DEBUG_HW_POINTS];
    int n = type == 1 ? (a[0] = addr, l[0] = 1, 1)
                      : split_aligned(addr, len > 0 ? len : 1, a, l, DEBUG_HW_POINTS - d->nhw);
    if (n <= 0)
        return -ENOSPC; /* gdb says it could not insert the watchpoint */
    int first = d->nhw;
    for (int i = 0; i < n; i++)
        d->hw[d->nhw++] = (struct hw_point){type, a[i], l[i], internal};
    for (struct ptask *t = rp->tasks; t; t = t->next) {
        if (t->rec_tgid != d->rec_pid)
            continue;
        for (int i = first; i < d->nhw; i++)
            if (arm_point(rp, t, i) < 0) {
                int err = errno;
                debug_remove_point(rp, type, addr, len);
                return -err;
            }
    }
    return 0;
}

static void drop_point(struct debugger *d, int point)
{
    for (int i = 0; i < d->nhwfds;) {
        if (d->hwfds[i].point == point) {
            hwbp_close(d->hwfds[i].fd);
            d->hwfds[i] = d->hwfds[--d->nhwfds];
            continue;
        }
        if (d->hwfds[i].point > point)
            d->hwfds[i].point--;
        i++;
    }
    memmove(&d->hw[point], &d->hw[point + 1], (d->nhw - point - 1) * sizeof d->hw[0]);
    d->nhw--;
}

static int remove_hw(struct replayer *rp, int type, uint64_t addr, int len)
{
    struct debugger *d = rp->dbg;
    uint64_t end = addr + (len > 0 ? len : 1);
    for (int i = d->nhw - 1; i >= 0; i--)
        if (d->hw[i].type == type && d->hw[i].addr >= addr && d->hw[i].addr < end)
            drop_point(d, i);
    return 0;
}

int debug_insert_point(struct replayer *rp, int type, uint64_t addr, int len)
{
    if (type == 0)
        return insert_sw(rp, addr);
    /* x86 cannot watch reads alone.  Refused, gdb sets an access
     * watchpoint for `rwatch` and, as with a native x86 process, ignores
     * its triggers that changed the value (writes). */
    if (type == 3)
        return -EOPNOTSUPP;
    if (type >= 1 && type <= 4)
        return insert_hw(rp, type, addr, len);
    return -ENOSYS;
}

int debug_remove_point(struct replayer *rp, int type, uint64_t addr, int len)
{
    if (type == 0)
        return remove_sw(rp, addr);
    if (type >= 1 && type <= 4)
        return remove_hw(rp, type, addr, len);
    return -ENOSYS;
}
