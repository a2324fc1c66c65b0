/* The server: listening, the connection's state and the dispatch of
 * gdb's packets (Appendix E, "Remote Protocol", of the gdb manual). */
#include "gdb/gdb_server.h"

#include "common/die.h"
#include "gdb/hex.h"
#include "gdb/hostio.h"
#include "gdb/packet.h"
#include "gdb/registers.h"
#include "gdb/rr_cmd.h"
#include "gdb/signals.h"
#include "gdb/stop_reply.h"
#include "gdb/strbuf.h"
#include "gdb/svr4.h"
#include "gdb/target_xml.h"
#include "gdb/thread_id.h"
#include "gdb/vcont.h"
#include "gdb/xfer.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Largest m read: its hex reply must fit in a packet. */
#define MEM_MAX ((GDB_PACKET_SIZE - 64) / 2)
#define AUXV_MAX 8192
#define MAX_THREADS 65536

enum conn_state {
    NOT_CONNECTED,  /* before gdb_server_accept */
    CONNECTED,
    DETACHED,       /* gdb sent D; the connection is closed */
    GONE,           /* the connection ended otherwise (or k/vKill) */
};

struct gdb_server {
    int listen_fd;
    enum conn_state state;
    struct gdb_conn conn;
    /* negotiated with qSupported, !, QStartNoAckMode */
    bool multiprocess, swbreak, hwbreak, extended;
    pid_t pid, tid;         /* gdb_server_set_process */
    pid_t g_tid, c_tid;     /* Hg / Hc thread; 0: the stopped thread */
    bool resume_pending;    /* gdb waits for a stop reply */
    bool killed;            /* vKill in extended mode: no process for gdb */
    struct gdb_stop stop;   /* the current stop */
    int xml_level;          /* registers.h's level; -1 until target.xml was served */
    struct gdb_hostio hostio;
    struct gdb_thread *tlist;  /* qfThreadInfo snapshot, continued by qs */
    int tlist_n, tlist_pos;
    char xfer_key[300];     /* object:annex of xfer_data, "" if none */
    struct strbuf xfer_data;
    struct strbuf reply;
};

/* ---- listening */

struct gdb_server *gdb_server_listen(const char *host, int port, int *port_out)
{
    if (!host || !*host)
        host = "127.0.0.1";
    if (port < 0 || port > 65535)
        die("invalid port %d", port);
    char service[16];
    snprintf(service, sizeof(service), "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai;
    int rc = getaddrinfo(host, service, &hints, &ai);
    if (rc)
        die("cannot listen on %s: %s", host, gai_strerror(rc));
    int fd = -1, err = 0;
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
        if (err == EADDRINUSE)
            break;
    }
    freeaddrinfo(ai);
    if (fd < 0) {
        if (err == EADDRINUSE)
            die("port %d is in use", port);
        die("cannot listen on %s:%d: %s", host, port, strerror(err));
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
        die_errno("getsockname");
    int bound = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                         : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (port_out)
        *port_out = bound;
    struct gdb_server *srv = xcalloc(1, sizeof(*srv));
    srv->listen_fd = fd;
    srv->conn.fd = -1;
    srv->xml_level = -1;
    hostio_init(&srv->hostio);
    debug("gdb server listening on %s:%d", host, bound);
    return srv;
}

static void end_connection(struct gdb_server *srv, enum conn_state state)
{
    if (srv->conn.fd >= 0)
        conn_close(&srv->conn);
    hostio_close_all(&srv->hostio);
    srv->state = state;
}

void gdb_server_accept(struct gdb_server *srv)
{
    if (srv->state == CONNECTED)
        end_connection(srv, GONE);
    int fd;
    do
        fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        die_errno("accepting the gdb connection");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    conn_open(&srv->conn, fd);
    srv->state = CONNECTED;
    srv->multiprocess = srv->swbreak = srv->hwbreak = srv->extended = false;
    srv->g_tid = srv->c_tid = 0;
    srv->resume_pending = srv->killed = false;
    srv->xml_level = -1;
    srv->xfer_key[0] = '\0';
    debug("gdb connected");
}

void gdb_server_set_process(struct gdb_server *srv, pid_t pid, pid_t tid)
{
    srv->pid = pid;
    srv->tid = tid;
}

void gdb_server_close(struct gdb_server *srv)
{
    if (!srv)
        return;
    end_connection(srv, GONE);
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    free(srv->tlist);
    sb_free(&srv->xfer_data);
    sb_free(&srv->reply);
    free(srv);
}

bool gdb_server_interrupted(struct gdb_server *srv)
{
    if (srv->state == GONE)
        return true;
    if (srv->state != CONNECTED)
        return false;
    return conn_poll_interrupt(&srv->conn);
}

/* ---- threads */

/* The threads of the debugged process (all, if none was set); the
 * caller frees the list. */
static int get_threads(struct gdb_server *srv, const struct gdb_target *tgt,
                       struct gdb_thread **out)
{
    int max = 256, n = 0;
    struct gdb_thread *list = NULL;
    for (;;) {
        list = xrealloc(list, sizeof(*list) * (size_t)max);
        n = tgt->threads ? tgt->threads(tgt->ctx, list, max) : 0;
        if (n < max || max >= MAX_THREADS)
            break;
        max *= 4;
    }
    if (n < 0)
        n = 0;
    if (n > max)
        n = max;
    int kept = 0;
    for (int i = 0; i < n; i++)
        if (srv->pid <= 0 || list[i].pid == srv->pid)
            list[kept++] = list[i];
    *out = list;
    return kept;
}

/* The pid of thread tid, or 0 when it is not a thread of ours. */
static pid_t thread_pid(struct gdb_server *srv, const struct gdb_target *tgt, pid_t tid)
{
    struct gdb_thread *list;
    int n = get_threads(srv, tgt, &list);
    pid_t pid = 0;
    for (int i = 0; i < n; i++)
        if (list[i].tid == tid)
            pid = list[i].pid;
    free(list);
    return pid;
}

static pid_t stopped_tid(const struct gdb_server *srv)
{
    if (srv->stop.tid > 0 && srv->stop.kind != GDB_STOP_EXITED &&
        srv->stop.kind != GDB_STOP_KILLED)
        return srv->stop.tid;
    return srv->tid;
}

/* The thread register and memory requests are about (Hg). */
static pid_t general_tid(const struct gdb_server *srv)
{
    return srv->g_tid > 0 ? srv->g_tid : stopped_tid(srv);
}

static pid_t general_pid(struct gdb_server *srv, const struct gdb_target *tgt)
{
    pid_t pid = thread_pid(srv, tgt, general_tid(srv));
    if (pid > 0)
        return pid;
    return srv->pid > 0 ? srv->pid : srv->stop.pid;
}

/* ---- request handlers; each appends its reply to srv->reply */

#define REPLY(s) sb_adds(&srv->reply, s)

static void handle_qsupported(struct gdb_server *srv, const char *features)
{
    /* gdb's features: "multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386;..." */
    while (features && *features) {
        const char *end = strchr(features, ';');
        size_t n = end ? (size_t)(end - features) : strlen(features);
#define IS(f) (n == strlen(f) && !strncmp(features, f, n))
        if (IS("multiprocess+"))
            srv->multiprocess = true;
        else if (IS("swbreak+"))
            srv->swbreak = true;
        else if (IS("hwbreak+"))
            srv->hwbreak = true;
#undef IS
        features = end ? end + 1 : NULL;
    }
    sb_addf(&srv->reply,
            "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;qXfer:auxv:read+;"
            "qXfer:exec-file:read+;qXfer:threads:read+;qXfer:libraries-svr4:read+;"
            "multiprocess+;swbreak+;hwbreak+;ReverseStep+;ReverseContinue+;vContSupported+",
            GDB_PACKET_SIZE);
}

/* The registers gdb expects: the target.xml it read, else the regs'. */
static int use_level(const struct gdb_server *srv, const struct gdb_regs *r)
{
    return srv->xml_level >= 0 ? srv->xml_level : gdb_regs_level(r);
}

static bool fetch_regs(struct gdb_server *srv, const struct gdb_target *tgt, struct gdb_regs *r)
{
    memset(r, 0, sizeof(*r));
    return tgt->get_regs && tgt->get_regs(tgt->ctx, general_tid(srv), r) == 0;
}

static void store_regs(struct gdb_server *srv, const struct gdb_target *tgt,
                       const struct gdb_regs *r)
{
    char why[256] = "";
    int rc = tgt->set_regs ? tgt->set_regs(tgt->ctx, general_tid(srv), r, why, sizeof(why))
                           : -EPERM;
    if (rc == 0) {
        REPLY("OK");
        return;
    }
    warn("cannot change registers%s%s", why[0] ? ": " : "", why);
    REPLY("E01");
}

static void handle_g(struct gdb_server *srv, const struct gdb_target *tgt)
{
    struct gdb_regs r;
    if (!fetch_regs(srv, tgt, &r)) {
        REPLY("E01");
        return;
    }
    uint8_t buf[GDB_REG_MAX_BYTES];
    for (int i = 0; i < gdb_reg_count(use_level(srv, &r)); i++)
        sb_add_hex(&srv->reply, buf, (size_t)gdb_reg_get(&r, i, buf));
}

static void handle_G(struct gdb_server *srv, const struct gdb_target *tgt, const char *hex)
{
    struct gdb_regs r;
    if (!fetch_regs(srv, tgt, &r)) {
        REPLY("E01");
        return;
    }
    int level = use_level(srv, &r);
    size_t size = gdb_regs_size(level);
    uint8_t *bytes = xmalloc(size);
    if (hex_decode(bytes, size, hex, strlen(hex)) != (ssize_t)size) {
        free(bytes);
        REPLY("E01");
        return;
    }
    size_t off = 0;
    for (int i = 0; i < gdb_reg_count(level); i++) {
        gdb_reg_set(&r, i, bytes + off);
        off += (size_t)gdb_reg_size(i);
    }
    free(bytes);
    store_regs(srv, tgt, &r);
}

static void handle_p(struct gdb_server *srv, const struct gdb_target *tgt, const char *args,
                     bool set)
{
    uint64_t regno;
    const char *end = hex_u64(args, &regno);
    struct gdb_regs r;
    if (!end || (set ? *end != '=' : *end != '\0')) {
        REPLY("E01");
        return;
    }
    if (!fetch_regs(srv, tgt, &r) || regno >= (uint64_t)gdb_reg_count(use_level(srv, &r))) {
        REPLY("E01");
        return;
    }
    uint8_t buf[GDB_REG_MAX_BYTES];
    int size = gdb_reg_size((int)regno);
    if (!set) {
        gdb_reg_get(&r, (int)regno, buf);
        sb_add_hex(&srv->reply, buf, (size_t)size);
        return;
    }
    end++;
    if (hex_decode(buf, sizeof(buf), end, strlen(end)) != size) {
        REPLY("E01");
        return;
    }
    gdb_reg_set(&r, (int)regno, buf);
    store_regs(srv, tgt, &r);
}

/* "addr,length" then term (':' or NUL); returns what follows term. */
static const char *parse_addr_len(const char *s, char term, uint64_t *addr, uint64_t *len)
{
    if (!(s = hex_u64(s, addr)) || *s++ != ',' || !(s = hex_u64(s, len)) || *s != term)
        return NULL;
    return term ? s + 1 : s;
}

static void handle_m(struct gdb_server *srv, const struct gdb_target *tgt, const char *args)
{
    uint64_t addr, len;
    if (!parse_addr_len(args, '\0', &addr, &len)) {
        REPLY("E01");
        return;
    }
    if (len > MEM_MAX)
        len = MEM_MAX; /* a short reply is allowed */
    if (addr && len > UINT64_MAX - addr + 1)
        len = UINT64_MAX - addr + 1; /* not past the end of the address space */
    if (len == 0)
        return;
    uint8_t *buf = xmalloc(len);
    ssize_t n = tgt->read_mem ? tgt->read_mem(tgt->ctx, general_pid(srv, tgt), addr, buf, len)
                              : -EIO;
    if (n <= 0)
        REPLY("E01");
    else
        sb_add_hex(&srv->reply, buf, (size_t)n > len ? len : (size_t)n);
    free(buf);
}

static void write_memory(struct gdb_server *srv, const struct gdb_target *tgt, uint64_t addr,
                         const void *data, size_t len)
{
    char why[256] = "";
    int rc = tgt->write_mem ? tgt->write_mem(tgt->ctx, general_pid(srv, tgt), addr, data, len,
                                             why, sizeof(why))
                            : -EPERM;
    if (rc == 0) {
        REPLY("OK");
        return;
    }
    warn("cannot write memory at 0x%llx%s%s", (unsigned long long)addr, why[0] ? ": " : "", why);
    REPLY("E01");
}

/* M addr,len:hex and X addr,len:binary (pkt[0..n) is the whole packet). */
static void handle_write_mem(struct gdb_server *srv, const struct gdb_target *tgt,
                             const char *pkt, size_t n)
{
    uint64_t addr, len;
    const char *data = parse_addr_len(pkt + 1, ':', &addr, &len);
    if (!data || len > GDB_PACKET_SIZE) {
        REPLY("E01");
        return;
    }
    size_t dlen = n - (size_t)(data - pkt);
    if (len == 0) { /* gdb probes X support with a zero-length write */
        REPLY(dlen == 0 ? "OK" : "E01");
        return;
    }
    uint8_t *buf = xmalloc(len);
    ssize_t got = pkt[0] == 'X' ? pkt_unescape(buf, len, data, dlen)
                                : hex_decode(buf, len, data, dlen);
    if (got != (ssize_t)len)
        REPLY("E01");
    else
        write_memory(srv, tgt, addr, buf, len);
    free(buf);
}

/* Z/z type,addr,kind[;conditions] */
static void handle_point(struct gdb_server *srv, const struct gdb_target *tgt, const char *pkt)
{
    uint64_t type, addr, kind;
    const char *s = hex_u64(pkt + 1, &type);
    if (s && type > 4)
        return; /* unsupported kind of point: empty reply */
    if (!s || *s++ != ',' || !(s = hex_u64(s, &addr)) || *s++ != ',' ||
        !(s = hex_u64(s, &kind)) || (*s && *s != ';') || kind > INT_MAX) {
        REPLY("E01");
        return;
    }
    int (*fn)(void *, int, uint64_t, int) = pkt[0] == 'Z' ? tgt->insert_point
                                                          : tgt->remove_point;
    if (!fn)
        return;
    int rc = fn(tgt->ctx, (int)type, addr, (int)kind);
    if (rc == -ENOSYS || rc == -EOPNOTSUPP)
        return;
    REPLY(rc == 0 ? "OK" : "E01");
}

static void handle_H(struct gdb_server *srv, const struct gdb_target *tgt, const char *pkt)
{
    struct gdb_ptid id;
    const char *end = (pkt[1] == 'g' || pkt[1] == 'c') ? gdb_parse_ptid(pkt + 2, &id) : NULL;
    if (!end || *end) {
        REPLY("E01");
        return;
    }
    pid_t tid = 0; /* any/all: the stopped thread */
    if (id.tid > 0) {
        if (!thread_pid(srv, tgt, (pid_t)id.tid)) {
            REPLY("E01");
            return;
        }
        tid = (pid_t)id.tid;
    }
    if (pkt[1] == 'g')
        srv->g_tid = tid;
    else
        srv->c_tid = tid;
    REPLY("OK");
}

static void handle_T(struct gdb_server *srv, const struct gdb_target *tgt, const char *args)
{
    struct gdb_ptid id;
    const char *end = gdb_parse_ptid(args, &id);
    bool alive = end && !*end && id.tid > 0 && thread_pid(srv, tgt, (pid_t)id.tid);
    REPLY(alive ? "OK" : "E01");
}

/* qfThreadInfo (first) and qsThreadInfo: as many ids as fit, then "l". */
static void handle_thread_info(struct gdb_server *srv, const struct gdb_target *tgt, bool first)
{
    if (first) {
        free(srv->tlist);
        srv->tlist_n = get_threads(srv, tgt, &srv->tlist);
        srv->tlist_pos = 0;
    }
    if (!srv->tlist || srv->tlist_pos >= srv->tlist_n) {
        REPLY("l");
        return;
    }
    REPLY("m");
    for (int i = 0; srv->tlist_pos < srv->tlist_n && srv->reply.len < GDB_PACKET_SIZE - 64;
         i++, srv->tlist_pos++) {
        if (i)
            sb_addc(&srv->reply, ',');
        const struct gdb_thread *t = &srv->tlist[srv->tlist_pos];
        sb_add_ptid(&srv->reply, srv->multiprocess, t->pid, t->tid);
    }
}

static void threads_xml(struct gdb_server *srv, const struct gdb_target *tgt, struct strbuf *o)
{
    struct gdb_thread *list;
    int n = get_threads(srv, tgt, &list);
    sb_adds(o, "<?xml version=\"1.0\"?>\n<threads>\n");
    for (int i = 0; i < n; i++) {
        char name[64] = "";
        if (tgt->thread_name)
            tgt->thread_name(tgt->ctx, list[i].tid, name, sizeof(name));
        name[sizeof(name) - 1] = '\0';
        sb_adds(o, "  <thread id=\"");
        sb_add_ptid(o, srv->multiprocess, list[i].pid, list[i].tid);
        sb_adds(o, "\"");
        if (name[0]) {
            sb_adds(o, " name=\"");
            sb_add_xml(o, name);
            sb_adds(o, "\"");
        }
        sb_adds(o, "/>\n");
    }
    sb_adds(o, "</threads>\n");
    free(list);
}

/* Builds the whole object for a qXfer read; false: reply already made
 * (an error, or empty for an unknown object). */
static bool xfer_object(struct gdb_server *srv, const struct gdb_target *tgt,
                        const struct xfer_request *x, struct strbuf *o)
{
    if (!strcmp(x->object, "features")) {
        if (srv->xml_level < 0) {
            struct gdb_regs r;
            srv->xml_level = fetch_regs(srv, tgt, &r) ? gdb_regs_level(&r) : 0;
        }
        if (!strcmp(x->annex, "target.xml"))
            gdb_target_xml(o, srv->xml_level);
        else if (!gdb_target_feature_xml(o, srv->xml_level, x->annex)) {
            REPLY("E01");
            return false;
        }
        return true;
    }
    if (!strcmp(x->object, "auxv")) {
        uint8_t *buf = xmalloc(AUXV_MAX);
        ssize_t n = x->annex[0] || !tgt->auxv
                        ? -EINVAL
                        : tgt->auxv(tgt->ctx, general_pid(srv, tgt), buf, AUXV_MAX);
        if (n >= 0)
            sb_add(o, buf, (size_t)n > AUXV_MAX ? AUXV_MAX : (size_t)n);
        free(buf);
        if (n < 0)
            REPLY("E01");
        return n >= 0;
    }
    if (!strcmp(x->object, "exec-file")) {
        uint64_t pid = (uint64_t)general_pid(srv, tgt);
        char path[PATH_MAX] = "";
        if ((x->annex[0] && (!hex_u64_all(x->annex, &pid) || pid > INT_MAX)) || !tgt->exec_file ||
            tgt->exec_file(tgt->ctx, (pid_t)pid, path, sizeof(path)) < 0 || !path[0]) {
            REPLY("E01");
            return false;
        }
        path[sizeof(path) - 1] = '\0';
        sb_adds(o, path);
        return true;
    }
    if (!strcmp(x->object, "threads")) {
        threads_xml(srv, tgt, o);
        return true;
    }
    if (!strcmp(x->object, "libraries-svr4")) {
        if (gdb_svr4_library_list(tgt, general_pid(srv, tgt), x->annex, o) < 0) {
            REPLY("E01");
            return false;
        }
        return true;
    }
    return false; /* unknown object: empty reply */
}

static void handle_xfer(struct gdb_server *srv, const struct gdb_target *tgt, const char *args)
{
    struct xfer_request x;
    if (!xfer_parse_read(args, &x)) {
        /* writes, and other operations: unsupported; garbage: error */
        if (!strchr(args, ':') || !strstr(args, ":read:"))
            return;
        REPLY("E01");
        return;
    }
    /* Later chunks come from the document built for the first one, so a
     * read in pieces is consistent; a new stop starts afresh. */
    char key[sizeof(srv->xfer_key)];
    snprintf(key, sizeof(key), "%s:%s", x.object, x.annex);
    if (x.offset == 0 || strcmp(key, srv->xfer_key)) {
        srv->xfer_key[0] = '\0';
        sb_reset(&srv->xfer_data);
        if (!xfer_object(srv, tgt, &x, &srv->xfer_data))
            return;
        memcpy(srv->xfer_key, key, sizeof(key));
    }
    xfer_reply(&srv->reply, srv->xfer_data.p, srv->xfer_data.len, x.offset, x.length);
}

static void handle_q(struct gdb_server *srv, const struct gdb_target *tgt, const char *pkt)
{
    if (!strncmp(pkt, "qSupported", 10) && (pkt[10] == ':' || !pkt[10]))
        handle_qsupported(srv, pkt[10] ? pkt + 11 : NULL);
    else if (!strcmp(pkt, "qC")) {
        REPLY("QC");
        pid_t tid = general_tid(srv);
        pid_t pid = thread_pid(srv, tgt, tid);
        sb_add_ptid(&srv->reply, srv->multiprocess, pid ? pid : srv->pid, tid);
    } else if (!strcmp(pkt, "qAttached") || !strncmp(pkt, "qAttached:", 10))
        REPLY("1");
    else if (!strcmp(pkt, "qfThreadInfo"))
        handle_thread_info(srv, tgt, true);
    else if (!strcmp(pkt, "qsThreadInfo"))
        handle_thread_info(srv, tgt, false);
    else if (!strncmp(pkt, "qSymbol:", 8))
        REPLY("OK"); /* no symbols wanted */
    else if (!strncmp(pkt, "qXfer:", 6))
        handle_xfer(srv, tgt, pkt + 6);
    else if (!strncmp(pkt, "qRRCmd:", 7))
        gdb_rr_cmd(tgt, pkt, general_tid(srv), &srv->reply);
    /* qOffsets (not relocated), qTStatus (no tracepoints) and the rest:
     * the empty reply */
}

/* The resume for c/s/C/S ("c[addr]", "Csig[;addr]"); false if malformed. */
static bool parse_legacy_resume(struct gdb_server *srv, const char *pkt, struct gdb_resume *out)
{
    const char *s = pkt + 1;
    uint64_t sig = 0, addr;
    if ((pkt[0] == 'C' || pkt[0] == 'S') && (!(s = hex_u64(s, &sig)) || sig > 0xff))
        return false;
    if ((pkt[0] == 'C' || pkt[0] == 'S') && *s == ';')
        s++;
    else if ((pkt[0] == 'C' || pkt[0] == 'S') && *s)
        return false;
    if (*s && !hex_u64_all(s, &addr))
        return false;
    if (*s)
        debug("gdb: resuming at an address (%s) is not supported; ignored", s);
    bool step = pkt[0] == 's' || pkt[0] == 'S';
    out->kind = step ? GDB_RESUME_STEP : GDB_RESUME_CONTINUE;
    out->tid = step ? (srv->c_tid > 0 ? srv->c_tid : stopped_tid(srv)) : -1;
    out->sig = gdb_signal_to_linux((int)sig);
    return true;
}

/* Handles one packet.  Returns true when it resumes (*out filled). */
static bool handle_packet(struct gdb_server *srv, const struct gdb_target *tgt,
                          struct gdb_resume *out)
{
    const char *pkt = sb_str(&srv->conn.pkt);
    size_t n = srv->conn.pkt.len;
    sb_reset(&srv->reply);
    bool resume = false, send = true, no_ack_after = false;
    *out = (struct gdb_resume){.kind = GDB_RESUME_CONTINUE, .tid = -1, .sig = 0};
    /* Binary data only in X (and vFile:pwrite, unsupported); elsewhere a
     * NUL byte means garbage. */
    if (pkt[0] != 'X' && strlen(pkt) != n) {
        REPLY("E01");
        goto done;
    }
    switch (pkt[0]) {
    case '?':
        if (srv->killed)
            REPLY("W00");
        else {
            struct stop_reply_opts o = {srv->multiprocess, srv->swbreak, srv->hwbreak};
            gdb_stop_reply(&srv->reply, &srv->stop, &o);
            srv->g_tid = srv->c_tid = 0;
        }
        break;
    case '!':
        srv->extended = true;
        REPLY("OK");
        break;
    case 'H':
        handle_H(srv, tgt, pkt);
        break;
    case 'g':
        if (pkt[1])
            REPLY("E01");
        else
            handle_g(srv, tgt);
        break;
    case 'G':
        handle_G(srv, tgt, pkt + 1);
        break;
    case 'p':
    case 'P':
        handle_p(srv, tgt, pkt + 1, pkt[0] == 'P');
        break;
    case 'm':
        handle_m(srv, tgt, pkt + 1);
        break;
    case 'M':
    case 'X':
        handle_write_mem(srv, tgt, pkt, n);
        break;
    case 'Z':
    case 'z':
        handle_point(srv, tgt, pkt);
        break;
    case 'T':
        handle_T(srv, tgt, pkt + 1);
        break;
    case 'c':
    case 'C':
    case 's':
    case 'S':
        if (!parse_legacy_resume(srv, pkt, out))
            REPLY("E01");
        else
            resume = true, send = false;
        break;
    case 'b':
        if (!strcmp(pkt, "bc")) {
            *out = (struct gdb_resume){.kind = GDB_RESUME_REVERSE_CONTINUE, .tid = -1};
            resume = true, send = false;
        } else if (!strcmp(pkt, "bs")) {
            pid_t tid = srv->c_tid > 0 ? srv->c_tid : stopped_tid(srv);
            *out = (struct gdb_resume){.kind = GDB_RESUME_REVERSE_STEP, .tid = tid};
            resume = true, send = false;
        }
        break;
    case 'D':
        REPLY("OK");
        *out = (struct gdb_resume){.kind = GDB_RESUME_DETACH, .tid = -1};
        resume = true;
        break;
    case 'k':
        *out = (struct gdb_resume){.kind = GDB_RESUME_KILL, .tid = -1};
        resume = true, send = false; /* k has no reply */
        break;
    case 'R':
        *out = (struct gdb_resume){.kind = GDB_RESUME_RESTART, .tid = -1};
        resume = true, send = false; /* no reply; gdb asks with ? */
        srv->killed = false;
        break;
    case 'q':
        handle_q(srv, tgt, pkt);
        break;
    case 'Q':
        if (!strcmp(pkt, "QStartNoAckMode")) {
            REPLY("OK");
            no_ack_after = true;
        }
        break;
    case 'v':
        if (!strcmp(pkt, "vCont?")) {
            REPLY("vCont;c;C;s;S");
        } else if (!strncmp(pkt, "vCont;", 6)) {
            pid_t step_tid = srv->c_tid > 0 ? srv->c_tid : stopped_tid(srv);
            switch (gdb_parse_vcont(pkt + 5, step_tid, out)) {
            case VCONT_OK:
                resume = true, send = false;
                break;
            case VCONT_MALFORMED:
                REPLY("E01");
                break;
            case VCONT_UNSUPPORTED:
                break;
            }
        } else if (!strncmp(pkt, "vKill;", 6) || !strcmp(pkt, "vKill")) {
            REPLY("OK");
            if (srv->extended) {
                srv->killed = true; /* a vRun may follow: keep serving */
            } else {
                *out = (struct gdb_resume){.kind = GDB_RESUME_KILL, .tid = -1};
                resume = true;
            }
        } else if (!strncmp(pkt, "vRun;", 5) || !strcmp(pkt, "vRun")) {
            *out = (struct gdb_resume){.kind = GDB_RESUME_RESTART, .tid = -1};
            /* vRun;FILENAME;ARG...: each hex-encoded */
            const char *arg = strchr(pkt + 4, ';');
            arg = arg ? strchr(arg + 1, ';') : NULL;
            if (arg) {
                const char *end = strchr(arg + 1, ';');
                size_t len = end ? (size_t)(end - arg - 1) : strlen(arg + 1);
                ssize_t got = hex_decode(out->run_arg, sizeof out->run_arg - 1, arg + 1, len);
                out->run_arg[got > 0 ? got : 0] = 0;
            }
            resume = true, send = false; /* the reply is the next stop */
            srv->killed = false;
        } else if (!strncmp(pkt, "vFile:", 6)) {
            hostio_packet(&srv->hostio, tgt, pkt, n, &srv->reply);
        }
        /* vMustReplyEmpty, vCtrlC, vAttach, ...: empty */
        break;
    default:
        break; /* unknown: the empty reply */
    }
done:
    if (send)
        conn_send(&srv->conn, srv->reply.p ? srv->reply.p : "", srv->reply.len);
    if (no_ack_after)
        srv->conn.no_ack = true;
    if (resume) {
        enum gdb_resume_kind k = out->kind;
        srv->resume_pending = k == GDB_RESUME_CONTINUE || k == GDB_RESUME_STEP ||
                              k == GDB_RESUME_REVERSE_CONTINUE || k == GDB_RESUME_REVERSE_STEP ||
                              (k == GDB_RESUME_RESTART && pkt[0] == 'v');
        srv->xfer_key[0] = '\0';
        if (k == GDB_RESUME_DETACH)
            end_connection(srv, DETACHED);
        else if (k == GDB_RESUME_KILL)
            end_connection(srv, GONE);
    }
    return resume;
}

void gdb_server_stopped(struct gdb_server *srv, const struct gdb_stop *stop,
                        const struct gdb_target *tgt, struct gdb_resume *out)
{
    if (stop) {
        srv->stop = *stop;
    } else {
        srv->stop = (struct gdb_stop){.kind = GDB_STOP_SIGNAL, .tid = srv->tid, .sig = 5};
    }
    if (srv->stop.pid <= 0)
        srv->stop.pid = srv->pid;
    srv->xfer_key[0] = '\0';
    if (srv->state != CONNECTED) {
        *out = (struct gdb_resume){
            .kind = srv->state == DETACHED ? GDB_RESUME_DETACH : GDB_RESUME_KILL, .tid = -1};
        return;
    }
    if (srv->resume_pending) {
        struct stop_reply_opts o = {srv->multiprocess, srv->swbreak, srv->hwbreak};
        sb_reset(&srv->reply);
        gdb_stop_reply(&srv->reply, &srv->stop, &o);
        /* Requests now default to the thread that stopped. */
        srv->g_tid = srv->c_tid = 0;
        srv->resume_pending = false;
        /* An interrupt that raced with this stop is answered by it. */
        while (conn_poll_interrupt(&srv->conn) && !srv->conn.closed)
            ;
        conn_send(&srv->conn, srv->reply.p, srv->reply.len);
    }
    for (;;) {
        switch (conn_next(&srv->conn, true)) {
        case CONN_PACKET:
            if (handle_packet(srv, tgt, out))
                return;
            break;
        case CONN_OVERSIZED:
            conn_send_str(&srv->conn, "E01");
            break;
        case CONN_INTERRUPT:
            debug("gdb interrupt while stopped: ignored");
            break;
        case CONN_NONE:
        case CONN_CLOSED:
            debug("gdb disconnected");
            end_connection(srv, GONE);
            *out = (struct gdb_resume){.kind = GDB_RESUME_KILL, .tid = -1};
            return;
        }
    }
}
