/* The trace's `machine` file: what replay on another machine needs to
 * know about the one that recorded (machine.h, docs/trace-format.md). */
#include "trace/machine.h"

#include "common/die.h"
#include "common/files.h"
#include "trace/tracedir.h"

#include <cpuid.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#define MACHINE_FILE "machine"
#define MACHINE_HEADER "rewind-machine 1"

/* CPUID bits that change which code a program runs (glibc's ifunc
 * choices: memcpy, strlen, math; compilers' function multiversioning) or
 * which instructions it may use. */
enum reg { EAX, EBX, ECX, EDX };
static const struct feature {
    const char *name;
    uint32_t leaf, subleaf;
    enum reg reg;
    int bit;
} features[] = {
    {"sse3", 1, 0, ECX, 0},          {"pclmulqdq", 1, 0, ECX, 1},
    {"ssse3", 1, 0, ECX, 9},         {"fma", 1, 0, ECX, 12},
    {"cx16", 1, 0, ECX, 13},         {"sse4_1", 1, 0, ECX, 19},
    {"sse4_2", 1, 0, ECX, 20},       {"movbe", 1, 0, ECX, 22},
    {"popcnt", 1, 0, ECX, 23},       {"aes", 1, 0, ECX, 25},
    {"xsave", 1, 0, ECX, 26},        {"osxsave", 1, 0, ECX, 27},
    {"avx", 1, 0, ECX, 28},          {"f16c", 1, 0, ECX, 29},
    {"rdrand", 1, 0, ECX, 30},       {"fsgsbase", 7, 0, EBX, 0},
    {"bmi1", 7, 0, EBX, 3},          {"hle", 7, 0, EBX, 4},
    {"avx2", 7, 0, EBX, 5},          {"bmi2", 7, 0, EBX, 8},
    {"erms", 7, 0, EBX, 9},          {"invpcid", 7, 0, EBX, 10},
    {"rtm", 7, 0, EBX, 11},          {"avx512f", 7, 0, EBX, 16},
    {"avx512dq", 7, 0, EBX, 17},     {"rdseed", 7, 0, EBX, 18},
    {"adx", 7, 0, EBX, 19},          {"avx512ifma", 7, 0, EBX, 21},
    {"clflushopt", 7, 0, EBX, 23},   {"clwb", 7, 0, EBX, 24},
    {"avx512cd", 7, 0, EBX, 28},     {"sha", 7, 0, EBX, 29},
    {"avx512bw", 7, 0, EBX, 30},     {"avx512vl", 7, 0, EBX, 31},
    {"avx512vbmi", 7, 0, ECX, 1},    {"pku", 7, 0, ECX, 3},
    {"waitpkg", 7, 0, ECX, 5},       {"avx512vbmi2", 7, 0, ECX, 6},
    {"gfni", 7, 0, ECX, 8},          {"vaes", 7, 0, ECX, 9},
    {"vpclmulqdq", 7, 0, ECX, 10},   {"avx512vnni", 7, 0, ECX, 11},
    {"avx512bitalg", 7, 0, ECX, 12}, {"avx512vpopcntdq", 7, 0, ECX, 14},
    {"rdpid", 7, 0, ECX, 22},        {"movdiri", 7, 0, ECX, 27},
    {"movdir64b", 7, 0, ECX, 28},    {"fsrm", 7, 0, EDX, 4},
    {"serialize", 7, 0, EDX, 14},    {"avx512fp16", 7, 0, EDX, 23},
    {"amx_tile", 7, 0, EDX, 24},     {"avx_vnni", 7, 1, EAX, 4},
    {"avx512bf16", 7, 1, EAX, 5},    {"xsaveopt", 0xd, 1, EAX, 0},
    {"xsavec", 0xd, 1, EAX, 1},      {"xsaves", 0xd, 1, EAX, 3},
    {"lahf_lm", 0x80000001, 0, ECX, 0}, {"lzcnt", 0x80000001, 0, ECX, 5},
    {"sse4a", 0x80000001, 0, ECX, 6},   {"prefetchw", 0x80000001, 0, ECX, 8},
    {"xop", 0x80000001, 0, ECX, 11},    {"fma4", 0x80000001, 0, ECX, 16},
    {"rdtscp", 0x80000001, 0, EDX, 27},
};

struct machine {
    char vendor[16];
    char model[64];
    char features[1024]; /* space-separated names from the table */
    char xsave[64];      /* "xcr0 0x.. size N" or "none" */
    char kernel[65];
    char host[65];
};

static bool cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    uint32_t max = __get_cpuid_max(leaf & 0x80000000u, NULL);
    if (max < leaf) {
        memset(r, 0, 4 * sizeof *r);
        return false;
    }
    __cpuid_count(leaf, subleaf, r[0], r[1], r[2], r[3]);
    return true;
}

static void trim(char *s)
{
    size_t start = strspn(s, " "), len = strlen(s);
    while (len > start && s[len - 1] == ' ')
        len--;
    memmove(s, s + start, len - start);
    s[len - start] = 0;
}

static void this_machine(struct machine *m)
{
    memset(m, 0, sizeof *m);
    uint32_t r[4];
    cpuid(0, 0, r);
    memcpy(m->vendor, &r[1], 4);
    memcpy(m->vendor + 4, &r[3], 4);
    memcpy(m->vendor + 8, &r[2], 4);
    if (cpuid(0x80000004, 0, r)) {
        for (uint32_t i = 0; i < 3; i++) {
            cpuid(0x80000002 + i, 0, r);
            memcpy(m->model + 16 * i, r, 16);
        }
        m->model[48] = 0;
        trim(m->model);
    }
    if (!m->model[0])
        snprintf(m->model, sizeof m->model, "unknown");

    size_t used = 0;
    for (size_t i = 0; i < sizeof features / sizeof *features; i++) {
        const struct feature *f = &features[i];
        if (cpuid(f->leaf, f->subleaf, r) && (r[f->reg] >> f->bit & 1))
            used += snprintf(m->features + used, sizeof m->features - used, "%s%s",
                             used ? " " : "", f->name);
    }
    /* XCR0 says which register state the kernel saves in signal frames;
     * CPUID 0xD:0 EBX is the size of that state, which decides where the
     * kernel puts a signal frame on the stack. */
    cpuid(1, 0, r);
    if (r[ECX] >> 27 & 1) {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        cpuid(0xd, 0, r);
        snprintf(m->xsave, sizeof m->xsave, "xcr0 0x%llx size %u",
                 (unsigned long long)hi << 32 | lo, r[EBX]);
    } else {
        snprintf(m->xsave, sizeof m->xsave, "none");
    }
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(m->kernel, sizeof m->kernel, "%s", u.release);
        snprintf(m->host, sizeof m->host, "%s", u.nodename);
    }
}

void machine_write(const char *dir)
{
    struct machine m;
    this_machine(&m);
    char buf[2048];
    int n = snprintf(buf, sizeof buf,
                     MACHINE_HEADER "\n"
                     "cpu-vendor %s\n"
                     "cpu-model %s\n"
                     "cpu-features %s\n"
                     "xsave %s\n"
                     "kernel %s\n"
                     "hostname %s\n",
                     m.vendor, m.model, m.features, m.xsave, m.kernel, m.host);
    if (write_file_atomic(dir, MACHINE_FILE, buf, (size_t)n, 0644) < 0)
        warn("warning: cannot write %s/%s (a replay elsewhere will not know what "
             "machine recorded): %s", dir, MACHINE_FILE, strerror(errno));
}

/* The value of "key value" in the file's text, or NULL. */
static const char *field(char *text, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len > kl && !strncmp(line, key, kl) && line[kl] == ' ') {
            snprintf(out, outlen, "%.*s", (int)(len - kl - 1), line + kl + 1);
            return out;
        }
        line = nl ? nl + 1 : NULL;
    }
    return NULL;
}

static bool has_word(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, " ");
        if (n == wl && !strncmp(p, word, n))
            return true;
        p += n + (p[n] == ' ');
    }
    return false;
}

/* Words of a not in b, space-separated, into out. */
static void missing_words(const char *a, const char *b, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = 0;
    for (const char *p = a; *p;) {
        size_t n = strcspn(p, " ");
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)n, p);
        if (n && !has_word(b, word) && used < outlen)
            used += snprintf(out + used, outlen - used, "%s%s", used ? " " : "", word);
        p += n + (p[n] == ' ');
    }
}

/* warn() with a format chosen at run time (from the table below). */
static void report(const char *fmt, const char *recorded, const char *here)
{
    char line[4096];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(line, sizeof line, fmt, recorded, here);
#pragma GCC diagnostic pop
    warn("%s", line);
}

int machine_check(const char *dir)
{
    char *path = trace_path(dir, MACHINE_FILE);
    FILE *f = fopen(path, "re");
    free(path);
    if (!f)
        return 0;
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    if (strncmp(text, MACHINE_HEADER "\n", strlen(MACHINE_HEADER) + 1)) {
        warn("warning: %s/%s is not a machine description this rewind reads; "
             "not comparing machines", dir, MACHINE_FILE);
        return 1;
    }
    struct machine here;
    this_machine(&here);
    int diffs = 0;
    char rec[2048];
    static const struct {
        const char *key;
        size_t offset;
        const char *fmt; /* recorded, here */
    } plain[] = {
        {"cpu-vendor", offsetof(struct machine, vendor),
         "warning: recorded on a %s CPU, replaying on a %s CPU"},
        {"cpu-model", offsetof(struct machine, model),
         "warning: recorded on CPU \"%s\", replaying on \"%s\""},
        {"xsave", offsetof(struct machine, xsave),
         "warning: the register state the kernel saves differs (signal frames will not "
         "match): recorded %s, here %s"},
        {"kernel", offsetof(struct machine, kernel),
         "warning: recorded on Linux %s, replaying on Linux %s"},
        {"hostname", offsetof(struct machine, host),
         "warning: recorded on host %s, replaying on host %s"},
    };
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        const char *now = (const char *)&here + plain[i].offset;
        if (field(text, plain[i].key, rec, sizeof rec) && strcmp(rec, now)) {
            report(plain[i].fmt, rec, now);
            diffs++;
        }
    }
    if (field(text, "cpu-features", rec, sizeof rec) &&
        strcmp(rec, here.features)) {
        char gone[1024], added[1024];
        missing_words(rec, here.features, gone, sizeof gone);
        missing_words(here.features, rec, added, sizeof added);
        if (gone[0] || added[0]) {
            warn("warning: CPU features differ (the program may take other code paths "
                 "and the replay diverge): %s%s%s%s%s", gone[0] ? "missing here: " : "",
                 gone, gone[0] && added[0] ? "; " : "", added[0] ? "only here: " : "",
                 added);
            diffs++;
        }
    }
    return diffs;
}
