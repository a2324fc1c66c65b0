/* Replay executes programs from the copies saved in the trace, not from
 * the disk, which may have changed since.  The kernel copies the path
 * given to execve onto the new stack, and its length decides where
 * everything else on that stack goes; so each exec runs a link whose name
 * has exactly the recorded path's length, placed in a private directory
 * that is the replayed tasks' working directory.  The recorded stack
 * contents are put back after the exec. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/die.h"
#include "replay/replayer.h"

void exec_dir_create(struct replayer *rp)
{
    char tmpl[] = "/tmp/rewind-exec-XXXXXX";
    const char *tmp = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/rewind-exec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(buf)) {
        if (!mkdtemp(tmpl))
            die_errno("cannot create a directory for replayed executables");
        rp->exec_dir = xstrdup(tmpl);
        return;
    }
    rp->exec_dir = xstrdup(buf);
}

void exec_dir_remove(struct replayer *rp)
{
    if (!rp->exec_dir)
        return;
    rmdir(rp->exec_dir);
    free(rp->exec_dir);
    rp->exec_dir = NULL;
}

char *exec_link_create(struct replayer *rp, size_t len, const char *saved_name)
{
    if (len == 0 || len > 255 || !saved_name || !*saved_name)
        return NULL;
    char *name = xmalloc(len + 1);
    memset(name, 'x', len);
    name[len] = 0;
    /* A counter in letters at the end keeps names unique enough: each
     * link is removed as soon as its exec has happened. */
    unsigned n = rp->exec_links++;
    for (size_t i = len; i > 0 && n; i--, n /= 26)
        name[i - 1] = 'a' + n % 26;
    char link_path[4096], target[4096];
    snprintf(link_path, sizeof link_path, "%s/%s", rp->exec_dir, name);
    snprintf(target, sizeof target, "%s/%s", rp->dir, saved_name);
    unlink(link_path);
    if (symlink(target, link_path) < 0)
        die_errno("cannot create %s", link_path);
    return name;
}

void exec_link_remove(struct replayer *rp, char *name)
{
    if (!name)
        return;
    char link_path[4096];
    snprintf(link_path, sizeof link_path, "%s/%s", rp->exec_dir, name);
    unlink(link_path);
    free(name);
}
