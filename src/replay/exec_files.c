/* Replay executes programs from the copies saved in the trace, not from
 * the disk, which may have changed since.  The kernel copies the path
 * given to execve onto the new stack, and its length decides where
 * everything else on that stack goes; so each exec runs a link whose name
 * has exactly the recorded path's length, placed in a private directory
 * that is the replayed tasks' working directory.  The recorded stack
 * contents are put back after the exec.
 *
 * The kernel also loads by path the ELF interpreter (ld.so) a program
 * names in PT_INTERP, and the program a `#!` script names.  When the trace
 * holds copies of those, the link points at a copy of the exec'd file in
 * which that path is replaced by a name with as many characters: a
 * relative path, which the kernel resolves against the working directory,
 * to a link there to the trace's copy (for a script, to the prepared copy
 * of its interpreter program).  Right after the exec, before the program
 * runs, the recorded PT_INTERP path is written back over the replaced one
 * in memory (a script's text is not mapped; what the kernel passes on
 * from its `#!` line lands on the stack, which is restored anyway). */
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

/* A copy of an exec'd file from the trace with the path of what the
 * kernel loads for it replaced; kept in exec_dir for the whole replay. */
struct prepared {
    char *key;            /* the trace's file and the link's target */
    char *copy;           /* the copy in exec_dir */
    char *link_name;      /* the path it names now: a link in exec_dir */
    struct elf_interp elf;/* the path it named (and, for ELF, where) */
    const struct prepared *restore; /* the ELF whose PT_INTERP to put back
                                       after the exec (itself, or the one a
                                       script runs), or NULL */
    struct prepared *next;
};
static struct prepared *prepared_copies;
static const struct prepared *pending; /* the exec under way used this */
static unsigned n_prepared;

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
    while (prepared_copies) {
        struct prepared *p = prepared_copies;
        prepared_copies = p->next;
        if (rp->exec_dir) {
            unlink(p->copy);
            remove_in_exec_dir(rp, p->link_name);
        }
        free(p->key);
        free(p->copy);
        free(p->link_name);
        free(p);
    }
    n_prepared = 0;
    if (!rp->exec_dir)
        return;
    rmdir(rp->exec_dir);
    free(rp->exec_dir);
    rp->exec_dir = NULL;
}

/* The name of a new file in exec_dir of exactly len characters: fill
 * characters and a number (exec links are made of letters); NULL if n
 * does not fit. */
static char *numbered_name(size_t len, char fill, unsigned n)
{
    char digits[16];
    size_t nd = (size_t)snprintf(digits, sizeof digits, "%u", n);
    if (nd > len || len > 255)
        return NULL;
    char *name = xmalloc(len + 1);
    memset(name, fill, len - nd);
    memcpy(name + len - nd, digits, nd + 1);
    return name;
}

/* Makes (once per replay) a copy of the trace's file `saved` in which the
 * path the kernel loads (PT_INTERP for ELF, the #! program for a script)
 * names a link to target instead; NULL when the file names none or the
 * copy could not run from exec_dir. */
static const struct prepared *prepare(struct replayer *rp, const char *saved, bool script,
                                      const char *target, const struct prepared *runs)
{
    char key[8192];
    snprintf(key, sizeof key, "%s\n%s", saved, target);
    for (struct prepared *p = prepared_copies; p; p = p->next)
        if (!strcmp(p->key, key))
            return p;
    struct statvfs vfs;
    if (statvfs(rp->exec_dir, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
        return NULL; /* programs cannot run from there: the disk's files */
    char src[4096 + 256];
    snprintf(src, sizeof src, "%s/%s", rp->dir, saved);
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return NULL; /* the exec link reports a missing file */
    struct prepared *p = xcalloc(1, sizeof *p);
    bool named = script ? script_interp_read(in, &p->elf) : elf_interp_read(in, &p->elf);
    if (!named || !(p->link_name = numbered_name(strlen(p->elf.path), script ? '-' : '_',
                                                 n_prepared))) {
        close(in);
        free(p);
        return NULL;
    }
    char copy[4096 + 64];
    snprintf(copy, sizeof copy, "%s/.exe-%u", rp->exec_dir, n_prepared++);
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
    p->key = xstrdup(key);
    p->copy = xstrdup(copy);
    p->restore = script ? runs : p;
    p->next = prepared_copies;
    prepared_copies = p;
    return p;
}

/* The file an exec of the trace's `saved` runs so that the kernel loads
 * the trace's interp (and, for a script, the trace's copy of the program
 * it names, script): a prepared copy, or NULL for `saved` itself. */
static const struct prepared *prepare_exec(struct replayer *rp, const char *saved,
                                           const char *interp, const char *script)
{
    char target[4096 + 256];
    const struct prepared *elf = NULL;
    bool is_script = script && *script;
    if (interp && *interp) {
        snprintf(target, sizeof target, "%s/%s", rp->dir, interp);
        if (access(target, F_OK) < 0)
            trace_file_missing(rp->dir, interp, "the program's ELF interpreter");
        elf = prepare(rp, is_script ? script : saved, false, target, NULL);
    }
    if (!is_script)
        return elf;
    snprintf(target, sizeof target, "%s/%s", rp->dir, script);
    if (access(target, F_OK) < 0)
        trace_file_missing(rp->dir, script, "the program a #! script names");
    if (elf)
        snprintf(target, sizeof target, "%s", elf->copy);
    return prepare(rp, saved, true, target, elf);
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
    if (!interp)
        check_disk_interp(rp, saved_name, event_string(ev->strings, ev->strings_len, 0));
    const struct prepared *p = prepare_exec(rp, saved_name, interp, exec_script_file(ev));
    if (p) {
        snprintf(target, sizeof target, "%s", p->copy);
        pending = p->restore;
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
    const struct prepared *p = pending;
    pending = NULL;
    if (!p)
        return;
    uint64_t entry = auxv_value(t->tid, AT_ENTRY);
    if (!entry)
        divergence(rp, "cannot read the auxiliary vector of the new program");
    uint64_t at = entry - p->elf.entry + p->elf.vaddr;
    size_t len = strlen(p->link_name);
    char now[256];
    /* Only where the mapped program shows the replaced name (PT_INTERP is
     * normally inside its first loaded segment). */
    if (tracee_read(t->tid, at, now, len) == (ssize_t)len && !memcmp(now, p->link_name, len) &&
        tracee_write(t->tid, at, p->elf.path, len) < 0)
        divergence(rp, "cannot restore the program's interpreter path at 0x%llx",
                   (unsigned long long)at);
}
