/* Unit tests for the trace stream (src/trace/stream.c) and trace directories
 * (src/trace/tracedir.c).  Prints "stream: N checks passed"; exits non-zero
 * on any failure. */
#include "common/die.h"
#include "trace/stream.h"
#include "trace/tracedir.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
static char tmp[PATH_MAX];


static char *tpath(const char *name)
{
    return trace_path(tmp, name);
}

/* ---- deterministic record contents */

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Record i of length len: half compressible text, half noise. */
static void fill(unsigned char *buf, size_t len, uint64_t i)
{
    uint64_t s = i * 0x9e3779b97f4a7c15ull + 1;
    for (size_t k = 0; k < len; k++) {
        if ((k / 4096) % 2 == 0) {
            buf[k] = (unsigned char)("record stream "[k % 14] + (i & 3));
        } else {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            buf[k] = (unsigned char)s;
        }
    }
}

struct rec {
    size_t len;
    unsigned char *data;
};

/* Appends r as 0 parts (empty), 1 part (even length) or 3 parts (odd). */
static void append(struct stream_writer *w, const struct rec *r)
{
    struct iovec iov[3];
    size_t a = r->len / 3, b = r->len / 2;
    iov[0] = (struct iovec){r->data, a};
    iov[1] = (struct iovec){r->data + a, b - a};
    iov[2] = (struct iovec){r->data + b, r->len - b};
    if (r->len == 0)
        stream_append(w, NULL, 0);
    else if (r->len % 2 == 0)
        stream_append(w, &(struct iovec){r->data, r->len}, 1);
    else
        stream_append(w, iov, 3);
}

static struct rec *make_records(size_t n, size_t max_len, size_t big_every,
                                size_t big_len)
{
    struct rec *v = calloc(n, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        size_t len;
        if (i == 0)
            len = 0;
        else if (i == 1)
            len = 1;
        else if (big_every && i % big_every == 0)
            len = big_len;
        else {
            size_t max = rnd() % 4 == 0 ? max_len : 300;
            len = rnd() % max;
        }
        v[i].len = len;
        v[i].data = malloc(len ? len : 1);
        fill(v[i].data, len, i);
    }
    return v;
}

static void free_records(struct rec *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].data);
    free(v);
}

/* Writes the n records of v to a new stream at path, a block at least
 * every `every` records. */
static void write_stream(const char *path, int level, const struct rec *v, size_t n,
                         size_t every)
{
    struct stream_writer *w = stream_writer_create(path, level);
    for (size_t i = 0; i < n; i++) {
        append(w, &v[i]);
        if (i % every == every - 1)
            stream_flush(w);
    }
    stream_writer_close(w);
}

/* ---- reading files back */

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) < 0)
        abort();
    long size = ftell(f);
    unsigned char *buf = malloc((size_t)size + 1);
    rewind(f);
    *len = fread(buf, 1, (size_t)size, f);
    fclose(f);
    return buf;
}

static void spill(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        abort();
}

static uint32_t u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Block layout of a well-formed file: end offset and record count of each. */
struct layout {
    size_t nblocks;
    size_t end[4096];
    uint32_t raw_len[4096], count[4096];
};

static void parse_layout(const unsigned char *buf, size_t len, struct layout *l)
{
    size_t pos = 16;
    l->nblocks = 0;
    while (pos + 16 <= len && l->nblocks < 4096) {
        l->raw_len[l->nblocks] = u32(buf + pos + 4);
        l->count[l->nblocks] = u32(buf + pos + 12);
        pos += 16 + u32(buf + pos + 8);
        l->end[l->nblocks++] = pos;
    }
}

/* Reads path and checks: every record returned equals the original, in
 * order.  Returns the final status (or 99 when open failed); *got = count. */
static int read_back(const char *path, const struct rec *v, size_t n,
                     size_t *got, char msg[256])
{
    char err[256];
    struct stream_reader *r = stream_reader_open(path, err, sizeof(err));
    *got = 0;
    if (!r) {
        snprintf(msg, 256, "%s", err);
        return 99;
    }
    const void *rec;
    size_t len;
    enum stream_status st;
    bool same = true;
    while ((st = stream_next(r, &rec, &len)) == STREAM_RECORD) {
        same = *got < n && len == v[*got].len &&
               (len == 0 || memcmp(rec, v[*got].data, len) == 0);
        if (!same)
            break;
        ++*got;
    }
    CHECK(same, "%s: record %zu differs (len %zu)", path, *got, len);
    snprintf(msg, 256, "%s", stream_error(r));
    /* the final status repeats */
    enum stream_status again = stream_next(r, &rec, &len);
    CHECK(again == st, "%s: status %d then %d", path, st, again);
    stream_reader_close(r);
    return st;
}

static int spill_read(const char *path, const unsigned char *buf, size_t len,
                      const struct rec *v, size_t n, size_t *got, char msg[256])
{
    spill(path, buf, len);
    return read_back(path, v, n, got, msg);
}

/* Expected records after truncating to t bytes: those of complete blocks. */
static size_t complete_records(const struct layout *l, size_t t, bool *at_boundary)
{
    size_t n = 0;
    *at_boundary = t == 16;
    for (size_t b = 0; b < l->nblocks && l->end[b] <= t; b++) {
        n += l->count[b];
        *at_boundary |= l->end[b] == t;
    }
    return n;
}

static int descending(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Cuts a copy of buf at each offset (largest first, so each cut is one
 * truncate(2)) and checks what the reader makes of it. */
static void cut_at(const char *name, const unsigned char *buf, size_t len,
                   size_t *offsets, size_t noffsets, const struct layout *l,
                   const struct rec *v, size_t n)
{
    char *cut = tpath("cut");
    spill(cut, buf, len);
    qsort(offsets, noffsets, sizeof(*offsets), descending);
    for (size_t i = 0; i < noffsets; i++) {
        size_t t = offsets[i];
        if (t >= len || (i > 0 && t == offsets[i - 1]))
            continue;
        if (truncate(cut, (off_t)t) < 0)
            abort();
        bool boundary;
        size_t want = complete_records(l, t, &boundary);
        size_t got;
        char msg[256];
        int st = read_back(cut, v, n, &got, msg);
        CHECK(got == want, "%s cut at %zu: %zu records, want %zu", name, t, got, want);
        if (boundary)
            CHECK(st == STREAM_END, "%s cut at block boundary %zu: status %d",
                  name, t, st);
        else
            CHECK(st == STREAM_TRUNCATED && strstr(msg, "cut off"),
                  "%s cut at %zu: status %d (%s)", name, t, st, msg);
    }
    free(cut);
}

/* ---- stream tests */

static void test_round_trip_big(void)
{
    size_t n = 3000;
    struct rec *v = make_records(n, 20000, 991, 3u << 20); /* three 3 MiB records */
    /* end with a separate block of ten short records, so that cutting the
     * file at every offset of the last block stays cheap */
    for (size_t i = n - 10; i < n; i++)
        if (v[i].len > 50)
            v[i].len = 50;
    char *path = tpath("big");
    struct stream_writer *w = stream_writer_create(path, 3);
    CHECK(stream_bytes_written(w) == 16, "header counted");
    for (size_t i = 0; i < n; i++) {
        if (i == n - 10)
            stream_flush(w);
        append(w, &v[i]);
    }
    stream_flush(w);
    uint64_t written = stream_bytes_written(w);
    stream_flush(w); /* no-op when empty */
    CHECK(stream_bytes_written(w) == written, "empty flush wrote");
    stream_writer_close(w);
    size_t len;
    unsigned char *buf = slurp(path, &len);
    CHECK(written == len, "bytes_written %llu, file %zu",
          (unsigned long long)written, len);

    size_t got;
    char msg[256];
    int st = read_back(path, v, n, &got, msg);
    CHECK(st == STREAM_END && got == n, "big: status %d, %zu of %zu records (%s)",
          st, got, n, msg);

    static struct layout l;
    parse_layout(buf, len, &l);
    CHECK(l.nblocks >= 5 && l.end[l.nblocks - 1] == len,
          "big: %zu blocks, layout ends at %zu of %zu", l.nblocks,
          l.nblocks ? l.end[l.nblocks - 1] : 0, len);
    size_t big_blocks = 0, total = 0;
    for (size_t b = 0; b < l.nblocks; b++) {
        total += l.count[b];
        if (l.raw_len[b] > (1u << 20)) {
            big_blocks++;
            CHECK(l.count[b] == 1 && l.raw_len[b] == (3u << 20) + 4,
                  "big: oversized block %zu holds %u records", b, l.count[b]);
        }
    }
    CHECK(big_blocks == 3 && total == n, "big: %zu big blocks, %zu records",
          big_blocks, total);

    /* every offset in the last block, block boundaries +-1, and a sample */
    size_t last_start = l.nblocks > 1 ? l.end[l.nblocks - 2] : 16;
    size_t cap = len - last_start + 3 * l.nblocks + 64, no = 0;
    size_t *offs = malloc(cap * sizeof(*offs));
    for (size_t t = last_start; t < len; t++)
        offs[no++] = t;
    for (size_t b = 0; b + 1 < l.nblocks; b++)
        for (size_t t = l.end[b] - 1; t <= l.end[b] + 1; t++)
            offs[no++] = t;
    for (size_t t = 0; t <= 17; t++)
        offs[no++] = t;
    for (int k = 0; k < 40; k++)
        offs[no++] = rnd() % len;
    cut_at("big", buf, len, offs, no, &l, v, n);
    free(offs);
    free(buf);
    free(path);
    free_records(v, n);
}

/* Small multi-block stream: truncation at every offset, damage at every byte. */
static void test_small_damage(void)
{
    size_t n = 120;
    struct rec *v = make_records(n, 6000, 0, 0);
    char *path = tpath("small");
    write_stream(path, 1, v, n, 20);
    size_t len;
    unsigned char *buf = slurp(path, &len);
    static struct layout l;
    parse_layout(buf, len, &l);
    CHECK(l.nblocks == 6, "small: %zu blocks", l.nblocks);

    size_t *offs = malloc(len * sizeof(*offs));
    for (size_t t = 0; t < len; t++)
        offs[t] = t;
    cut_at("small", buf, len, offs, len, &l, v, n);
    free(offs);

    char *bad = tpath("bad");
    static const unsigned char flips[] = {0x01, 0x80, 0xff};
    size_t detected = 0, benign = 0;
    spill(bad, buf, len);
    int bad_fd = open(bad, O_WRONLY);
    for (size_t pos = 0; pos < len; pos++) {
        for (size_t f = 0; f < sizeof(flips); f++) {
            unsigned char c = buf[pos] ^ flips[f];
            if (pwrite(bad_fd, &c, 1, (off_t)pos) != 1)
                abort();
            size_t got;
            char msg[256];
            int st = read_back(bad, v, n, &got, msg);
            if (pwrite(bad_fd, &buf[pos], 1, (off_t)pos) != 1)
                abort();
            bool dummy;
            size_t before = complete_records(&l, pos, &dummy);
            if (st == 99) {
                CHECK(pos < 16, "small: open failed for damage at %zu: %s", pos, msg);
                detected++;
            } else if (st == STREAM_END) {
                CHECK(got == n, "small: damage at %zu: silent END after %zu", pos, got);
                benign++;
            } else {
                CHECK((st == STREAM_CORRUPT || st == STREAM_TRUNCATED) &&
                          got >= before && msg[0],
                      "small: damage at %zu: status %d after %zu records (%s)",
                      pos, st, got, msg);
                detected++;
            }
        }
    }
    close(bad_fd);
    CHECK(detected > 3 * len * 9 / 10, "small: %zu of %zu flips detected",
          detected, 3 * len);
    printf("stream: %zu byte flips detected, %zu harmless (data intact)\n",
           detected, benign);

    /* specific messages; garbage after the last block; header fields */
    size_t got;
    char msg[256];
    unsigned char *m = malloc(len + 16);
    memcpy(m, buf, len);
    memset(m + len, 'x', 16);
    m[l.end[1] + 16 + 40] ^= 0x55; /* inside block 2's zstd frame */
    int st = spill_read(bad, m, len, v, n, &got, msg);
    CHECK(st == STREAM_CORRUPT && got == 40 && strstr(msg, "bad: block 2 is damaged (zstd: "),
          "payload damage: %d %zu '%s'", st, got, msg);
    m[l.end[1] + 16 + 40] ^= 0x55;
    st = spill_read(bad, m, len - 5, v, n, &got, msg);
    CHECK(st == STREAM_TRUNCATED &&
              !strcmp(msg, "bad: file ends inside block 5 (the recording was cut off)"),
          "truncation message: %d '%s'", st, msg);
    st = spill_read(bad, m, len + 3, v, n, &got, msg);
    CHECK(st == STREAM_TRUNCATED && got == n, "3 trailing bytes: %d", st);
    st = spill_read(bad, m, len + 16, v, n, &got, msg);
    CHECK(st == STREAM_CORRUPT && got == n, "16 trailing bytes: %d", st);
    static const struct {
        size_t off;
        unsigned char val;
        const char *want;
    } hdr[] = {
        {8, 2, "bad: trace stream format version 2 is newer than this rewind "
               "supports (1)"},
        {8, 0, "damaged stream header (format version 0)"},
        {12, 1, "damaged stream header (reserved field is not 0)"},
        {0, 'X', "bad: not a rewind trace stream (bad magic)"},
    };
    for (size_t i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++) {
        unsigned char old = m[hdr[i].off];
        m[hdr[i].off] = hdr[i].val;
        st = spill_read(bad, m, len, v, n, &got, msg);
        CHECK(st == 99 && strstr(msg, hdr[i].want), "header %zu: '%s'", i, msg);
        m[hdr[i].off] = old;
    }
    st = spill_read(bad, m, 0, v, n, &got, msg);
    CHECK(st == STREAM_TRUNCATED && got == 0 && strstr(msg, "cut off"),
          "empty file: %d '%s'", st, msg);
    char *missing = tpath("missing");
    st = read_back(missing, v, n, &got, msg);
    CHECK(st == 99 && strstr(msg, "No such file"), "missing file: '%s'", msg);

    free(missing);
    free(m);
    free(bad);
    free(buf);
    free(path);
    free_records(v, n);
}

/* A writer killed with SIGKILL at an arbitrary moment leaves a readable
 * stream: every record read back is intact. */
static void test_kill9(void)
{
    struct rec *v = make_records(400, 20000, 0, 0);
    char *path = tpath("killed");
    for (int round = 0; round < 5; round++) {
        unlink(path);
        pid_t pid = fork();
        if (pid == 0) {
            struct stream_writer *w = stream_writer_create(path, 1);
            for (size_t i = 0;; i = (i + 1) % 400)
                append(w, &v[i]);
        }
        usleep(20000 + 15000 * round);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        if (access(path, F_OK) < 0)
            continue; /* killed before it created the file */
        struct stream_reader *r = stream_reader_open(path, NULL, 0);
        if (!CHECK(r != NULL, "kill -9 round %d: open failed", round))
            continue;
        const void *rec;
        size_t len, i = 0;
        enum stream_status st;
        bool ok = true;
        while ((st = stream_next(r, &rec, &len)) == STREAM_RECORD) {
            ok &= len == v[i % 400].len && !memcmp(rec, v[i % 400].data, len);
            i++;
        }
        CHECK(ok && (st == STREAM_END || st == STREAM_TRUNCATED),
              "kill -9 round %d: %zu records, status %d", round, i, st);
        stream_reader_close(r);
    }
    free(path);
    free_records(v, 400);
}

/* ---- trace directories */

/* die() exits without freeing; under LeakSanitizer (an ASan build) that
 * would add a report to the one line the children are checked for. */
static int in_dying_child;
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
    return in_dying_child;
}

/* Runs fn(arg) in a child; checks it dies with exactly one line on stderr
 * starting "rewind: " and containing want. */
static void expect_die(char *(*fn)(const char *), const char *arg, const char *want)
{
    int p[2];
    if (pipe(p) < 0)
        abort();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        in_dying_child = 1;
        dup2(p[1], 2);
        close(p[0]);
        fn(arg);
        _exit(99);
    }
    close(p[1]);
    char out[1024];
    size_t n = 0;
    ssize_t r;
    while ((r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    char *nl = strchr(out, '\n');
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
              !strncmp(out, "rewind: ", 8) && nl && nl[1] == '\0' && strstr(out, want),
          "%s: want '%s', status %d, stderr '%s'", arg ? arg : "(latest)", want,
          status, out);
}

static char *open_trace(const char *arg)
{
    return trace_dir_open(arg);
}

static char *create_in(const char *out)
{
    return trace_dir_create("prog", out);
}

static bool link_is(const char *link, const char *want)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(link, buf, sizeof(buf) - 1);
    if (n < 0)
        return false;
    buf[n] = '\0';
    return !strcmp(buf, want);
}

static void check_open(const char *arg, const char *want)
{
    char *o = trace_dir_open(arg);
    CHECK(!strcmp(o, want), "open(%s) = %s, want %s", arg ? arg : "NULL", o, want);
    free(o);
}

static void test_tracedir(void)
{
    char *root = tpath("traces/rr");
    setenv("_RR_TRACE_DIR", root, 1);
    CHECK(!strcmp(trace_root(), root), "root %s", trace_root());
    expect_die(open_trace, NULL, "no trace at ");

    char *t0 = trace_dir_create("/usr/bin/prog", NULL);
    char *t1 = trace_dir_create("./prog", NULL);
    char *want0 = trace_path(root, "prog-0"), *want1 = trace_path(root, "prog-1");
    CHECK(!strcmp(t0, want0) && !strcmp(t1, want1), "created %s %s", t0, t1);
    char *ver = trace_path(t1, "version");
    size_t len;
    unsigned char *content = slurp(ver, &len);
    CHECK(len == 15 && !memcmp(content, "rewind-trace 2\n", 15), "version file");
    free(content);
    char *latest = trace_path(root, "latest-trace");
    CHECK(link_is(latest, "prog-1"), "latest-trace -> prog-1");

    check_open(NULL, t1);
    check_open("prog-0", t0);
    check_open(t0, t0);

    /* the smallest free n is reused */
    char *v0 = trace_path(t0, "version"), *m0 = trace_path(t0, "machine");
    unlink(v0);
    unlink(m0);
    free(v0);
    free(m0);
    rmdir(t0);
    char *again = trace_dir_create("prog", NULL);
    CHECK(!strcmp(again, want0), "reused %s", again);
    CHECK(link_is(latest, "prog-0"), "latest-trace -> prog-0");

    /* -o: outside the root, parents created, latest-trace absolute */
    char *out = tpath("elsewhere/sub/mytrace");
    char *made = trace_dir_create("prog", out);
    CHECK(!strcmp(made, out), "-o created %s", made);
    CHECK(link_is(latest, out), "latest-trace -> %s", out);
    check_open(NULL, out);
    expect_die(create_in, out, "exists and is not empty");
    char *empty = tpath("elsewhere/empty");
    mkdir(empty, 0755);
    free(trace_dir_create("prog", empty));
    CHECK(link_is(latest, empty), "-o existing empty dir");

    /* errors */
    expect_die(open_trace, "nonesuch", "no trace at nonesuch");
    char *plain = trace_path(root, "plain");
    mkdir(plain, 0755);
    expect_die(open_trace, "plain", "is not a rewind trace (no version file)");
    static const struct {
        const char *content, *want;
    } bad[] = {
        {"85\n", "was recorded by rr (trace version 85); rewind cannot replay rr traces"},
        {"rewind-trace 7\n", "has trace format version 7; this rewind reads version 2"},
        {"hello\n", "has a damaged version file"},
        {"", "has a damaged version file"},
        {"rewind-trace \n", "has a damaged version file"},
        {"rewind-trace 0\n", "has a damaged version file"},
        {"rewind-trace 1\nx", "has a damaged version file"},
    };
    char *vfile = trace_path(plain, "version");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        spill(vfile, bad[i].content, strlen(bad[i].content));
        expect_die(open_trace, plain, bad[i].want);
    }
    spill(vfile, "rewind-trace 1", 14); /* no newline: accepted */
    check_open(plain, plain);

    /* concurrent recorders get distinct names */
    for (int i = 0; i < 8; i++)
        if (fork() == 0) {
            free(trace_dir_create("/bin/race", NULL));
            _exit(0);
        }
    int ok = 0, status;
    while (wait(&status) > 0)
        ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    int found = 0;
    for (int i = 0; i < 9; i++) {
        char name[32];
        snprintf(name, sizeof(name), "race-%d/version", i);
        char *p = trace_path(root, name);
        found += access(p, F_OK) == 0;
        free(p);
    }
    CHECK(ok == 8 && found == 8, "race: %d ok, %d traces", ok, found);
    char *o = trace_dir_open(NULL);
    CHECK(strstr(o, "/race-") != NULL, "latest after race: %s", o);
    free(o);

    /* root selection */
    unsetenv("_RR_TRACE_DIR");
    setenv("XDG_DATA_HOME", "/xdg", 1);
    CHECK(!strcmp(trace_root(), "/xdg/rr"), "XDG root %s", trace_root());
    setenv("XDG_DATA_HOME", "relative", 1);
    setenv("HOME", "/home/someone/", 1);
    CHECK(!strcmp(trace_root(), "/home/someone/.local/share/rr"), "HOME root %s",
          trace_root());
    char *j1 = trace_path("/a/", "b"), *j2 = trace_path("/", "b");
    CHECK(!strcmp(j1, "/a/b") && !strcmp(j2, "/b"), "trace_path joins %s %s", j1, j2);
    free(j1), free(j2);

    free(vfile), free(plain), free(empty), free(made), free(out), free(again);
    free(latest), free(ver), free(want0), free(want1), free(t0), free(t1), free(root);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    remove(path);
    return 0;
}

/* ---- block by block (rewind pack): copy, edit, cut-off tail */

/* Copies src to dst block by block; records i with i % edit_every == 0
 * (edit_every 0: none) are replaced by their reverse.  Returns the status
 * that ended the copy. */
static enum stream_status copy_blocks(const char *src, const char *dst, size_t edit_every)
{
    char err[256];
    struct stream_reader *r = stream_reader_open(src, err, sizeof err);
    CHECK(r != NULL, "open %s: %s", src, err);
    if (!r)
        return STREAM_CORRUPT;
    unlink(dst);
    struct stream_writer *w = stream_writer_create(dst, 3);
    enum stream_status st;
    size_t index = 0;
    for (;;) {
        const void *bytes;
        size_t len;
        st = stream_next_block(r, &bytes, &len);
        if (st != STREAM_RECORD) {
            if (st == STREAM_TRUNCATED)
                stream_write_block(w, bytes, len);
            break;
        }
        bool edit = false;
        size_t first = index;
        for (uint32_t k = stream_block_left(r); k > 0; k--, index++)
            edit |= edit_every && index % edit_every == 0;
        if (!edit) {
            stream_write_block(w, bytes, len);
            while (stream_block_left(r) > 0) {
                const void *rec;
                size_t rlen;
                stream_next(r, &rec, &rlen);
            }
            continue;
        }
        for (size_t i = first; stream_block_left(r) > 0; i++) {
            const void *rec;
            size_t rlen;
            stream_next(r, &rec, &rlen);
            unsigned char *out = malloc(rlen ? rlen : 1);
            for (size_t k = 0; k < rlen; k++)
                out[k] = ((const unsigned char *)rec)[edit_every && i % edit_every == 0 ? rlen - 1 - k : k];
            stream_append(w, &(struct iovec){out, rlen}, 1);
            free(out);
        }
        stream_flush(w);
    }
    stream_reader_close(r);
    stream_writer_close(w);
    return st;
}

static void test_block_copy(void)
{
    size_t n = 3000;
    struct rec *v = make_records(n, 20000, 700, 1500000);
    char *a = tpath("blocks-a"), *b = tpath("blocks-b"), *c = tpath("blocks-c");
    write_stream(a, 3, v, n, 250);
    size_t la, lb;
    unsigned char *fa = slurp(a, &la);

    /* Nothing edited: the same bytes. */
    CHECK(copy_blocks(a, b, 0) == STREAM_END, "a verbatim copy ends cleanly");
    unsigned char *fb = slurp(b, &lb);
    CHECK(la == lb && !memcmp(fa, fb, la), "a verbatim block copy is byte for byte the same");
    free(fb);

    /* Every 97th record reversed: those come back reversed, the rest as
     * they were, in order. */
    CHECK(copy_blocks(a, b, 97) == STREAM_END, "an edited copy ends cleanly");
    char err[256];
    struct stream_reader *r = stream_reader_open(b, err, sizeof err);
    size_t i = 0, bad = 0;
    const void *rec;
    size_t len;
    while (r && stream_next(r, &rec, &len) == STREAM_RECORD) {
        if (i >= n || len != v[i].len) {
            bad++;
        } else {
            for (size_t k = 0; k < len; k++)
                if (((const unsigned char *)rec)[k] != v[i].data[i % 97 == 0 ? len - 1 - k : k]) {
                    bad++;
                    break;
                }
        }
        i++;
    }
    CHECK(r && i == n && bad == 0, "edited copy: %zu records, %zu wrong", i, bad);
    stream_reader_close(r);

    /* Cut off inside a block: the tail is copied as it is, and the copy
     * reads exactly as the original does. */
    spill(c, fa, la - 1000);
    CHECK(copy_blocks(c, b, 0) == STREAM_TRUNCATED, "a cut-off stream copies up to its cut");
    fb = slurp(b, &lb);
    CHECK(lb == la - 1000 && !memcmp(fa, fb, lb), "the cut-off copy is byte for byte the same");
    free(fb);
    r = stream_reader_open(b, err, sizeof err);
    i = 0;
    enum stream_status st;
    while ((st = stream_next(r, &rec, &len)) == STREAM_RECORD)
        i++;
    CHECK(st == STREAM_TRUNCATED && i > 0 && i < n, "the copy ends truncated after %zu records", i);
    stream_reader_close(r);

    /* A damaged block stops the copy. */
    unsigned char *fd = malloc(la);
    memcpy(fd, fa, la);
    fd[la / 2] ^= 0x55;
    spill(c, fd, la);
    CHECK(copy_blocks(c, b, 0) == STREAM_CORRUPT, "a damaged stream is refused");
    free(fd);
    free(fa);
    free(a);
    free(b);
    free(c);
    free_records(v, n);
}

int main(void)
{
    snprintf(tmp, sizeof(tmp), "%s/rewind-test-stream-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    char *real;
    if (!mkdtemp(tmp) || !(real = realpath(tmp, NULL))) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(tmp, sizeof(tmp), "%s", real); /* trace_dir_open() resolves links */
    free(real);
    test_round_trip_big();
    test_small_damage();
    test_kill9();
    test_tracedir();
    test_block_copy();
    nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    if (failed) {
        printf("stream: %d checks failed, %d passed\n", failed, passed);
        return 1;
    }
    printf("stream: %d checks passed\n", passed);
    return 0;
}
