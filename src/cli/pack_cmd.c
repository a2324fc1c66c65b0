/* `rewind pack [TRACE]...`: makes a trace self-contained and removes
 * duplicate files, as rr's pack does.
 *
 * A trace refers to files in three ways: its saved files (mmap-*) are
 * named by its events (mapped files, executed programs, their ELF
 * interpreters); some of those are hard links into system directories,
 * which share their contents with a file that can be rewritten in place;
 * and traces recorded before rewind saved interpreters assume the disk's
 * ld.so unchanged.  Pack
 *   1. hashes the saved files (BLAKE2b-256, libsodium) and keeps one file
 *      per contents: the first name (in version order) that an event uses;
 *   2. replaces each kept file that is a hard link or a symbolic link with
 *      a copy of its own;
 *   3. copies in the interpreter an old trace assumes;
 *   4. rewrites the events that name a dropped duplicate or lack their
 *      interpreter (blocks with no such event are copied byte for byte);
 *   5. deletes the duplicates.
 * Every file is written under a temporary name, fsync'd and renamed, so a
 * pack killed at any moment leaves a trace that replays, and running pack
 * again finishes the work.  A packed trace gives pack nothing to do: a
 * second pack changes no byte. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/die.h"
#include "common/elf_interp.h"
#include "common/files.h"
#include "trace/event.h"
#include "trace/event_files.h"
#include "trace/event_reader.h"
#include "trace/stream.h"
#include "trace/tracedir.h"

#define SAVED_PREFIX "mmap-"
#define HASH_LEN 32 /* BLAKE2b-256 */
#define REWRITE_LEVEL 3 /* zstd level of rewritten blocks: record's default */

struct saved {
    char *name;
    struct stat st;      /* of the file itself (lstat) */
    uint64_t size;       /* of its contents (a symlink's target) */
    bool link;           /* a hard or symbolic link: needs a copy of its own */
    bool referenced;     /* an event names it */
    bool executed;       /* ... as a program or an interpreter */
    bool hashed;
    unsigned char hash[HASH_LEN];
    struct saved *keep;  /* the file with the same contents that stays */
};

/* An old trace's program whose interpreter is on the disk. */
struct needs_interp {
    char *saved;         /* the program's copy */
    char *interp;        /* the name of the interpreter's copy, once made */
};

struct pack {
    const char *dir;
    struct saved *files; /* sorted by name */
    size_t nfiles;
    struct needs_interp *interps;
    size_t ninterps;
    unsigned copied, removed;
};

/* For the tests of interrupted packs: REWIND_PACK_KILL_AFTER=N makes
 * pack kill itself (SIGKILL) right after its N-th change to the trace. */
static long kill_after = -1;

static void changed_trace(void)
{
    if (kill_after > 0 && --kill_after == 0)
        raise(SIGKILL);
}

static void usage(FILE *out)
{
    fputs("Usage: rewind pack [TRACE]...\n"
          "Makes each TRACE (default: latest-trace) self-contained and removes its\n"
          "duplicate files: files the trace only links to or assumes unchanged are\n"
          "copied in, files with the same contents (BLAKE2b-256) are kept once.\n"
          "The trace then replays after the program, its libraries and every file it\n"
          "mapped are deleted or changed, and from wherever the directory is moved.\n"
          "An interrupted pack leaves the trace as it was or packed; run it again to\n"
          "finish.  Packing a packed trace changes nothing.\n"
          "\n"
          "  --help  show this help\n"
          "rr's --symlink and --pack-dir are not supported.\n", out);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct saved *)a)->name, ((const struct saved *)b)->name);
}

static struct saved *find(struct pack *p, const char *name)
{
    struct saved key = {.name = (char *)name};
    return bsearch(&key, p->files, p->nfiles, sizeof *p->files, by_name);
}

static char *path_of(const struct pack *p, const char *name)
{
    return trace_path(p->dir, name);
}

/* Temporary files a crash left behind. */
static void remove_leftovers(struct pack *p)
{
    DIR *d = opendir(p->dir);
    if (!d)
        die_errno("cannot read %s", p->dir);
    struct dirent *e;
    bool any = false;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX))) {
            char *path = path_of(p, e->d_name);
            if (unlink(path) < 0 && errno != ENOENT)
                die_errno("cannot remove %s", path);
            free(path);
            any = true;
            changed_trace();
        }
    closedir(d);
    if (any && fsync_dir(p->dir) < 0)
        die_errno("cannot sync %s", p->dir);
}

static void add_file(struct pack *p, size_t *cap, const char *name)
{
    if (p->nfiles == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        p->files = xrealloc(p->files, *cap * sizeof *p->files);
    }
    struct saved *f = &p->files[p->nfiles];
    memset(f, 0, sizeof *f);
    char *path = path_of(p, name);
    struct stat target;
    if (lstat(path, &f->st) < 0)
        die_errno("cannot examine %s", path);
    if (S_ISLNK(f->st.st_mode)) {
        if (stat(path, &target) < 0 || !S_ISREG(target.st_mode)) {
            free(path);
            return; /* a dangling link cannot be anyone's file */
        }
        f->link = true;
        f->size = (uint64_t)target.st_size;
    } else if (S_ISREG(f->st.st_mode)) {
        f->link = f->st.st_nlink > 1;
        f->size = (uint64_t)f->st.st_size;
    } else {
        free(path);
        return;
    }
    free(path);
    f->name = xstrdup(name);
    p->nfiles++;
}

static void scan_files(struct pack *p)
{
    DIR *d = opendir(p->dir);
    if (!d)
        die_errno("cannot read %s", p->dir);
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, SAVED_PREFIX, strlen(SAVED_PREFIX)))
            add_file(p, &cap, e->d_name);
    closedir(d);
    if (p->nfiles)
        qsort(p->files, p->nfiles, sizeof *p->files, by_name);
}

static void reference(struct pack *p, const char *name, bool executed)
{
    if (!name || !*name)
        return;
    struct saved *f = find(p, name);
    if (!f)
        die("%s/%s is missing: the trace names it, so it cannot be packed (or replayed)",
            p->dir, name);
    f->referenced = true;
    f->executed |= executed;
}

static void note_needs_interp(struct pack *p, const char *saved)
{
    if (!saved || !*saved)
        return;
    for (size_t i = 0; i < p->ninterps; i++)
        if (!strcmp(p->interps[i].saved, saved))
            return;
    p->interps = xrealloc(p->interps, (p->ninterps + 1) * sizeof *p->interps);
    p->interps[p->ninterps++] = (struct needs_interp){xstrdup(saved), NULL};
}

static void scan_events(struct pack *p)
{
    struct event_reader *r = event_reader_open(p->dir);
    struct event ev;
    bool cut_off;
    while (event_reader_next(r, &ev, &cut_off)) {
        if (ev.type == EV_EXEC) {
            /* Every string from the program's copy on names a file. */
            const char *f;
            for (uint32_t i = EXEC_FIRST_FILE(&ev);
                 (f = event_string(ev.strings, ev.strings_len, i)); i++)
                reference(p, f, true);
            if (!exec_interp_file(&ev))
                note_needs_interp(p, exec_saved_file(&ev));
        } else if (ev.type == EV_SYSCALL_EXIT && (ev.u.exit.flags & EXITF_MMAP_FILE)) {
            reference(p, ev.mmap_name, false);
        }
    }
    event_reader_close(r);
}

/* BLAKE2b-256 of the file at path. */
static void hash_file(const char *path, unsigned char out[HASH_LEN])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die_errno("cannot read %s", path);
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, HASH_LEN);
    static unsigned char buf[1 << 20];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die_errno("cannot read %s", path);
        if (n == 0)
            break;
        crypto_generichash_update(&st, buf, (unsigned long long)n);
    }
    close(fd);
    crypto_generichash_final(&st, out, HASH_LEN);
}

static void hash_saved(struct pack *p, struct saved *f)
{
    if (f->hashed)
        return;
    char *path = path_of(p, f->name);
    hash_file(path, f->hash);
    free(path);
    f->hashed = true;
}

static bool same_contents(struct pack *p, struct saved *a, struct saved *b)
{
    if (a->size != b->size)
        return false;
    hash_saved(p, a);
    hash_saved(p, b);
    return !memcmp(a->hash, b->hash, HASH_LEN);
}

/* Which file stays: an event's before none's, then the first in version
 * order ("mmap-2-x" before "mmap-10-x"), so any later pack chooses the
 * same one. */
static bool better(const struct saved *a, const struct saved *b)
{
    if (a->referenced != b->referenced)
        return a->referenced;
    return strverscmp(a->name, b->name) < 0;
}

static void choose_kept(struct pack *p)
{
    struct saved **group = xmalloc((p->nfiles ? p->nfiles : 1) * sizeof *group);
    for (size_t i = 0; i < p->nfiles; i++) {
        if (p->files[i].keep)
            continue;
        size_t n = 0;
        group[n++] = &p->files[i];
        /* Only files of equal size are hashed: most never are. */
        for (size_t j = i + 1; j < p->nfiles; j++)
            if (!p->files[j].keep && same_contents(p, &p->files[i], &p->files[j]))
                group[n++] = &p->files[j];
        struct saved *kept = group[0];
        bool executed = false;
        for (size_t k = 0; k < n; k++) {
            if (better(group[k], kept))
                kept = group[k];
            executed |= group[k]->executed;
        }
        for (size_t k = 0; k < n; k++)
            group[k]->keep = kept;
        kept->executed = executed;
    }
    free(group);
}

/* mode with execute permission wherever it has read permission. */
static mode_t executable(mode_t mode)
{
    return mode | (mode & 0444) >> 2;
}

/* Writes what in holds (read from src, for messages) as dir/name, in one
 * atomic step, closing in. */
static void copy_file_in(struct pack *p, int in, const char *src, const char *name, int mode)
{
    char *tmp;
    int out = temp_file_create(p->dir, name, mode, &tmp);
    if (out < 0)
        die_errno("cannot create a file in %s", p->dir);
    if (!copy_fd(in, out)) {
        temp_file_abandon(out, tmp);
        die_errno("cannot copy %s", src);
    }
    close(in);
    if (temp_file_commit(out, tmp, p->dir, name) < 0)
        die_errno("cannot copy %s to %s/%s", src, p->dir, name);
    changed_trace();
    p->copied++;
}

/* Replaces dir/name (a link) by a copy of what it shows. */
static void copy_in(struct pack *p, struct saved *f)
{
    char *path = path_of(p, f->name);
    int in = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (in < 0 || fstat(in, &st) < 0)
        die_errno("cannot read %s", path);
    int mode = st.st_mode & 0755;
    copy_file_in(p, in, path, f->name, f->executed ? (int)executable(mode) : mode);
    free(path);
    f->link = false;
}

static void own_kept_files(struct pack *p)
{
    for (size_t i = 0; i < p->nfiles; i++) {
        struct saved *f = &p->files[i];
        if (f->keep != f)
            continue;
        if (f->link) {
            copy_in(p, f);
        } else if (f->executed && executable(f->st.st_mode) != f->st.st_mode) {
            /* Replay executes it: it must be executable where it is read. */
            char *path = path_of(p, f->name);
            if (chmod(path, executable(f->st.st_mode) & 07777) < 0)
                die_errno("cannot make %s executable", path);
            changed_trace();
            free(path);
        }
    }
}

/* The copy of the interpreter at disk_path: an existing saved file with
 * the same contents, else a new one. */
static char *interp_copy(struct pack *p, const char *disk_path)
{
    struct stat st;
    if (stat(disk_path, &st) < 0)
        return NULL;
    unsigned char hash[HASH_LEN];
    hash_file(disk_path, hash);
    for (size_t i = 0; i < p->nfiles; i++) {
        struct saved *f = &p->files[i];
        if (f->keep == f && f->size == (uint64_t)st.st_size) {
            hash_saved(p, f);
            if (!memcmp(f->hash, hash, HASH_LEN))
                return xstrdup(f->name);
        }
    }
    /* Named by its contents: a pack interrupted after making it finds it
     * above next time. */
    const char *base = strrchr(disk_path, '/');
    base = base ? base + 1 : disk_path;
    char name[300];
    int n = snprintf(name, sizeof name, SAVED_PREFIX "pack-");
    for (int i = 0; i < 8; i++)
        n += snprintf(name + n, sizeof name - n, "%02x", hash[i]);
    snprintf(name + n, sizeof name - n, "-%.200s", base);
    int in = open(disk_path, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return NULL;
    copy_file_in(p, in, disk_path, name, 0755);
    return xstrdup(name);
}

static void copy_in_interpreters(struct pack *p)
{
    for (size_t i = 0; i < p->ninterps; i++) {
        struct needs_interp *n = &p->interps[i];
        char *prog = path_of(p, n->saved);
        int fd = open(prog, O_RDONLY | O_CLOEXEC);
        struct elf_interp elf;
        bool has = fd >= 0 && elf_interp_read(fd, &elf);
        if (fd >= 0)
            close(fd);
        if (has && !(n->interp = interp_copy(p, elf.path)))
            warn("warning: %s, the ELF interpreter of %s, is gone: the trace still needs "
                 "it from the disk", elf.path, prog);
        free(prog);
    }
}

/* ---- rewriting the events */

static const char *kept_name(struct pack *p, const char *name)
{
    struct saved *f = name && *name ? find(p, name) : NULL;
    return f ? f->keep->name : name;
}

static const char *added_interp(struct pack *p, const char *saved)
{
    for (size_t i = 0; i < p->ninterps; i++)
        if (!strcmp(p->interps[i].saved, saved))
            return p->interps[i].interp;
    return NULL;
}

static bool needs_rewrite(struct pack *p)
{
    for (size_t i = 0; i < p->nfiles; i++)
        if (p->files[i].referenced && p->files[i].keep != &p->files[i])
            return true;
    for (size_t i = 0; i < p->ninterps; i++)
        if (p->interps[i].interp)
            return true;
    return false;
}

/* rec with rec[at..at+old_len) replaced by repl; malloc'd. */
static void *replace_bytes(const void *rec, size_t len, size_t at, size_t old_len, const void *repl,
                    size_t repl_len, size_t *new_len)
{
    *new_len = len - old_len + repl_len;
    char *out = xmalloc(*new_len ? *new_len : 1);
    memcpy(out, rec, at);
    memcpy(out + at, repl, repl_len);
    memcpy(out + at + repl_len, (const char *)rec + at + old_len, len - at - old_len);
    return out;
}

static void *edit_exec(struct pack *p, const void *rec, size_t len, const struct event *ev,
                       size_t *new_len)
{
    const char *saved = exec_saved_file(ev);
    if (!saved)
        return NULL;
    /* strings: exe, argv..., then the names of files: each is mapped to
     * the file that stays, and a missing interpreter name added. */
    const char *added = exec_interp_file(ev) ? NULL : added_interp(p, saved);
    size_t head = (size_t)(saved - ev->strings);
    size_t cap = ev->strings_len + (added ? strlen(added) + 1 : 0);
    uint32_t first = EXEC_FIRST_FILE(ev);
    const char *f;
    for (uint32_t i = first; (f = event_string(ev->strings, ev->strings_len, i)); i++)
        cap += strlen(kept_name(p, f));
    char *strings = xmalloc(cap);
    memcpy(strings, ev->strings, head);
    char *s = strings + head;
    bool changed = added != NULL;
    for (uint32_t i = first; (f = event_string(ev->strings, ev->strings_len, i)); i++) {
        const char *k = kept_name(p, f);
        changed |= strcmp(k, f) != 0;
        s = stpcpy(s, k) + 1;
    }
    if (added)
        s = stpcpy(s, added) + 1;
    if (!changed) {
        free(strings);
        return NULL;
    }
    size_t n = (size_t)(s - strings);
    size_t at = (size_t)((const char *)ev->strings - (const char *)rec);
    char *out = replace_bytes(rec, len, at, ev->strings_len, strings, n, new_len);
    free(strings);
    uint32_t slen = (uint32_t)n;
    memcpy(out + sizeof(struct ev_head) + offsetof(struct ev_exec, strings_len), &slen,
           sizeof slen);
    return out;
}

static void *edit_mmap(struct pack *p, const void *rec, size_t len, const struct event *ev,
                       size_t *new_len)
{
    const char *name = kept_name(p, ev->mmap_name);
    if (!strcmp(name, ev->mmap_name))
        return NULL;
    uint64_t regions = 0;
    for (uint32_t i = 0; i < ev->u.exit.nregions; i++) {
        struct ev_region r;
        memcpy(&r, (const char *)ev->regions + i * sizeof r, sizeof r);
        regions += r.len;
    }
    size_t at = (size_t)(ev->region_data - (const uint8_t *)rec) + regions;
    struct ev_mmap_file mf = ev->mmap;
    mf.name_len = (uint32_t)strlen(name);
    size_t repl_len = sizeof mf + mf.name_len;
    char *repl = xmalloc(repl_len);
    memcpy(repl, &mf, sizeof mf);
    memcpy(repl + sizeof mf, name, mf.name_len);
    void *out = replace_bytes(rec, len, at, sizeof mf + ev->mmap.name_len, repl, repl_len, new_len);
    free(repl);
    return out;
}

/* A replacement for rec, or NULL to keep it. */
static void *edit_record(struct pack *p, const void *rec, size_t len, size_t *new_len)
{
    struct ev_head h;
    if (len < sizeof h)
        return NULL;
    memcpy(&h, rec, sizeof h);
    if (h.type != EV_EXEC && h.type != EV_SYSCALL_EXIT)
        return NULL;
    struct event ev;
    char err[256];
    if (event_decode(rec, len, &ev, err, sizeof err) < 0)
        die("%s/events: %s", p->dir, err); /* scan_events read it fine */
    if (ev.type == EV_EXEC)
        return edit_exec(p, rec, len, &ev, new_len);
    if (ev.u.exit.flags & EXITF_MMAP_FILE)
        return edit_mmap(p, rec, len, &ev, new_len);
    return NULL;
}

static void rewrite_events(struct pack *p)
{
    char *events = path_of(p, "events");
    char err[512];
    struct stream_reader *r = stream_reader_open(events, err, sizeof err);
    if (!r)
        die("%s: %s", p->dir, err);
    char tmp_name[64];
    snprintf(tmp_name, sizeof tmp_name, TEMP_PREFIX "events.%ld", (long)getpid());
    char *tmp = path_of(p, tmp_name);
    struct stream_writer *w = stream_writer_create(tmp, REWRITE_LEVEL);
    const void **recs = NULL;
    size_t *lens = NULL, cap = 0;
    for (;;) {
        const void *bytes;
        size_t blen;
        enum stream_status st = stream_next_block(r, &bytes, &blen);
        if (st == STREAM_END)
            break;
        if (st == STREAM_CORRUPT)
            die("%s: %s", p->dir, stream_error(r));
        if (st == STREAM_TRUNCATED) {
            stream_write_block(w, bytes, blen); /* a cut-off recording stays so */
            break;
        }
        /* The block's records stay valid until the next block is loaded. */
        size_t n = 0;
        bool changed = false;
        void **edited = NULL;
        while (stream_block_left(r) > 0) {
            if (n == cap) {
                cap = cap ? 2 * cap : 1024;
                recs = xrealloc(recs, cap * sizeof *recs);
                lens = xrealloc(lens, cap * sizeof *lens);
            }
            stream_next(r, &recs[n], &lens[n]);
            n++;
        }
        edited = xcalloc(n ? n : 1, sizeof *edited);
        size_t *edited_len = xcalloc(n ? n : 1, sizeof *edited_len);
        for (size_t i = 0; i < n; i++)
            changed |= (edited[i] = edit_record(p, recs[i], lens[i], &edited_len[i])) != NULL;
        if (!changed) {
            stream_write_block(w, bytes, blen);
        } else {
            for (size_t i = 0; i < n; i++) {
                struct iovec part = edited[i] ? (struct iovec){edited[i], edited_len[i]}
                                              : (struct iovec){(void *)recs[i], lens[i]};
                stream_append(w, &part, 1);
            }
            stream_flush(w);
        }
        for (size_t i = 0; i < n; i++)
            free(edited[i]);
        free(edited);
        free(edited_len);
    }
    free(recs);
    free(lens);
    stream_reader_close(r);
    stream_writer_close(w); /* fsync'd */
    if (rename(tmp, events) < 0)
        die_errno("cannot replace %s", events);
    if (fsync_dir(p->dir) < 0)
        die_errno("cannot sync %s", p->dir);
    changed_trace();
    free(tmp);
    free(events);
}

static void remove_duplicates(struct pack *p)
{
    for (size_t i = 0; i < p->nfiles; i++) {
        struct saved *f = &p->files[i];
        if (f->keep == f)
            continue;
        char *path = path_of(p, f->name);
        if (unlink(path) < 0 && errno != ENOENT)
            die_errno("cannot remove %s", path);
        free(path);
        p->removed++;
        changed_trace();
    }
    if (p->removed && fsync_dir(p->dir) < 0)
        die_errno("cannot sync %s", p->dir);
}

static void pack_trace(const char *arg)
{
    struct pack p = {0};
    char *dir = trace_dir_open(arg);
    p.dir = dir;
    int lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock < 0)
        die_errno("cannot open %s", dir);
    if (flock(lock, LOCK_EX | LOCK_NB) < 0)
        die("%s is being packed by another rewind pack", dir);
    remove_leftovers(&p);
    scan_files(&p);
    scan_events(&p);
    choose_kept(&p);
    own_kept_files(&p);
    copy_in_interpreters(&p);
    if (needs_rewrite(&p))
        rewrite_events(&p);
    remove_duplicates(&p);
    if (isatty(STDOUT_FILENO))
        printf("rewind: packed trace directory %s (%u files copied in, %u duplicates "
               "removed)\n", dir, p.copied, p.removed);
    close(lock);
    for (size_t i = 0; i < p.nfiles; i++)
        free(p.files[i].name);
    free(p.files);
    for (size_t i = 0; i < p.ninterps; i++) {
        free(p.interps[i].saved);
        free(p.interps[i].interp);
    }
    free(p.interps);
    free(dir);
}

int cmd_pack(int argc, char **argv)
{
    const char **traces = xcalloc((size_t)argc + 1, sizeof *traces);
    int n = 0;
    bool options = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options && !strcmp(a, "--")) {
            options = false;
        } else if (options && a[0] == '-' && a[1]) {
            if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
                usage(stdout);
                free(traces);
                return 0;
            }
            if (!strncmp(a, "--symlink", 9) || !strncmp(a, "--pack-dir", 10))
                die("rr's pack option %s is not supported by rewind", a);
            warn("pack: unknown option '%s' (see rewind pack --help)", a);
            free(traces);
            return 1;
        } else {
            traces[n++] = a;
        }
    }
    const char *k = getenv("REWIND_PACK_KILL_AFTER");
    if (k && *k)
        kill_after = strtol(k, NULL, 10);
    if (n == 0)
        pack_trace(NULL); /* latest-trace */
    for (int i = 0; i < n; i++)
        pack_trace(traces[i]);
    free(traces);
    return 0;
}
