#include "trace/event.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const type_names[EV_TYPE_MAX] = {
    [EV_INIT] = "INIT",
    [EV_SYSCALL_ENTER] = "SYSCALL_ENTER",
    [EV_SYSCALL_EXIT] = "SYSCALL_EXIT",
    [EV_SIGNAL] = "SIGNAL",
    [EV_RDTSC] = "RDTSC",
    [EV_CLONE] = "CLONE",
    [EV_EXEC] = "EXEC",
    [EV_TASK_EXIT] = "TASK_EXIT",
    [EV_PREEMPT] = "PREEMPT",
    [EV_KERNEL_WRITE] = "KERNEL_WRITE",
    [EV_CPUID] = "CPUID",
};

const char *event_type_name(uint32_t type)
{
    return type < EV_TYPE_MAX && type_names[type] ? type_names[type] : "UNKNOWN";
}

const char *event_string(const char *strings, uint32_t len, uint32_t i)
{
    uint32_t pos = 0;
    while (pos < len) {
        const char *s = strings + pos;
        const char *nul = memchr(s, 0, len - pos);
        if (!nul)
            return NULL;
        if (i-- == 0)
            return s;
        pos += nul - s + 1;
    }
    return NULL;
}

/* A cursor over a record that refuses to read past its end. */
struct cursor {
    const uint8_t *p;
    size_t left;
};

static int take(struct cursor *c, void *out, size_t n)
{
    if (c->left < n)
        return -1;
    memcpy(out, c->p, n);
    c->p += n;
    c->left -= n;
    return 0;
}

static const uint8_t *skip(struct cursor *c, uint64_t n)
{
    if (c->left < n)
        return NULL;
    const uint8_t *at = c->p;
    c->p += n;
    c->left -= n;
    return at;
}

static int count_strings(const char *s, uint32_t len)
{
    int n = 0;
    for (uint32_t i = 0; i < len; i++)
        n += s[i] == 0;
    return n;
}

/* nregions × struct ev_region, then the bytes of all of them. */
static int decode_regions(struct cursor *c, struct event *ev, uint32_t nregions)
{
    if (nregions > c->left / sizeof(struct ev_region))
        return -1;
    ev->regions = (const struct ev_region *)skip(c, (uint64_t)nregions * sizeof(struct ev_region));
    uint64_t total = 0;
    for (uint32_t i = 0; i < nregions; i++) {
        struct ev_region r;
        memcpy(&r, (const uint8_t *)ev->regions + i * sizeof r, sizeof r);
        if (r.len > c->left || total + r.len > c->left)
            return -1;
        total += r.len;
    }
    ev->region_data = skip(c, total);
    return 0;
}

static int decode_exit(struct cursor *c, struct event *ev, char *err, size_t errlen)
{
    struct ev_syscall_exit *x = &ev->u.exit;
    if (take(c, x, sizeof *x) || decode_regions(c, ev, x->nregions))
        goto short_record;
    if (x->flags & EXITF_MMAP_FILE) {
        if (take(c, &ev->mmap, sizeof ev->mmap))
            goto short_record;
        if (ev->mmap.name_len == 0 || ev->mmap.name_len >= sizeof ev->mmap_name_buf)
            goto bad_name;
        const uint8_t *name = skip(c, ev->mmap.name_len);
        if (!name)
            goto short_record;
        memcpy(ev->mmap_name_buf, name, ev->mmap.name_len);
        ev->mmap_name_buf[ev->mmap.name_len] = 0;
        if (strchr(ev->mmap_name_buf, '/') || strlen(ev->mmap_name_buf) != ev->mmap.name_len)
            goto bad_name;
        ev->mmap_name = ev->mmap_name_buf;
    }
    if ((x->flags & EXITF_OUTPUT_HASH) && !(ev->output_hash = skip(c, 16)))
        goto short_record;
    return 0;
short_record:
    snprintf(err, errlen, "SYSCALL_EXIT record is shorter than its contents");
    return -1;
bad_name:
    snprintf(err, errlen, "SYSCALL_EXIT record names an invalid mapped file");
    return -1;
}

/* An ev_signal or ev_preempt: the fixed part up to the position's words,
 * then its nwords words. */
_Static_assert(sizeof(struct ev_signal) == offsetof(struct ev_signal, pos) + sizeof(struct ev_position),
               "the position ends ev_signal");
_Static_assert(sizeof(struct ev_preempt) == offsetof(struct ev_preempt, pos) + sizeof(struct ev_position),
               "the position ends ev_preempt");

/* Then, since this tail was added, the run's CPU time (a record without
 * it reads as 0, not known). */
static int take_positioned(struct cursor *c, void *fixed, size_t fixed_len, struct ev_position *pos,
                           uint64_t *run_cpu_ns)
{
    size_t head = fixed_len - sizeof pos->words;
    if (take(c, fixed, head) || pos->nwords > POS_MAX_WORDS ||
        take(c, pos->words, pos->nwords * sizeof pos->words[0]))
        return -1;
    if (c->left >= sizeof *run_cpu_ns)
        take(c, run_cpu_ns, sizeof *run_cpu_ns);
    return 0;
}

int event_decode(const void *rec, size_t len, struct event *ev, char *err, size_t errlen)
{
    struct cursor c = {rec, len};
    struct ev_head h;
    memset(ev, 0, sizeof *ev);
    if (take(&c, &h, sizeof h)) {
        snprintf(err, errlen, "event record of %zu bytes is too short", len);
        return -1;
    }
    ev->type = h.type;
    ev->tid = h.tid;
    int rc = 0;
    switch (h.type) {
    case EV_INIT:
        rc = take(&c, &ev->u.init, sizeof ev->u.init);
        if (!rc) {
            ev->strings_len = ev->u.init.strings_len;
            ev->strings = (const char *)skip(&c, ev->strings_len);
            rc = !ev->strings ||
                 (uint64_t)count_strings(ev->strings, ev->strings_len) <
                     2 + (uint64_t)ev->u.init.argc + ev->u.init.envc;
        }
        break;
    case EV_SYSCALL_ENTER:
        rc = take(&c, &ev->u.enter, sizeof ev->u.enter);
        break;
    case EV_SYSCALL_EXIT:
        return decode_exit(&c, ev, err, errlen);
    case EV_SIGNAL:
        rc = take_positioned(&c, &ev->u.sig, sizeof ev->u.sig, &ev->u.sig.pos, &ev->run_cpu_ns) || ev->u.sig.signo <= 0 ||
             ev->u.sig.signo >= 65;
        break;
    case EV_RDTSC:
        rc = take(&c, &ev->u.rdtsc, sizeof ev->u.rdtsc) ||
             (ev->u.rdtsc.insn_len != 2 && ev->u.rdtsc.insn_len != 3);
        break;
    case EV_CPUID:
        rc = take(&c, &ev->u.cpuid, sizeof ev->u.cpuid);
        break;
    case EV_CLONE:
        rc = take(&c, &ev->u.clone, sizeof ev->u.clone);
        break;
    case EV_EXEC:
        rc = take(&c, &ev->u.exec, sizeof ev->u.exec);
        if (!rc) {
            ev->stack = skip(&c, ev->u.exec.stack_len);
            ev->strings_len = ev->u.exec.strings_len;
            ev->strings = (const char *)skip(&c, ev->strings_len);
            rc = !ev->stack || !ev->strings ||
                 (uint64_t)count_strings(ev->strings, ev->strings_len) < 1 + (uint64_t)ev->u.exec.argc;
        }
        break;
    case EV_TASK_EXIT:
        rc = take(&c, &ev->u.task_exit, sizeof ev->u.task_exit);
        break;
    case EV_PREEMPT:
        rc = take_positioned(&c, &ev->u.preempt, sizeof ev->u.preempt, &ev->u.preempt.pos, &ev->run_cpu_ns);
        break;
    case EV_KERNEL_WRITE:
        rc = take(&c, &ev->u.kwrite, sizeof ev->u.kwrite) ||
             decode_regions(&c, ev, ev->u.kwrite.nregions);
        break;
    default:
        snprintf(err, errlen, "unknown event type %u", h.type);
        return -1;
    }
    if (rc) {
        snprintf(err, errlen, "%s record is damaged", event_type_name(h.type));
        return -1;
    }
    return 0;
}

#include "trace/stream.h"

void event_write(struct stream_writer *w, uint32_t type, int32_t tid,
                 const void *fixed, size_t fixed_len,
                 const struct iovec *tail, int ntail)
{
    struct ev_head h = {type, tid};
    struct iovec parts[2 + 64];
    if (ntail > 64)
        ntail = 64; /* callers never build more; keeps the array bounded */
    parts[0] = (struct iovec){&h, sizeof h};
    parts[1] = (struct iovec){(void *)fixed, fixed_len};
    for (int i = 0; i < ntail; i++)
        parts[2 + i] = tail[i];
    stream_append(w, parts, 2 + ntail);
}
