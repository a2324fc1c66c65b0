/* A write to a file changes every MAP_SHARED mapping of it: memory that
 * changed without the program storing to it.  The recorder saves those
 * bytes with the write, so replay (which maps files privately and never
 * writes files) shows the program the same memory. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>

#include "record/recorder.h"
#include "syscalls/syscall_table.h"

/* The file position the write started at. */
static bool write_start(pid_t tid, const struct sys_call *c, uint64_t *pos)
{
    if (c->nr == SYS_pwrite64 || c->nr == SYS_pwritev || c->nr == SYS_pwritev2) {
        *pos = c->args[3];
        return true;
    }
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", tid, (int)c->args[0]);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    bool ok = false;
    unsigned long long p;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "pos: %llu", &p) == 1) {
            ok = p >= (uint64_t)c->result;
            *pos = p - c->result;
            break;
        }
    fclose(f);
    return ok;
}

int shared_mapping_regions(pid_t tid, const struct sys_call *c, struct mem_region *out, int max)
{
    char path[64], line[4096 + 128];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d/fd/%d", tid, (int)c->args[0]);
    uint64_t pos;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !write_start(tid, c, &pos))
        return 0;
    uint64_t end = pos + c->result;
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    int n = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        unsigned long lo, hi, off, ino;
        unsigned maj, min;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &lo, &hi, perms, &off, &maj, &min, &ino) != 7 ||
            perms[3] != 's' || ino != st.st_ino || makedev(maj, min) != st.st_dev)
            continue;
        /* File bytes [off, off + (hi - lo)) appear at lo. */
        uint64_t from = pos > off ? pos : off, to = end < off + (hi - lo) ? end : off + (hi - lo);
        if (from < to)
            out[n++] = (struct mem_region){lo + (from - off), to - from};
    }
    fclose(f);
    return n;
}
