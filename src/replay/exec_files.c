/* Replay executes programs from the copies saved in the trace, not from
 * the disk, which may have changed since.  The kernel copies the path
 * given to execve onto the new stack, and its length decides where
 * everything else on that stack goes; so each exec runs a link whose name
 * has exactly the recorded path's length, placed in a private directory
 * that is the replayed tasks' working directory.  The recorded stack
 * contents are put back after the exec.
 *
 * The kernel also loads the program's ELF interpreter (ld.so) by the path
 * the program names in PT_INTERP.  When the trace holds a copy of it, the
 * link points at a copy of the program whose PT_INTERP names, with as many
 * characters, a link in that directory to the trace's interpreter (a
 * relative path, which the kernel resolves against the working directory);
 * right after the exec the recorded path is written back over the
 * patched one in memory, before the program runs. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "arch/tracee_mem.h"
#include "common/die.h"
#include "common/elf_interp.h"
#include "common/files.h"
#include "replay/replayer.h"
#include "trace/event_files.h"
#include "trace/tracedir.h"

/* A copy of a program from the trace, with PT_INTERP patched; kept in
 * exec_dir for the whole replay. */
struct patched {
    char *saved, *interp; /* the trace's copies of the program, ld.so */
    char *copy;           /* the patched copy in exec_dir */
    struct elf_interp elf;/* the recorded PT_INTERP */
    char *link_name;      /* what PT_INTERP says in the copy */
    struct patched *next;
};
static struct patched *patched_copies;
static const struct patched *pending; /* the exec under way used this */
static unsigned n_patched;

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

static void remove_in_exec_dir(const struct replayer *rp, const char *name)
{
    char path[4096 + 256];
    snprintf(path, sizeof path, "%s/%s", rp->exec_dir, name);
    unlink(path);
}

void exec_dir_remove(struct replayer *rp)
{
    pending = NULL;
    while (patched_copies) {
        struct patched *p = patched_copies;
        patched_copies = p->next;
        if (rp->exec_dir) {
            unlink(p->copy);
            remove_in_exec_dir(rp, p->link_name);
        }
        free(p->saved);
        free(p->interp);
        free(p->copy);
        free(p->link_name);
        free(p);
    }
    n_patched = 0;
    if (!rp->exec_dir)
        return;
    rmdir(rp->exec_dir);
    free(rp->exec_dir);
    rp->exec_dir = NULL;
}

/* The name of a new file in exec_dir of exactly len characters, made of
 * '_' and digits (exec links are made of letters): NULL if n does not fit. */
static char *interp_link_name(size_t len, unsigned n)
{
    char digits[16];
    size_t nd = (size_t)snprintf(digits, sizeof digits, "%u", n);
    if (nd > len || len > 255)
        return NULL;
    char *name = xmalloc(len + 1);
    memset(name, '_', len - nd);
    memcpy(name + len - nd, digits, nd + 1);
    return name;
}

/* Makes (once per program and interpreter) the patched copy; NULL when
 * the program names no interpreter or the copy cannot be run from there. */
static const struct patched *patched_copy(struct replayer *rp, const char *saved,
                                          const char *interp)
{
    for (struct patched *p = patched_copies; p; p = p->next)
        if (!strcmp(p->saved, saved) && !strcmp(p->interp, interp))
            return p;
    struct statvfs vfs;
    if (statvfs(rp->exec_dir, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
        return NULL; /* programs cannot run from there: ld.so from the disk */
    char src[4096 + 256], target[4096 + 256];
    snprintf(src, sizeof src, "%s/%s", rp->dir, saved);
    snprintf(target, sizeof target, "%s/%s", rp->dir, interp);
    if (access(target, F_OK) < 0)
        trace_file_missing(rp->dir, interp, "the program's ELF interpreter");
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return NULL; /* the exec link reports a missing program */
    struct patched *p = xcalloc(1, sizeof *p);
    if (!elf_interp_read(in, &p->elf) ||
        !(p->link_name = interp_link_name(strlen(p->elf.path), n_patched))) {
        close(in);
        free(p);
        return NULL;
    }
    char copy[4096 + 64];
    snprintf(copy, sizeof copy, "%s/.exe-%u", rp->exec_dir, n_patched++);
    int out = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    if (out < 0 || !copy_fd(in, out) ||
        pwrite(out, p->link_name, strlen(p->link_name), p->elf.offset) !=
            (ssize_t)strlen(p->link_name))
        die_errno("cannot make a copy of %s in %s to replay it", src, rp->exec_dir);
    close(out);
    close(in);
    char link_path[4096 + 256];
    snprintf(link_path, sizeof link_path, "%s/%s", rp->exec_dir, p->link_name);
    if (symlink(target, link_path) < 0)
        die_errno("cannot create %s", link_path);
    p->saved = xstrdup(saved);
    p->interp = xstrdup(interp);
    p->copy = xstrdup(copy);
    p->next = patched_copies;
    patched_copies = p;
    return p;
}

/* A trace without a copy of the interpreter (recorded before rewind kept
 * one) runs the one on the disk: say so clearly when it is gone. */
static void check_disk_interp(struct replayer *rp, const char *saved, const char *exe)
{
    char src[4096 + 256];
    snprintf(src, sizeof src, "%s/%s", rp->dir, saved);
    int fd = open(src, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct elf_interp elf;
    bool has = elf_interp_read(fd, &elf);
    close(fd);
    if (has && elf.path[0] == '/' && access(elf.path, F_OK) < 0)
        die("%s is gone: %s needs it as its ELF interpreter and this trace has no copy of "
            "it (`rewind pack` copies such files into a trace while they are still there)",
            elf.path, exe ? exe : src);
}

char *exec_link_create(struct replayer *rp, size_t len, const struct event *ev)
{
    const char *saved_name = exec_saved_file(ev), *interp = exec_interp_file(ev);
    pending = NULL;
    if (len == 0 || len > 255 || !saved_name || !*saved_name)
        return NULL;
    char target[4096];
    snprintf(target, sizeof target, "%s/%s", rp->dir, saved_name);
    if (access(target, F_OK) < 0)
        trace_file_missing(rp->dir, saved_name, event_string(ev->strings, ev->strings_len, 0));
    if (interp && *interp) {
        pending = patched_copy(rp, saved_name, interp);
        if (pending)
            snprintf(target, sizeof target, "%s", pending->copy);
    } else {
        check_disk_interp(rp, saved_name, event_string(ev->strings, ev->strings_len, 0));
    }
    char *name = xmalloc(len + 1);
    memset(name, 'x', len);
    name[len] = 0;
    /* A counter in letters at the end keeps names unique enough: each
     * link is removed as soon as its exec has happened. */
    unsigned n = rp->exec_links++;
    for (size_t i = len; i > 0 && n; i--, n /= 26)
        name[i - 1] = 'a' + n % 26;
    char link_path[4096];
    snprintf(link_path, sizeof link_path, "%s/%s", rp->exec_dir, name);
    unlink(link_path);
    if (symlink(target, link_path) < 0)
        die_errno("cannot create %s", link_path);
    return name;
}

void exec_link_remove(struct replayer *rp, char *name)
{
    if (!name)
        return;
    remove_in_exec_dir(rp, name);
    free(name);
}

void exec_interp_restore(struct replayer *rp, struct ptask *t)
{
    const struct patched *p = pending;
    pending = NULL;
    if (!p)
        return;
    uint64_t entry = auxv_value(t->tid, AT_ENTRY);
    if (!entry)
        divergence(rp, "cannot read the auxiliary vector of the new program");
    uint64_t at = entry - p->elf.entry + p->elf.vaddr;
    size_t len = strlen(p->link_name);
    char now[256];
    /* Only where the mapped program shows the patched name (PT_INTERP is
     * normally inside its first loaded segment). */
    if (tracee_read(t->tid, at, now, len) == (ssize_t)len && !memcmp(now, p->link_name, len) &&
        tracee_write(t->tid, at, p->elf.path, len) < 0)
        divergence(rp, "cannot restore the program's interpreter path at 0x%llx",
                   (unsigned long long)at);
}
