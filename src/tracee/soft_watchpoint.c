#include "tracee/soft_watchpoint.h"

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "arch/tracee_mem.h"
#include "common/die.h"
#include "tracee/soft_breakpoint.h"
#include "tracee/watch_pages.h"

struct watch {
    int fd;
    pid_t tid, tgid;
    uint64_t addr;
    int len;
    uint64_t count, period;
    uint8_t was[8];
    bool known;  /* was holds the bytes (they could be read) */
    bool access; /* any access is a trigger, not only a change */
};

static struct watch *watches;
static size_t nwatches;

static struct watch *watch_of(int fd)
{
    for (size_t i = 0; i < nwatches; i++)
        if (watches[i].fd == fd)
            return &watches[i];
    return NULL;
}

static void take(struct watch *w)
{
    w->known = tracee_read(w->tid, w->addr, w->was, w->len) == w->len;
}

int soft_watch_open(pid_t tid, uint64_t addr, int len, bool access, uint64_t period)
{
    if (len < 1 || len > 8) {
        errno = EINVAL;
        return -1;
    }
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0)
        return -1;
    watches = xrealloc(watches, (nwatches + 1) * sizeof *watches);
    struct watch *w = &watches[nwatches++];
    *w = (struct watch){.fd = fd, .tid = tid, .tgid = tracee_tgid(tid), .addr = addr, .len = len,
                        .period = period, .access = access};
    take(w);
    watch_pages_changed(w->tgid);
    return fd;
}

int soft_watch_is(int fd)
{
    return fd >= 0 && watch_of(fd) != NULL;
}

uint64_t soft_watch_read(int fd)
{
    struct watch *w = watch_of(fd);
    return w ? w->count : 0;
}

void soft_watch_close(int fd)
{
    struct watch *w = watch_of(fd);
    if (!w)
        return;
    close(w->fd);
    watch_pages_changed(w->tgid);
    *w = watches[--nwatches];
}

void soft_watch_forget(pid_t tid)
{
    for (size_t i = 0; i < nwatches;)
        if (watches[i].tid == tid) {
            watch_pages_changed(watches[i].tgid);
            watches[i] = watches[--nwatches];
        }
        else
            i++;
}

bool soft_watch_any(pid_t tid)
{
    for (size_t i = 0; i < nwatches; i++)
        if (watches[i].tid == tid)
            return true;
    return false;
}

void soft_watch_baseline(pid_t tid)
{
    for (size_t i = 0; i < nwatches; i++)
        if (watches[i].tid == tid)
            take(&watches[i]);
}

int soft_watch_fired(pid_t tid, uint64_t lo, uint64_t hi)
{
    int fired = -1;
    for (size_t i = 0; i < nwatches; i++) {
        struct watch *w = &watches[i];
        if (w->tid != tid)
            continue;
        uint8_t now[8];
        bool known = tracee_read(tid, w->addr, now, w->len) == w->len;
        bool changed = known && w->known && memcmp(now, w->was, w->len) != 0;
        if (w->access ? lo < w->addr + w->len && w->addr < hi : changed) {
            w->count++;
            if (fired < 0 && w->period && w->count % w->period == 0)
                fired = w->fd;
        }
        memcpy(w->was, now, sizeof now);
        w->known = known;
    }
    return fired;
}

size_t soft_watch_pages(pid_t tgid, pid_t tid, uint64_t *pages, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < nwatches; i++) {
        const struct watch *w = &watches[i];
        if (w->tgid != tgid || (tid && w->tid != tid))
            continue;
        for (uint64_t p = w->addr & ~4095ull; p < w->addr + w->len && n < max; p += 4096) {
            bool have = false;
            for (size_t j = 0; j < n && !have; j++)
                have = pages[j] == p;
            if (!have)
                pages[n++] = p;
        }
    }
    return n;
}

bool soft_watch_page_access(pid_t tgid, uint64_t page)
{
    for (size_t i = 0; i < nwatches; i++) {
        const struct watch *w = &watches[i];
        if (w->tgid == tgid && w->access && w->addr < page + 4096 && page < w->addr + w->len)
            return true;
    }
    return false;
}
