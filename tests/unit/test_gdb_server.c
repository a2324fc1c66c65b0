/* Unit tests for the GDB remote protocol server (src/gdb/): a fake gdb in
 * the main thread talks over TCP to the server, which runs in a thread
 * against a fake in-memory target.  Prints "gdb_server: N checks passed";
 * exits non-zero on any failure. */
#include "common/die.h"
#include "gdb/gdb_server.h"
#include "gdb/hex.h"
#include "gdb/packet.h"
#include "gdb/registers.h"
#include "gdb/signals.h"
#include "gdb/svr4.h"
#include "gdb/target_xml.h"
#include "gdb/vcont.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"


/* ---- the fake target: process 100 (threads 100, 101), process 200 */

#define PID 100
#define MEM_BASE 0x10000ull
#define MEM_SIZE 4096

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static uint8_t mem[MEM_SIZE];
static struct gdb_regs regs[2]; /* tid 100, 101 */
static int last_point_op, last_point_type, last_point_len; /* op: 'Z' or 'z' */
static uint64_t last_point_addr;
static char last_rr_name[64], last_rr_args[256];
static pid_t last_rr_tid;
static uint8_t fake_auxv[40 * 16];
static int set_regs_calls;

static int fake_threads(void *ctx, struct gdb_thread *out, int max)
{
    (void)ctx;
    static const struct gdb_thread all[] = {{PID, PID}, {200, 200}, {PID, PID + 1}};
    int n = 0;
    for (int i = 0; i < 3 && n < max; i++)
        out[n++] = all[i];
    return n;
}

static void fake_thread_name(void *ctx, pid_t tid, char *buf, size_t len)
{
    (void)ctx;
    snprintf(buf, len, "%s", tid == PID ? "main" : "work<er>");
}

static struct gdb_regs *regs_of(pid_t tid)
{
    return tid == PID ? &regs[0] : tid == PID + 1 ? &regs[1] : NULL;
}

static int fake_get_regs(void *ctx, pid_t tid, struct gdb_regs *out)
{
    (void)ctx;
    pthread_mutex_lock(&lock);
    struct gdb_regs *r = regs_of(tid);
    if (r)
        *out = *r;
    pthread_mutex_unlock(&lock);
    return r ? 0 : -ESRCH;
}

static int fake_set_regs(void *ctx, pid_t tid, const struct gdb_regs *in, char *why,
                         size_t whylen)
{
    (void)ctx;
    pthread_mutex_lock(&lock);
    set_regs_calls++;
    struct gdb_regs *r = regs_of(tid);
    int rc = 0;
    if (!r) {
        rc = -ESRCH;
    } else if (in->gpr.rax == 0xdead) {
        snprintf(why, whylen, "test refuses rax=0xdead");
        rc = -EPERM;
    } else {
        *r = *in;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static ssize_t fake_read_mem(void *ctx, pid_t pid, uint64_t addr, void *buf, size_t len)
{
    (void)ctx;
    if (pid != PID || addr < MEM_BASE || addr >= MEM_BASE + MEM_SIZE)
        return -EIO;
    size_t n = MEM_BASE + MEM_SIZE - addr;
    if (n > len)
        n = len;
    pthread_mutex_lock(&lock);
    memcpy(buf, mem + (addr - MEM_BASE), n);
    pthread_mutex_unlock(&lock);
    return (ssize_t)n;
}

static int fake_write_mem(void *ctx, pid_t pid, uint64_t addr, const void *buf, size_t len,
                          char *why, size_t whylen)
{
    (void)ctx;
    if (pid != PID || addr < MEM_BASE || len > MEM_SIZE || addr - MEM_BASE > MEM_SIZE - len) {
        snprintf(why, whylen, "outside the test memory");
        return -EIO;
    }
    pthread_mutex_lock(&lock);
    memcpy(mem + (addr - MEM_BASE), buf, len);
    pthread_mutex_unlock(&lock);
    return 0;
}

static int point(int op, int type, uint64_t addr, int len)
{
    pthread_mutex_lock(&lock);
    last_point_op = op, last_point_type = type, last_point_addr = addr, last_point_len = len;
    pthread_mutex_unlock(&lock);
    return type == 3 ? -ENOSYS : type == 4 ? -ENOSPC : 0;
}

static int fake_insert(void *ctx, int type, uint64_t addr, int len)
{
    (void)ctx;
    return point('Z', type, addr, len);
}

static int fake_remove(void *ctx, int type, uint64_t addr, int len)
{
    (void)ctx;
    return point('z', type, addr, len);
}

static ssize_t fake_auxv_fn(void *ctx, pid_t pid, void *buf, size_t len)
{
    (void)ctx;
    if (pid != PID)
        return -ESRCH;
    size_t n = sizeof(fake_auxv) < len ? sizeof(fake_auxv) : len;
    memcpy(buf, fake_auxv, n);
    return (ssize_t)n;
}

static int fake_exec_file(void *ctx, pid_t pid, char *buf, size_t len)
{
    (void)ctx;
    if (pid != PID && pid != 200)
        return -ESRCH;
    snprintf(buf, len, "%s", pid == PID ? "/bin/tr#e" : "/bin/other");
    return 0;
}

static int fake_rr_command(void *ctx, const char *name, pid_t tid, const char *args, char *out,
                           size_t outlen)
{
    (void)ctx;
    pthread_mutex_lock(&lock);
    snprintf(last_rr_name, sizeof(last_rr_name), "%s", name);
    snprintf(last_rr_args, sizeof(last_rr_args), "%s", args);
    last_rr_tid = tid;
    pthread_mutex_unlock(&lock);
    if (!strcmp(name, "when")) {
        snprintf(out, outlen, "Completed event: 42\n");
        return 0;
    }
    return -ENOENT;
}

static const struct gdb_target target = {
    .ctx = NULL,
    .threads = fake_threads,
    .thread_name = fake_thread_name,
    .get_regs = fake_get_regs,
    .set_regs = fake_set_regs,
    .read_mem = fake_read_mem,
    .write_mem = fake_write_mem,
    .insert_point = fake_insert,
    .remove_point = fake_remove,
    .auxv = fake_auxv_fn,
    .exec_file = fake_exec_file,
    .rr_command = fake_rr_command,
};

static void init_target(void)
{
    for (int i = 0; i < MEM_SIZE; i++)
        mem[i] = (uint8_t)(i * 7 + 3);
    for (int t = 0; t < 2; t++) {
        struct gdb_regs *r = &regs[t];
        memset(r, 0, sizeof(*r));
        r->gpr.rax = 0x1122334455667788ull;
        r->gpr.rip = 0x401000 + (unsigned long long)t;
        r->gpr.rsp = 0x7ffc0000;
        r->gpr.eflags = 0x246;
        r->gpr.cs = 0x33;
        r->gpr.orig_rax = (unsigned long long)-1;
        r->gpr.fs_base = 0x7f0000001000ull;
        for (int i = 0; i < 16; i++) {
            ((uint8_t *)r->fp.xmm_space)[i] = (uint8_t)i;
            r->ymmh[0][i] = (uint8_t)(0x80 + i);
            r->ymmh[15][i] = (uint8_t)(0xf0 + i);
        }
        r->fp.cwd = 0x37f;
        r->fp.swd = 0x3800; /* TOP = 7 */
        r->fp.ftw = 0x80;   /* physical register 7 (st0) in use */
        /* st0 = 1.0: exponent 0x3fff, integer bit set */
        uint8_t *st0 = (uint8_t *)r->fp.st_space;
        st0[7] = 0x80, st0[8] = 0xff, st0[9] = 0x3f;
        r->fp.mxcsr = 0x1f80;
        r->fp.fop = 0xf7ff;
        r->fp.rip = 0x1234567890abcdefull;
        r->has_avx = true;
    }
    /* auxv with bytes that need escaping (# $ } *) */
    uint64_t *a = (uint64_t *)fake_auxv;
    for (int i = 0; i < 39; i++) {
        a[2 * i] = (uint64_t)(i + 100); /* unknown types: ignored by svr4 */
        a[2 * i + 1] = 0x2a7d2423ull * (uint64_t)(i + 1);
    }
    a[78] = 0, a[79] = 0; /* AT_NULL */
}

/* ---- the server thread: reports stops, logs what gdb resumed with */

enum { MAX_LOG = 64 };
static struct gdb_resume resumes[MAX_LOG];
static int nresumes;
static struct gdb_stop next_stop;      /* reported after the next resume */
static bool wait_interrupt;            /* ...once gdb_server_interrupted says so */
static bool interrupt_seen;
static int connections_to_serve;
static struct gdb_server *srv;
static bool stopped_after_end;         /* a call after KILL/DETACH returned at once */
static enum gdb_resume_kind after_end_kind;

static void *server_main(void *arg)
{
    (void)arg;
    for (int c = 0; c < connections_to_serve; c++) {
        gdb_server_accept(srv);
        gdb_server_set_process(srv, PID, PID);
        struct gdb_stop stop = {.kind = GDB_STOP_SIGNAL, .pid = PID, .tid = PID, .sig = SIGTRAP};
        for (;;) {
            struct gdb_resume res;
            gdb_server_stopped(srv, &stop, &target, &res);
            pthread_mutex_lock(&lock);
            if (nresumes < MAX_LOG)
                resumes[nresumes++] = res;
            stop = next_stop;
            bool wait_int = wait_interrupt;
            pthread_cond_broadcast(&cond);
            pthread_mutex_unlock(&lock);
            if (res.kind == GDB_RESUME_KILL || res.kind == GDB_RESUME_DETACH) {
                struct gdb_resume again;
                gdb_server_stopped(srv, &stop, &target, &again);
                pthread_mutex_lock(&lock);
                stopped_after_end = true;
                after_end_kind = again.kind;
                pthread_mutex_unlock(&lock);
                break;
            }
            if (wait_int) {
                for (int i = 0; i < 5000 && !gdb_server_interrupted(srv); i++)
                    usleep(1000);
                pthread_mutex_lock(&lock);
                interrupt_seen = true;
                pthread_mutex_unlock(&lock);
            }
        }
    }
    return NULL;
}

/* Waits until the server logged resume number n (1-based); returns it. */
static struct gdb_resume wait_resume(int n)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&lock);
    while (nresumes < n)
        if (pthread_cond_timedwait(&cond, &lock, &deadline) == ETIMEDOUT)
            break;
    struct gdb_resume r = nresumes >= n ? resumes[n - 1]
                                        : (struct gdb_resume){.kind = -1, .tid = -2, .sig = -2};
    pthread_mutex_unlock(&lock);
    return r;
}

static void set_next_stop(struct gdb_stop s, bool wait_int)
{
    pthread_mutex_lock(&lock);
    next_stop = s;
    wait_interrupt = wait_int;
    pthread_mutex_unlock(&lock);
}

/* ---- the fake gdb */

static int gfd = -1;
static bool ack_mode = true;
static char rbuf[GDB_PACKET_SIZE * 2 + 16];
static size_t rlen;

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        perror("connect");
        exit(1);
    }
    return fd;
}

static void send_raw(const void *p, size_t n)
{
    if (write(gfd, p, n) != (ssize_t)n) {
        perror("write");
        exit(1);
    }
}

static void send_pkt_len(const char *payload, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (unsigned char)payload[i];
    char *buf = malloc(n + 8);
    buf[0] = '$';
    memcpy(buf + 1, payload, n);
    snprintf(buf + 1 + n, 4, "#%02x", sum & 0xff);
    send_raw(buf, n + 4);
    free(buf);
}

static void send_pkt(const char *payload)
{
    send_pkt_len(payload, strlen(payload));
}

/* One byte, or -1 after timeout_ms. */
static int read_byte(int timeout_ms)
{
    struct pollfd p = {.fd = gfd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0)
        return -1;
    unsigned char c;
    return read(gfd, &c, 1) == 1 ? c : -1;
}

/* Reads one packet into rbuf/rlen (payload, NUL-terminated); acks it in
 * ack mode.  Returns false on timeout or a bad checksum. */
static bool recv_pkt(void)
{
    int c;
    do
        c = read_byte(3000);
    while (c >= 0 && c != '$');
    if (c < 0)
        return false;
    rlen = 0;
    unsigned sum = 0;
    while ((c = read_byte(3000)) >= 0 && c != '#') {
        if (rlen < sizeof(rbuf) - 1)
            rbuf[rlen++] = (char)c;
        sum += (unsigned)c;
    }
    rbuf[rlen] = '\0';
    int h = read_byte(3000), l = read_byte(3000);
    if (c < 0 || h < 0 || l < 0)
        return false;
    if (ack_mode)
        send_raw("+", 1);
    return hex_digit(h) * 16 + hex_digit(l) == (int)(sum & 0xff);
}

/* Sends a packet and returns the reply (expects the '+' first in ack
 * mode).  Returns "<timeout>" when none came. */
static const char *xchg_len(const char *payload, size_t n)
{
    send_pkt_len(payload, n);
    if (ack_mode) {
        int c = read_byte(3000);
        if (c != '+') {
            CHECK(false, "no ack for %.40s (got %d)", payload, c);
            return "<timeout>";
        }
    }
    if (!recv_pkt())
        return "<timeout>";
    return rbuf;
}

static const char *xchg(const char *payload)
{
    return xchg_len(payload, strlen(payload));
}

#define EXPECT(pkt, want)                                                                  \
    do {                                                                                   \
        const char *got_ = xchg(pkt);                                                      \
        CHECK(!strcmp(got_, want), "%s: got \"%.200s\", want \"%s\"", pkt, got_, want);    \
    } while (0)

static bool nothing_sent(int ms)
{
    return read_byte(ms) < 0;
}

static void hex_of(char *out, const void *data, size_t len)
{
    const uint8_t *d = data;
    for (size_t i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

/* Reads an object with qXfer in chunks of `chunk` bytes. */
static size_t xfer_all(const char *object_annex, size_t chunk, char *out, size_t cap,
                       int *nchunks)
{
    size_t got = 0;
    *nchunks = 0;
    for (;;) {
        char req[256];
        snprintf(req, sizeof(req), "qXfer:%s:%zx,%zx", object_annex, got, chunk);
        const char *r = xchg(req);
        (*nchunks)++;
        if (r[0] != 'm' && r[0] != 'l') {
            CHECK(false, "%s: bad reply %.80s", req, r);
            return got;
        }
        ssize_t n = pkt_unescape(out + got, cap - got, r + 1, rlen - 1);
        CHECK(n >= 0 && (size_t)n <= chunk, "%s: chunk of %zd bytes", req, n);
        if (n < 0)
            return got;
        got += (size_t)n;
        if (r[0] == 'l' || *nchunks > 1000)
            return got;
    }
}

/* ---- pure functions */

static void test_pure(void)
{
    uint64_t v;
    CHECK(hex_u64("ffffffffffffffff", &v) && v == UINT64_MAX, "hex 16 digits");
    CHECK(!hex_u64("1ffffffffffffffff", &v), "hex overflow rejected");
    CHECK(hex_u64("0000000000000000001", &v) && v == 1, "leading zeros");
    CHECK(!hex_u64("", &v) && !hex_u64("g", &v), "no digits rejected");
    uint8_t b[4];
    CHECK(hex_decode(b, 4, "0aFf", 4) == 2 && b[0] == 10 && b[1] == 255, "hex_decode");
    CHECK(hex_decode(b, 4, "0a1", 3) == -1 && hex_decode(b, 1, "0a0b", 4) == -1 &&
              hex_decode(b, 4, "zz", 2) == -1,
          "hex_decode rejects odd, too long, non-hex");

    /* signals: Linux -> gdb and back */
    CHECK(gdb_signal_from_linux(SIGTRAP) == 5 && gdb_signal_from_linux(SIGSEGV) == 11,
          "same numbers");
    CHECK(gdb_signal_from_linux(SIGUSR1) == 30 && gdb_signal_from_linux(SIGUSR2) == 31 &&
              gdb_signal_from_linux(SIGBUS) == 10 && gdb_signal_from_linux(SIGCHLD) == 20 &&
              gdb_signal_from_linux(SIGSTOP) == 17 && gdb_signal_from_linux(SIGCONT) == 19 &&
              gdb_signal_from_linux(SIGSYS) == 12 && gdb_signal_from_linux(SIGIO) == 23 &&
              gdb_signal_from_linux(SIGPWR) == 32 && gdb_signal_from_linux(SIGURG) == 16,
          "gdb numbering of the differing signals");
    CHECK(gdb_signal_from_linux(32) == 77 && gdb_signal_from_linux(34) == 46 &&
              gdb_signal_from_linux(64) == 78 && gdb_signal_from_linux(SIGSTKFLT) == 143,
          "realtime and unknown signals");
    bool round = true;
    for (int s = 1; s <= 64; s++)
        if (s != SIGSTKFLT && gdb_signal_to_linux(gdb_signal_from_linux(s)) != s)
            round = false, fprintf(stderr, "signal %d does not round-trip\n", s);
    CHECK(round, "signals round-trip");

    /* tag word: abridged <-> full */
    uint8_t st[128] = {0};
    st[16 * 1 + 7] = 0x80, st[16 * 1 + 8] = 0xff, st[16 * 1 + 9] = 0x3f; /* st1 = 1.0 */
    st[16 * 2 + 8] = 0xff, st[16 * 2 + 9] = 0x7f;                        /* st2 = inf/NaN */
    /* TOP = 6: st0 is physical 6, st1 physical 7, st2 physical 0 */
    uint16_t full = gdb_ftag_from_fxsave(0xc1, 6 << 11, st);
    /* phys 0: st2 special (2), 1-5 empty (3), 6: st0 zero (1), 7: st1 valid (0) */
    CHECK(full == 0x1ffe, "ftag 0x%04x", full);
    CHECK(gdb_ftag_to_fxsave(full) == 0xc1, "ftag back to abridged");
    CHECK(gdb_ftag_from_fxsave(0, 0, st) == 0xffff, "all empty");

    /* registers: sizes and the g layout */
    CHECK(gdb_regs_size(true) == 816 && gdb_regs_size(false) == 560, "g sizes %zu %zu",
          gdb_regs_size(true), gdb_regs_size(false));
    struct gdb_regs r = regs[0], r2;
    memset(&r2, 0, sizeof(r2));
    uint8_t buf[16];
    for (int i = 0; i < GDB_NUM_REGS_AVX; i++) {
        gdb_reg_get(&r, i, buf);
        gdb_reg_set(&r2, i, buf);
    }
    r2.has_avx = true;
    CHECK(r2.gpr.rip == r.gpr.rip && r2.gpr.fs_base == r.gpr.fs_base &&
              r2.gpr.orig_rax == r.gpr.orig_rax && r2.fp.ftw == r.fp.ftw &&
              r2.fp.rip == r.fp.rip && !memcmp(r2.ymmh, r.ymmh, sizeof(r.ymmh)) &&
              !memcmp(r2.fp.xmm_space, r.fp.xmm_space, sizeof(r.fp.xmm_space)) &&
              !memcmp(r2.fp.st_space, r.fp.st_space, 10),
          "registers round-trip through the gdb layout");
    CHECK((r2.fp.fop & 0x7ff) == (r.fp.fop & 0x7ff), "fop (11 bits)");

    /* AVX-512: xmm16-31 and ymm16h-31h are parts of zmm16-31, zmm16h-31h
     * their upper halves, k0-k7 */
    CHECK(gdb_regs_size(2) == 816 + 16 * 16 + 16 * 16 + 8 * 8 + 32 * 32, "g size with AVX-512 %zu",
          gdb_regs_size(2));
    struct gdb_regs z, z2;
    memset(&z, 0, sizeof z);
    memset(&z2, 0, sizeof z2);
    for (size_t i = 0; i < sizeof z.zmm_hi16; i++)
        ((uint8_t *)z.zmm_hi16)[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < sizeof z.zmmh; i++)
        ((uint8_t *)z.zmmh)[i] = (uint8_t)(i * 3 + 2);
    for (int i = 0; i < 8; i++)
        z.k[i] = 0x1111111111111111ull * (uint64_t)(i + 1);
    z.has_avx = z.has_avx512 = true;
    CHECK(gdb_regs_level(&z) == 2 && gdb_reg_count(2) == 148, "AVX-512 level and count");
    uint8_t zb[GDB_REG_MAX_BYTES];
    CHECK(gdb_reg_get(&z, GDB_REG_XMM16 + 1, zb) == 16 && !memcmp(zb, z.zmm_hi16[1], 16),
          "xmm17 is the low quarter of zmm17");
    CHECK(gdb_reg_get(&z, GDB_REG_YMM16H + 2, zb) == 16 && !memcmp(zb, z.zmm_hi16[2] + 16, 16),
          "ymm18h is the second quarter of zmm18");
    CHECK(gdb_reg_get(&z, GDB_REG_ZMM0H + 31, zb) == 32 && !memcmp(zb, z.zmm_hi16[15] + 32, 32),
          "zmm31h is the upper half of zmm31");
    CHECK(gdb_reg_get(&z, GDB_REG_ZMM0H + 3, zb) == 32 && !memcmp(zb, z.zmmh[3], 32),
          "zmm3h");
    CHECK(gdb_reg_get(&z, GDB_REG_K0 + 5, zb) == 8 && !memcmp(zb, &z.k[5], 8), "k5");
    for (int i = GDB_NUM_REGS_AVX; i < GDB_NUM_REGS_AVX512; i++) {
        gdb_reg_get(&z, i, zb);
        gdb_reg_set(&z2, i, zb);
    }
    CHECK(!memcmp(z.zmm_hi16, z2.zmm_hi16, sizeof z.zmm_hi16) &&
              !memcmp(z.zmmh, z2.zmmh, sizeof z.zmmh) && !memcmp(z.k, z2.k, sizeof z.k),
          "AVX-512 registers round-trip through the gdb layout");

    /* target.xml: one include per feature, registers in the included documents */
    struct strbuf x = {0}, f = {0};
    gdb_target_xml(&x, 1);
    CHECK(strstr(x.p, "<architecture>i386:x86-64</architecture>") &&
              strstr(x.p, "<osabi>GNU/Linux</osabi>") &&
              strstr(x.p, "<xi:include href=\"64bit-core.xml\"/>") &&
              strstr(x.p, "<xi:include href=\"64bit-linux.xml\"/>") &&
              strstr(x.p, "<xi:include href=\"64bit-avx.xml\"/>") && !strstr(x.p, "<reg "),
          "target.xml with avx");
    CHECK(!strstr(x.p, "avx512"), "target.xml with avx: no AVX-512");
    CHECK(gdb_target_feature_xml(&f, 1, "64bit-linux.xml") &&
              strstr(f.p, "<feature name=\"org.gnu.gdb.i386.linux\">") &&
              strstr(f.p, "name=\"orig_rax\" bitsize=\"64\" type=\"int\" regnum=\"57\""),
          "64bit-linux.xml");
    sb_reset(&f);
    CHECK(gdb_target_feature_xml(&f, 1, "64bit-core.xml") &&
              strstr(f.p, "name=\"rip\" bitsize=\"64\" type=\"code_ptr\" regnum=\"16\"") &&
              strstr(f.p, "<flags id=\"i386_eflags\" size=\"4\">"),
          "64bit-core.xml");
    sb_reset(&f);
    CHECK(gdb_target_feature_xml(&f, 1, "64bit-avx.xml") &&
              strstr(f.p, "name=\"ymm15h\" bitsize=\"128\" type=\"uint128\" regnum=\"75\""),
          "64bit-avx.xml");
    sb_reset(&f);
    CHECK(gdb_target_feature_xml(&f, 1, "64bit-sse.xml") &&
              strstr(f.p, "name=\"xmm0\" bitsize=\"128\" type=\"vec128\" regnum=\"40\""),
          "64bit-sse.xml");
    sb_reset(&f);
    CHECK(!gdb_target_feature_xml(&f, 1, "64bit-avx512.xml") &&
              !gdb_target_feature_xml(&f, 1, "target.xml") && !gdb_target_feature_xml(&f, 1, ""),
          "no such feature document at level 1");
    sb_reset(&x);
    sb_reset(&f);
    gdb_target_xml(&x, 2);
    CHECK(strstr(x.p, "<xi:include href=\"64bit-avx512.xml\"/>") &&
              gdb_target_feature_xml(&f, 2, "64bit-avx512.xml") &&
              strstr(f.p, "<feature name=\"org.gnu.gdb.i386.avx512\">") &&
              strstr(f.p, "<vector id=\"v2ui128\" type=\"uint128\" count=\"2\"/>") &&
              strstr(f.p, "name=\"xmm16\" bitsize=\"128\" type=\"vec128\" regnum=\"76\"") &&
              strstr(f.p, "name=\"k0\" bitsize=\"64\" type=\"uint64\" regnum=\"108\"") &&
              strstr(f.p, "name=\"zmm31h\" bitsize=\"256\" type=\"v2ui128\" regnum=\"147\""),
          "target.xml with AVX-512");
    sb_reset(&x);
    gdb_target_xml(&x, 0);
    CHECK(!strstr(x.p, "avx") && strstr(x.p, "64bit-segments.xml"), "target.xml without avx");
    sb_free(&x);
    sb_free(&f);

    /* binary escapes */
    const uint8_t raw[] = {'#', '$', '}', '*', 0, 3, 'a', 0x7d ^ 0x20};
    struct strbuf e = {0};
    CHECK(pkt_add_binary(&e, raw, sizeof(raw), 100) == sizeof(raw) && e.len == 12,
          "escaped length %zu", e.len);
    uint8_t back[16];
    CHECK(pkt_unescape(back, sizeof(back), e.p, e.len) == (ssize_t)sizeof(raw) &&
              !memcmp(back, raw, sizeof(raw)),
          "escape round trip");
    CHECK(pkt_unescape(back, sizeof(back), "ab}", 3) == -1, "dangling escape");
    sb_reset(&e);
    CHECK(pkt_add_binary(&e, raw, sizeof(raw), 3) == 1, "escaping stops at the limit");
    sb_free(&e);

    /* vCont */
    struct gdb_resume res;
    CHECK(gdb_parse_vcont(";s:p64.65;c", 100, &res) == VCONT_OK &&
              res.kind == GDB_RESUME_STEP && res.tid == 101,
          "vCont;s:p64.65;c steps 101");
    CHECK(gdb_parse_vcont(";c", 100, &res) == VCONT_OK && res.kind == GDB_RESUME_CONTINUE &&
              res.tid == -1 && res.sig == 0,
          "vCont;c");
    CHECK(gdb_parse_vcont(";s", 100, &res) == VCONT_OK && res.kind == GDB_RESUME_STEP &&
              res.tid == 100,
          "vCont;s steps the current thread");
    CHECK(gdb_parse_vcont(";S0a:65", 100, &res) == VCONT_OK && res.kind == GDB_RESUME_STEP &&
              res.tid == 0x65 && res.sig == SIGBUS,
          "vCont;S with a signal (gdb 10 = SIGBUS)");
    CHECK(gdb_parse_vcont(";C1e:p64.64;c", 100, &res) == VCONT_OK &&
              res.kind == GDB_RESUME_CONTINUE && res.sig == SIGUSR1 && res.tid == -1,
          "vCont;C1e: SIGUSR1");
    CHECK(gdb_parse_vcont(";c:p64.65", 100, &res) == VCONT_OK && res.tid == 0x65,
          "continue of one thread");
    CHECK(gdb_parse_vcont(";r1000,2000:p64.64", 100, &res) == VCONT_UNSUPPORTED,
          "range stepping unsupported");
    CHECK(gdb_parse_vcont(";", 100, &res) == VCONT_MALFORMED &&
              gdb_parse_vcont(";x", 100, &res) == VCONT_MALFORMED &&
              gdb_parse_vcont(";c:pz", 100, &res) == VCONT_MALFORMED &&
              gdb_parse_vcont(";C", 100, &res) == VCONT_MALFORMED &&
              gdb_parse_vcont(";c:p1.2x", 100, &res) == VCONT_MALFORMED &&
              gdb_parse_vcont(";c:p1.ffffffffff", 100, &res) == VCONT_MALFORMED,
          "malformed vCont");
}

/* A target whose memory is this process's own: for the svr4 walk. */
static ssize_t self_read(void *ctx, pid_t pid, uint64_t addr, void *buf, size_t len)
{
    (void)ctx, (void)pid;
    struct iovec l = {buf, len}, r = {(void *)(uintptr_t)addr, len};
    ssize_t n = process_vm_readv(getpid(), &l, 1, &r, 1, 0);
    return n < 0 ? -errno : n;
}

static ssize_t self_auxv(void *ctx, pid_t pid, void *buf, size_t len)
{
    (void)ctx, (void)pid;
    int fd = open("/proc/self/auxv", O_RDONLY);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, len);
    close(fd);
    return n;
}

static void test_svr4(void)
{
    struct gdb_target self = {.read_mem = self_read, .auxv = self_auxv};
    struct strbuf o = {0};
    CHECK(gdb_svr4_library_list(&self, getpid(), "", &o) == 0, "svr4 of this process");
    CHECK(strstr(o.p, "<library-list-svr4 version=\"1.0\" main-lm=\"0x") &&
              strstr(o.p, "libc.so.6\" lm=\"0x") && strstr(o.p, "</library-list-svr4>"),
          "svr4 lists libc: %.300s", o.p);
    /* from a given entry on: the second link_map */
    const char *lm = strstr(o.p, "<library ");
    lm = lm ? strstr(lm, "lm=\"0x") : NULL;
    if (CHECK(lm != NULL, "a library entry")) {
        char annex[128];
        unsigned long long addr = strtoull(lm + 4, NULL, 16);
        snprintf(annex, sizeof(annex), "start=%llx;prev=1", addr);
        struct strbuf p = {0};
        CHECK(gdb_svr4_library_list(&self, getpid(), annex, &p) == 0 &&
                  !strstr(p.p, "main-lm") && strstr(p.p, "<library "),
              "svr4 from start=: %.200s", p.p);
        sb_free(&p);
    }
    sb_reset(&o);
    CHECK(gdb_svr4_library_list(&self, getpid(), "bogus", &o) == -1, "bad annex");
    /* no DT_DEBUG reachable (the fake's auxv has no AT_PHDR): empty list */
    sb_reset(&o);
    CHECK(gdb_svr4_library_list(&target, PID, "", &o) == 0 &&
              !strcmp(o.p, "<library-list-svr4 version=\"1.0\"/>\n"),
          "empty list: %s", o.p);
    sb_free(&o);
}

/* ---- over the wire */

static void test_connection_ack_mode(int port)
{
    gfd = connect_to(port);
    ack_mode = true;
    CHECK(nothing_sent(200), "the server says nothing before gdb asks");

    const char *r = xchg("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
    CHECK(strstr(r, "PacketSize=20000") && strstr(r, "QStartNoAckMode+") &&
              strstr(r, "qXfer:features:read+") && strstr(r, "qXfer:libraries-svr4:read+") &&
              strstr(r, "multiprocess+") && strstr(r, "ReverseContinue+") &&
              strstr(r, "ReverseStep+") && strstr(r, "vContSupported+") &&
              strstr(r, "qXfer:threads:read+") && strstr(r, "qXfer:exec-file:read+"),
          "qSupported reply: %s", r);

    /* a bad checksum is refused with '-', then the resent packet works */
    send_raw("$qC#00", 6);
    CHECK(read_byte(3000) == '-', "bad checksum gets '-'");
    send_raw("$qC#b4", 6);
    CHECK(read_byte(3000) == '+' && recv_pkt() && !strcmp(rbuf, "QCp64.64"), "qC: %s", rbuf);
    /* garbage between packets is skipped */
    send_raw("+++xyz", 6);
    EXPECT("vMustReplyEmpty", "");
    /* our '-' makes the server resend its last packet */
    send_raw("-", 1);
    CHECK(recv_pkt() && rlen == 0, "resent after '-'");
    /* an unparseable checksum is bad too */
    send_raw("$qC#zz", 6);
    CHECK(read_byte(3000) == '-', "non-hex checksum gets '-'");

    EXPECT("QStartNoAckMode", "OK");
    ack_mode = false;
    send_raw("+", 1); /* gdb acks the OK; from now on, no acks */
    send_pkt("?");
    CHECK(recv_pkt() && !strcmp(rbuf, "T05thread:p64.64;"), "? in no-ack mode: %s", rbuf);
    /* in no-ack mode the reply comes without a '+' before it (recv_pkt would
     * have skipped it: check the raw bytes) */
    send_pkt("qAttached");
    char raw[16] = {0};
    for (int i = 0; i < 5; i++)
        raw[i] = (char)read_byte(3000);
    CHECK(!strcmp(raw, "$1#31"), "no ack in no-ack mode: %s", raw);
}

static void test_queries(void)
{
    EXPECT("qfThreadInfo", "mp64.64,p64.65");
    EXPECT("qsThreadInfo", "l");
    EXPECT("qC", "QCp64.64");
    EXPECT("qAttached:64", "1");
    EXPECT("qOffsets", "");
    EXPECT("qTStatus", "");
    EXPECT("qSymbol::", "OK");
    EXPECT("vCont?", "vCont;c;C;s;S");
    EXPECT("vMustReplyEmpty", "");
    EXPECT("qUnknownThing", "");
    EXPECT("QNonStop:1", "");
    EXPECT("Tp64.65", "OK");
    EXPECT("T65", "OK");
    EXPECT("Tp64.99", "E01");
    EXPECT("Tp200.200", "E01"); /* another process: not ours */
    EXPECT("Hgp64.99", "E01");
    EXPECT("Hxp64.64", "E01");
    EXPECT("Hgp0.0", "OK");
    EXPECT("Hc-1", "OK");
}

static void test_registers(void)
{
    const char *r = xchg("g");
    CHECK(strlen(r) == 816 * 2, "g length %zu", strlen(r));
    char want[64];
    unsigned long long rip = 0x401000;
    hex_of(want, &rip, 8);
    CHECK(!strncmp(r + 16 * 16, want, 16), "rip at byte 128 of g: %.16s", r + 256);
    unsigned long long rax = 0x1122334455667788ull;
    hex_of(want, &rax, 8);
    CHECK(!strncmp(r, want, 16), "rax first");
    CHECK(!strncmp(r + 2 * 136, "46020000", 8), "eflags at 136 (4 bytes)");
    CHECK(!strncmp(r + 2 * 276, "000102030405060708090a0b0c0d0e0f", 32), "xmm0 at 276");
    CHECK(!strncmp(r + 2 * 532, "801f0000", 8), "mxcsr at 532");
    CHECK(!strncmp(r + 2 * 536, "ffffffffffffffff", 16), "orig_rax at 536");
    CHECK(!strncmp(r + 2 * 560, "808182838485868788898a8b8c8d8e8f", 32), "ymm0h at 560");

    EXPECT("p10", "0010400000000000");
    EXPECT("p28", "000102030405060708090a0b0c0d0e0f");        /* xmm0 */
    EXPECT("p3c", "808182838485868788898a8b8c8d8e8f");        /* ymm0h */
    EXPECT("p4b", "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");        /* ymm15h */
    EXPECT("p18", "0000000000000080ff3f");                    /* st0 = 1.0 (10 bytes) */
    EXPECT("p22", "ff3f0000");  /* ftag: physical 7 valid, the rest empty */
    EXPECT("p27", "ff070000");  /* fop: 11 bits */
    EXPECT("p23", "78563412");  /* fiseg: high half of the 64-bit FPU ip */
    EXPECT("p24", "efcdab90");  /* fioff */
    EXPECT("p3a", "00100000007f0000"); /* fs_base */
    EXPECT("p4c", "E01");
    EXPECT("pzz", "E01");
    EXPECT("p", "E01");
    EXPECT("p10x", "E01");
    EXPECT("p10000000000000000000", "E01");

    /* P: one register */
    EXPECT("P10=0820400000000000", "OK");
    pthread_mutex_lock(&lock);
    CHECK(regs[0].gpr.rip == 0x402008, "P set rip: %llx", regs[0].gpr.rip);
    pthread_mutex_unlock(&lock);
    EXPECT("P28=ffeeddccbbaa99887766554433221100", "OK");
    pthread_mutex_lock(&lock);
    CHECK(((uint8_t *)regs[0].fp.xmm_space)[0] == 0xff &&
              ((uint8_t *)regs[0].fp.xmm_space)[15] == 0x00,
          "P set xmm0");
    pthread_mutex_unlock(&lock);
    EXPECT("P3c=00112233445566778899aabbccddeeff", "OK");
    pthread_mutex_lock(&lock);
    CHECK(regs[0].ymmh[0][1] == 0x11, "P set ymm0h");
    pthread_mutex_unlock(&lock);
    EXPECT("P10=0820", "E01");            /* too short */
    EXPECT("P10=08204000000000zz", "E01"); /* bad hex */
    EXPECT("P10", "E01");
    EXPECT("P0=ad de 00", "E01");
    EXPECT("P0=adde000000000000", "E01"); /* the target refuses */

    /* G: the whole set, written back unchanged but rip */
    r = xchg("g");
    char *g = strdup(r);
    memcpy(g + 256, "3412000000000000", 16);
    char *gpkt = malloc(strlen(g) + 2);
    strcat(strcpy(gpkt, "G"), g);
    EXPECT(gpkt, "OK");
    free(gpkt);
    pthread_mutex_lock(&lock);
    CHECK(regs[0].gpr.rip == 0x1234 && regs[0].gpr.rax == 0x1122334455667788ull &&
              regs[0].fp.ftw == 0x80,
          "G wrote the registers");
    pthread_mutex_unlock(&lock);
    g[10] = 0;
    char shortg[32];
    snprintf(shortg, sizeof(shortg), "G%s", g);
    EXPECT(shortg, "E01");
    free(g);

    /* Hg selects the thread */
    EXPECT("Hgp64.65", "OK");
    EXPECT("p10", "0110400000000000");
    EXPECT("Hg64", "OK");
    EXPECT("p10", "3412000000000000");
}

static void test_memory(void)
{
    char want[2 * 64 + 1];
    hex_of(want, mem, 16);
    EXPECT("m10000,10", want);
    hex_of(want, mem + MEM_SIZE - 8, 8);
    EXPECT("m10ff8,10", want); /* a short read */
    EXPECT("m0,ffffffffffffffff", "E01");
    EXPECT("mffffffffffffffff,ffffffffffffffff", "E01");
    EXPECT("m1ffffffffffffffff,1", "E01");
    EXPECT("m10000,1ffffffffffffffff", "E01");
    EXPECT("m1x,4", "E01");
    EXPECT("m10000", "E01");
    EXPECT("m,4", "E01");
    EXPECT("m10000,", "E01");
    EXPECT("m10000,4,", "E01");
    /* a huge length is cut to what fits in a packet */
    const char *r = xchg("m10000,ffffffff");
    CHECK(strlen(r) == 2 * MEM_SIZE, "m cut at the end of the memory: %zu", strlen(r));

    /* X: binary with escapes, and raw 0x03 / NUL bytes inside the packet */
    const char xpkt[] = "X10000,8:}\x03}\x04}]}\x0a\x03\x00" "ab";
    EXPECT("X10000,0:", "OK");
    const char *x = xchg_len(xpkt, sizeof(xpkt) - 1);
    CHECK(!strcmp(x, "OK"), "X reply %s", x);
    const uint8_t wantx[] = {'#', '$', '}', '*', 3, 0, 'a', 'b'};
    pthread_mutex_lock(&lock);
    CHECK(!memcmp(mem, wantx, 8), "X wrote the unescaped bytes");
    pthread_mutex_unlock(&lock);
    const char xshort[] = "X10000,8:ab";
    EXPECT(xshort, "E01");
    const char xdangling[] = "X10000,2:a}";
    EXPECT(xdangling, "E01");
    EXPECT("X0,1:a", "E01"); /* the target refuses */

    EXPECT("M10010,2:abcd", "OK");
    pthread_mutex_lock(&lock);
    CHECK(mem[16] == 0xab && mem[17] == 0xcd, "M wrote");
    pthread_mutex_unlock(&lock);
    EXPECT("M10010,3:abcd", "E01");
    EXPECT("M10010,2:abcx", "E01");
    EXPECT("M10010,2abcd", "E01");
    EXPECT("Mffffffffffff,ffffffffff:00", "E01");
}

static void test_points(void)
{
    EXPECT("Z0,401000,1", "OK");
    pthread_mutex_lock(&lock);
    CHECK(last_point_op == 'Z' && last_point_type == 0 && last_point_addr == 0x401000 &&
              last_point_len == 1,
          "Z0 forwarded");
    pthread_mutex_unlock(&lock);
    EXPECT("z0,401000,1", "OK");
    pthread_mutex_lock(&lock);
    CHECK(last_point_op == 'z' && last_point_type == 0, "z0 forwarded");
    pthread_mutex_unlock(&lock);
    EXPECT("Z2,10004,4", "OK");
    pthread_mutex_lock(&lock);
    CHECK(last_point_type == 2 && last_point_addr == 0x10004 && last_point_len == 4,
          "Z2 watch of 4 bytes");
    pthread_mutex_unlock(&lock);
    EXPECT("Z3,10004,4", ""); /* target: -ENOSYS */
    EXPECT("Z4,10004,4", "E01");
    EXPECT("Z5,10004,4", "");
    EXPECT("Z1,401000,1;X2,0101", "OK"); /* conditions ignored */
    EXPECT("Z0,401000", "E01");
    EXPECT("Z0,zz,1", "E01");
    EXPECT("Z0,1,ffffffffff", "E01");
    EXPECT("Z", "E01");
}

static void test_xfer(void)
{
    static char doc[65536];
    int chunks;
    size_t n = xfer_all("features:read:target.xml", 0x100, doc, sizeof(doc), &chunks);
    doc[n] = '\0';
    struct strbuf want = {0};
    gdb_target_xml(&want, true);
    CHECK(n == want.len && !memcmp(doc, want.p, n) && chunks == (int)(n + 0xff) / 0x100,
          "target.xml in %d chunks (%zu bytes)", chunks, n);
    sb_reset(&want);
    n = xfer_all("features:read:64bit-core.xml", 0x100, doc, sizeof(doc), &chunks);
    gdb_target_feature_xml(&want, true, "64bit-core.xml");
    CHECK(n == want.len && !memcmp(doc, want.p, n) && chunks > 1,
          "64bit-core.xml in %d chunks (%zu bytes)", chunks, n);
    sb_free(&want);
    EXPECT("qXfer:features:read:other.xml:0,100", "E01");
    EXPECT("qXfer:features:read:64bit-avx512.xml:0,100", "E01");
    EXPECT("qXfer:features:read:target.xml:zz,100", "E01");
    EXPECT("qXfer:features:read:target.xml:0", "E01");
    EXPECT("qXfer:features:read:target.xml:fffff,100", "E01"); /* past the end */
    EXPECT("qXfer:features:write:target.xml:0:abc", "");
    EXPECT("qXfer:unknown:read::0,10", "");

    n = xfer_all("auxv:read:", 0x20, doc, sizeof(doc), &chunks);
    CHECK(n == sizeof(fake_auxv) && !memcmp(doc, fake_auxv, n) && chunks == 20,
          "auxv in %d chunks of 0x20 (%zu bytes), escapes undone", chunks, n);
    const char *r = xchg("qXfer:auxv:read::280,20");
    CHECK(!strcmp(r, "l"), "auxv at its end: %s", r);

    r = xchg("qXfer:exec-file:read:64:0,fff");
    CHECK(!strcmp(r, "l/bin/tr}\x03" "e"), "exec-file: %s", r);
    r = xchg("qXfer:exec-file:read::0,3");
    CHECK(!strcmp(r, "m/bi"), "exec-file chunk: %s", r);
    r = xchg("qXfer:exec-file:read:c8:0,fff");
    CHECK(!strcmp(r, "l/bin/other"), "exec-file of pid 200: %s", r);
    EXPECT("qXfer:exec-file:read:1:0,fff", "E01");
    EXPECT("qXfer:exec-file:read:zz:0,fff", "E01");

    n = xfer_all("threads:read:", 0x1000, doc, sizeof(doc), &chunks);
    doc[n] = '\0';
    CHECK(strstr(doc, "<threads>") && strstr(doc, "<thread id=\"p64.64\" name=\"main\"/>") &&
              strstr(doc, "<thread id=\"p64.65\" name=\"work&lt;er&gt;\"/>") &&
              !strstr(doc, "p c8"),
          "threads xml: %s", doc);

    r = xchg("qXfer:libraries-svr4:read::0,fff");
    CHECK(!strcmp(r, "l<library-list-svr4 version=\"1.0\"/>\n"), "libraries: %s", r);
}

static void test_rr_cmd(void)
{
    char want[128];
    const char *text = "Completed event: 42\n";
    hex_of(want, text, strlen(text));
    EXPECT("qRRCmd:when:101", want);
    pthread_mutex_lock(&lock);
    CHECK(!strcmp(last_rr_name, "when") && last_rr_tid == 101 && !strcmp(last_rr_args, ""),
          "rr_command(when, 101, \"\")");
    pthread_mutex_unlock(&lock);
    char req[256];
    snprintf(req, sizeof(req), "qRRCmd:checkpoint:-1:%s:%s", "666f6f20626172", "78");
    const char *r = xchg(req);
    text = "Command 'checkpoint' not found.\n";
    hex_of(want, text, strlen(text));
    CHECK(!strcmp(r, want), "unknown command text: %s", r);
    pthread_mutex_lock(&lock);
    CHECK(!strcmp(last_rr_args, "foo bar x") && last_rr_tid == PID,
          "args decoded and joined: '%s', tid %d", last_rr_args, (int)last_rr_tid);
    pthread_mutex_unlock(&lock);
    EXPECT("qRRCmd:when", "E01");
    EXPECT("qRRCmd::1", "E01");
    EXPECT("qRRCmd:when:x1", "E01");
    EXPECT("qRRCmd:when:1:4", "E01");
    EXPECT("qRRCmd:when:1:zz", "E01");
    /* Delve's form: every field hex, no tid (gdb's selected thread). */
    text = "Completed event: 42\n";
    hex_of(want, text, strlen(text));
    EXPECT("qRRCmd:7768656e", want); /* "when" */
    r = xchg("qRRCmd:636865636b706f696e74:6d61696e2e676f3a35"); /* checkpoint main.go:5 */
    pthread_mutex_lock(&lock);
    CHECK(!strcmp(last_rr_name, "checkpoint") && !strcmp(last_rr_args, "main.go:5") &&
              last_rr_tid == PID,
          "Delve's form decoded: '%s' '%s' tid %d", last_rr_name, last_rr_args, (int)last_rr_tid);
    pthread_mutex_unlock(&lock);
    EXPECT("qRRCmd:7768656e:4", "E01");
    EXPECT("qRRCmd:00", "E01");
}

static void test_hostio(void)
{
    char dir[] = "/tmp/rewind-test-gdb-XXXXXX";
    if (!CHECK(mkdtemp(dir) != NULL, "mkdtemp"))
        return;
    char path[PATH_MAX], link[PATH_MAX];
    snprintf(path, sizeof(path), "%s/data", dir);
    snprintf(link, sizeof(link), "%s/link", dir);
    uint8_t content[300];
    for (int i = 0; i < 300; i++)
        content[i] = (uint8_t)i;
    FILE *f = fopen(path, "w");
    fwrite(content, 1, sizeof(content), f);
    fclose(f);
    if (symlink("data", link) < 0)
        perror("symlink");

    char req[PATH_MAX * 2 + 64], hexpath[PATH_MAX * 2];
    EXPECT("vFile:setfs:0", "F0");
    hex_of(hexpath, path, strlen(path));
    snprintf(req, sizeof(req), "vFile:open:%s,0,0", hexpath);
    const char *r = xchg(req);
    CHECK(!strcmp(r, "F0"), "open: %s", r);
    r = xchg("vFile:pread:0,200,0");
    uint8_t got[600];
    ssize_t n = -1;
    if (!strncmp(r, "F12c;", 5))
        n = pkt_unescape(got, sizeof(got), r + 5, rlen - 5);
    CHECK(n == 300 && !memcmp(got, content, 300), "pread all (%zd): %.10s", n, r);
    r = xchg("vFile:pread:0,10,20"); /* bytes 0x20-0x2f: # $ * escaped */
    n = !strncmp(r, "F10;", 4) ? pkt_unescape(got, sizeof(got), r + 4, rlen - 4) : -1;
    CHECK(n == 16 && !memcmp(got, content + 0x20, 16) && rlen == 4 + 16 + 3,
          "pread at an offset: %s", r);
    r = xchg("vFile:pread:0,100,120");
    n = !strncmp(r, "Fc;", 3) ? pkt_unescape(got, sizeof(got), r + 3, rlen - 3) : -1;
    CHECK(n == 12 && !memcmp(got, content + 0x120, 12), "short pread at the end: %s", r);
    EXPECT("vFile:pread:0,10,1000", "F0;");
    r = xchg("vFile:fstat:0");
    n = !strncmp(r, "F40;", 4) ? pkt_unescape(got, sizeof(got), r + 4, rlen - 4) : -1;
    CHECK(n == 64 && got[8 + 2] == 0x81 && got[28 + 6] == 0x01 && got[28 + 7] == 0x2c,
          "fstat: regular file of 300 bytes");
    EXPECT("vFile:close:0", "F0");
    EXPECT("vFile:close:0", "F-1,9");
    EXPECT("vFile:pread:0,10,0", "F-1,9");
    EXPECT("vFile:pread:7,10,0", "F-1,9");
    EXPECT("vFile:pread:ffffffffffffffffff,10,0", "F-1,9");
    EXPECT("vFile:fstat:3f", "F-1,9");
    hex_of(hexpath, link, strlen(link));
    snprintf(req, sizeof(req), "vFile:readlink:%s", hexpath);
    EXPECT(req, "F4;data");
    snprintf(req, sizeof(req), "vFile:open:%s,1,1a4", hexpath);
    EXPECT(req, "F-1,d"); /* read-only */
    snprintf(req, sizeof(req), "vFile:open:%s00,0,0", hexpath);
    EXPECT(req, "F-1,16"); /* a NUL in the name */
    snprintf(req, sizeof(req), "vFile:open:%s,0", hexpath);
    EXPECT(req, "F-1,16");
    EXPECT("vFile:open:2f6e6f2f737563682f66696c65,0,0", "F-1,2");
    EXPECT("vFile:open:2f6e6f2,0,0", "F-1,16");
    EXPECT("vFile:unlink:2f746d70", "");
    unlink(link);
    unlink(path);
    rmdir(dir);
}

static void test_garbage(void)
{
    /* random packets (no resume commands) must each get a reply */
    uint64_t s = 0x9e3779b97f4a7c15ull;
    char pkt[64];
    int answered = 0, tries = 3000;
    const char *prefixes[] = {"m", "M", "X", "p", "P", "G", "H", "T", "Z", "z", "q", "qXfer:",
                              "qRRCmd:", "vFile:", "Q", "g", "?", "", "vFile:open:", "qC"};
    for (int i = 0; i < tries; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        const char *pre = prefixes[s % (sizeof(prefixes) / sizeof(prefixes[0]))];
        size_t len = strlen(pre);
        memcpy(pkt, pre, len);
        size_t extra = (s >> 8) % 40;
        for (size_t k = 0; k < extra; k++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            static const char alphabet[] = "0123456789abcdefABCDEF,:;.-=xp}";
            char c = (s >> 16) % 4 ? alphabet[(s >> 24) % (sizeof(alphabet) - 1)]
                                   : (char)(0x20 + (s >> 32) % 95);
            if (c == '$' || c == '#')
                c = '.';
            pkt[len++] = c;
        }
        if (len == 0)
            pkt[len++] = '~';
        /* stay clear of packets that resume or end the session */
        if (strchr("cCsSbDkRv!", pkt[0]) && strncmp(pkt, "vFile:", 6))
            continue;
        send_pkt_len(pkt, len);
        if (recv_pkt())
            answered++;
        else
            CHECK(false, "no reply to %.*s", (int)len, pkt);
    }
    CHECK(answered > 2000, "garbage packets answered: %d", answered);
    EXPECT("Hg0", "OK");
    /* stray bytes and unterminated junk between packets */
    send_raw("}}}\x01\x02garbage+-", 15);
    EXPECT("qC", "QCp64.64");
    /* an oversized packet is dropped with an error; the server goes on */
    size_t big = GDB_PACKET_SIZE + 4096;
    char *huge = malloc(big + 8);
    huge[0] = '$';
    memset(huge + 1, 'a', big);
    memcpy(huge + 1 + big, "#00", 3);
    send_raw(huge, big + 4);
    free(huge);
    CHECK(recv_pkt() && !strcmp(rbuf, "E01"), "oversized packet: E01 (%.20s)", rbuf);
    EXPECT("qC", "QCp64.64");
    /* a NUL byte in a text packet */
    const char nul[] = "m1000\0,4";
    const char *r = xchg_len(nul, sizeof(nul) - 1);
    CHECK(!strcmp(r, "E01"), "NUL in a packet: %s", r);
    /* malformed resumes are refused, not obeyed */
    EXPECT("vCont;x", "E01");
    EXPECT("vCont;r1000,2000:p64.64", "");
    EXPECT("Czz", "E01");
    EXPECT("c12zz", "E01");
    EXPECT("S05x", "E01");
    EXPECT("bx", "");
}

static void expect_stop(const char *resume, struct gdb_resume want, struct gdb_stop stop,
                        const char *want_reply, int *count)
{
    set_next_stop(stop, false);
    send_pkt(resume);
    struct gdb_resume got = wait_resume(++*count);
    CHECK(got.kind == want.kind && got.tid == want.tid && got.sig == want.sig &&
              !strcmp(got.run_arg, want.run_arg),
          "%s: resume kind %d tid %d sig %d arg \"%s\", want %d %d %d \"%s\"", resume, got.kind,
          got.tid, got.sig, got.run_arg, want.kind, want.tid, want.sig, want.run_arg);
    CHECK(recv_pkt() && !strcmp(rbuf, want_reply), "%s: stop reply \"%s\", want \"%s\"", resume,
          rbuf, want_reply);
}

static void test_resume(int *count)
{
    struct gdb_stop st = {.kind = GDB_STOP_SIGNAL, .pid = PID, .tid = PID + 1, .sig = SIGTRAP};
    expect_stop("vCont;s:p64.65;c", (struct gdb_resume){.kind = GDB_RESUME_STEP, .tid = 101, .sig = 0}, st,
                "T05thread:p64.65;", count);
    /* requests now go to the thread that stopped */
    EXPECT("p10", "0110400000000000");
    EXPECT("qC", "QCp64.65");
    st = (struct gdb_stop){.kind = GDB_STOP_SWBREAK, .pid = PID, .tid = PID, .sig = SIGTRAP};
    expect_stop("vCont;c", (struct gdb_resume){.kind = GDB_RESUME_CONTINUE, .tid = -1, .sig = 0}, st,
                "T05thread:p64.64;swbreak:;", count);
    st = (struct gdb_stop){.kind = GDB_STOP_HWBREAK, .pid = PID, .tid = PID, .sig = SIGTRAP};
    expect_stop("c", (struct gdb_resume){.kind = GDB_RESUME_CONTINUE, .tid = -1, .sig = 0}, st,
                "T05thread:p64.64;hwbreak:;", count);
    st = (struct gdb_stop){.kind = GDB_STOP_WATCH, .pid = PID, .tid = PID, .sig = SIGTRAP,
                           .watch_type = 2, .watch_addr = 0x10004};
    expect_stop("s", (struct gdb_resume){.kind = GDB_RESUME_STEP, .tid = 100, .sig = 0}, st,
                "T05thread:p64.64;watch:10004;", count);
    st.watch_type = 3;
    expect_stop("vCont;C1e:p64.64;c", (struct gdb_resume){.kind = GDB_RESUME_CONTINUE, .tid = -1, .sig = SIGUSR1}, st,
                "T05thread:p64.64;rwatch:10004;", count);
    st.watch_type = 4;
    expect_stop("C0b", (struct gdb_resume){.kind = GDB_RESUME_CONTINUE, .tid = -1, .sig = SIGSEGV}, st,
                "T05thread:p64.64;awatch:10004;", count);
    st = (struct gdb_stop){.kind = GDB_STOP_SIGNAL, .pid = PID, .tid = PID, .sig = SIGUSR1};
    EXPECT("Hcp64.65", "OK"); /* s steps the Hc thread */
    expect_stop("s", (struct gdb_resume){.kind = GDB_RESUME_STEP, .tid = 101, .sig = 0}, st, "T1ethread:p64.64;",
                count);
    st = (struct gdb_stop){.kind = GDB_STOP_REPLAY_END, .pid = PID, .tid = PID, .at_start = true};
    expect_stop("bs", (struct gdb_resume){.kind = GDB_RESUME_REVERSE_STEP, .tid = 100, .sig = 0}, st,
                "T05thread:p64.64;replaylog:begin;", count);
    st.at_start = false;
    expect_stop("bc", (struct gdb_resume){.kind = GDB_RESUME_REVERSE_CONTINUE, .tid = -1, .sig = 0}, st,
                "T05thread:p64.64;replaylog:end;", count);

    /* ^C while the replay runs */
    st = (struct gdb_stop){.kind = GDB_STOP_SIGNAL, .pid = PID, .tid = PID, .sig = SIGINT};
    set_next_stop(st, true);
    send_pkt("vCont;c");
    wait_resume(++*count);
    CHECK(nothing_sent(100), "no reply while running");
    send_raw("\x03", 1);
    CHECK(recv_pkt() && !strcmp(rbuf, "T02thread:p64.64;"), "interrupted: %s", rbuf);
    pthread_mutex_lock(&lock);
    CHECK(interrupt_seen, "gdb_server_interrupted saw the ^C");
    pthread_mutex_unlock(&lock);
    EXPECT("?", "T02thread:p64.64;");

    st = (struct gdb_stop){.kind = GDB_STOP_KILLED, .pid = PID, .sig = SIGKILL};
    expect_stop("vCont;c", (struct gdb_resume){.kind = GDB_RESUME_CONTINUE, .tid = -1, .sig = 0}, st, "X09;process:64",
                count);
    st = (struct gdb_stop){.kind = GDB_STOP_EXITED, .pid = PID, .exit_code = 3};
    expect_stop("vCont;c", (struct gdb_resume){.kind = GDB_RESUME_CONTINUE, .tid = -1, .sig = 0}, st, "W03;process:64",
                count);
    EXPECT("?", "W03;process:64");
    /* extended mode: vKill does not end the session, vRun restarts */
    EXPECT("!", "OK");
    EXPECT("vKill;64", "OK");
    EXPECT("?", "W00");
    st = (struct gdb_stop){.kind = GDB_STOP_SIGNAL, .pid = PID, .tid = PID, .sig = SIGTRAP};
    expect_stop("vRun;", (struct gdb_resume){.kind = GDB_RESUME_RESTART, .tid = -1, .sig = 0}, st, "T05thread:p64.64;",
                count);
    /* rr's `restart 1` is gdb's `run c1`: vRun;FILE;hex("c1") */
    EXPECT("vKill;64", "OK");
    expect_stop("vRun;2f70726f67;6331",
                (struct gdb_resume){.kind = GDB_RESUME_RESTART, .tid = -1, .sig = 0, .run_arg = "c1"},
                st, "T05thread:p64.64;", count);
    /* D: OK, then DETACH, and later calls return DETACH at once */
    EXPECT("D;64", "OK");
    struct gdb_resume d = wait_resume(++*count);
    CHECK(d.kind == GDB_RESUME_DETACH, "D detaches (%d)", d.kind);
    CHECK(read_byte(2000) == -1, "connection closed after D");
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&lock);
        bool done = stopped_after_end;
        pthread_mutex_unlock(&lock);
        if (done)
            break;
        usleep(10000);
    }
    pthread_mutex_lock(&lock);
    CHECK(stopped_after_end && after_end_kind == GDB_RESUME_DETACH,
          "gdb_server_stopped after D returns DETACH");
    stopped_after_end = false;
    pthread_mutex_unlock(&lock);
    close(gfd);
}

/* Second connection: no multiprocess, so bare tids and plain W/X. */
static void test_plain_connection(int port, int *count)
{
    gfd = connect_to(port);
    ack_mode = true;
    const char *r = xchg("qSupported:xmlRegisters=i386");
    CHECK(strstr(r, "multiprocess+") != NULL, "we still offer multiprocess");
    EXPECT("?", "T05thread:64;");
    EXPECT("qfThreadInfo", "m64,65");
    EXPECT("qC", "QC64");
    EXPECT("Hg65", "OK");
    EXPECT("p10", "0110400000000000");
    int n;
    static char doc[4096];
    size_t len = xfer_all("threads:read:", 0x1000, doc, sizeof(doc), &n);
    doc[len] = '\0';
    CHECK(strstr(doc, "id=\"65\"") != NULL, "bare ids in threads xml");
    struct gdb_stop st = {.kind = GDB_STOP_SWBREAK, .pid = PID, .tid = PID, .sig = SIGTRAP};
    /* gdb did not announce swbreak+: no swbreak reason */
    expect_stop("vCont;c", (struct gdb_resume){.kind = GDB_RESUME_CONTINUE, .tid = -1, .sig = 0}, st,
                "T05thread:64;", count);
    st = (struct gdb_stop){.kind = GDB_STOP_EXITED, .pid = PID, .exit_code = 0};
    expect_stop("vCont;c", (struct gdb_resume){.kind = GDB_RESUME_CONTINUE, .tid = -1, .sig = 0}, st, "W00", count);
    /* vKill outside extended mode ends the session */
    EXPECT("vKill;64", "OK");
    struct gdb_resume k = wait_resume(++*count);
    CHECK(k.kind == GDB_RESUME_KILL, "vKill kills (%d)", k.kind);
    close(gfd);
}

/* Third: gdb goes away in the middle: KILL. */
static void test_close(int port, int *count)
{
    gfd = connect_to(port);
    ack_mode = true;
    EXPECT("?", "T05thread:64;");
    close(gfd);
    struct gdb_resume k = wait_resume(++*count);
    CHECK(k.kind == GDB_RESUME_KILL, "closing the connection kills (%d)", k.kind);
}

static void test_port_in_use(int port)
{
    int pfd[2];
    if (pipe(pfd) < 0)
        return;
    pid_t child = fork();
    if (child == 0) {
        dup2(pfd[1], 2);
        close(pfd[0]);
        gdb_server_listen("127.0.0.1", port, NULL);
        _exit(0);
    }
    close(pfd[1]);
    char out[256] = {0};
    size_t got = 0;
    ssize_t n;
    while (got < sizeof(out) - 1 && (n = read(pfd[0], out + got, sizeof(out) - 1 - got)) > 0)
        got += (size_t)n;
    close(pfd[0]);
    int status;
    waitpid(child, &status, 0);
    char want[64];
    snprintf(want, sizeof(want), "rewind: port %d is in use\n", port);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1 && !strcmp(out, want),
          "port in use: status %d, \"%s\"", status, out);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    alarm(60);
    init_target();
    test_pure();
    test_svr4();

    int port = 0;
    srv = gdb_server_listen(NULL, 0, &port);
    CHECK(port > 0, "a port was picked");
    test_port_in_use(port);
    connections_to_serve = 3;
    pthread_t th;
    pthread_create(&th, NULL, server_main, NULL);
    int count = 0;
    test_connection_ack_mode(port);
    test_queries();
    test_registers();
    init_target();
    test_memory();
    test_points();
    test_xfer();
    test_rr_cmd();
    test_hostio();
    test_garbage();
    init_target();
    test_resume(&count);
    test_plain_connection(port, &count);
    test_close(port, &count);
    pthread_join(th, NULL);
    gdb_server_close(srv);

    if (failed) {
        printf("gdb_server: %d checks failed, %d passed\n", failed, passed);
        return 1;
    }
    printf("gdb_server: %d checks passed\n", passed);
    return 0;
}
