/* The GDB remote serial protocol server.  It is passive: the replayer
 * drives the replay and, whenever the replay is at a stop the debugger
 * should see, hands that stop to gdb_server_stopped(), which reports it,
 * answers gdb's questions through the target callbacks (all synchronous,
 * made while every replayed task is stopped) and returns when gdb asks
 * the program to run again.  A stop is a position in the replay, not a
 * live process, so reverse execution plugs in as one more resume kind. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

/* Registers of one thread, as ptrace gives them. */
struct gdb_regs {
    struct user_regs_struct gpr;
    struct user_fpregs_struct fp;   /* x87, MXCSR, xmm0-15 */
    uint8_t ymmh[16][16];           /* upper halves of ymm0-15 */
    bool has_avx;                   /* ymmh is valid */
    /* AVX-512: */
    uint8_t zmmh[16][32];           /* upper halves of zmm0-15 */
    uint8_t zmm_hi16[16][64];       /* zmm16-31 (xmm16-31, ymm16h-31h in them) */
    uint64_t k[8];                  /* k0-k7 */
    bool has_avx512;                /* those are valid */
};

struct gdb_thread {
    pid_t pid, tid;     /* as the recording saw them: gdb shows these */
};

enum gdb_stop_kind {
    GDB_STOP_SIGNAL,     /* stopped with `sig` (SIGTRAP for steps/interrupts: 5) */
    GDB_STOP_SWBREAK,    /* at a Z0 breakpoint (reply carries swbreak:) */
    GDB_STOP_HWBREAK,    /* at a Z1 breakpoint (hwbreak:) */
    GDB_STOP_WATCH,      /* a Z2/Z3/Z4 watchpoint at watch_addr triggered */
    GDB_STOP_EXITED,     /* process pid exited with exit_code (W) */
    GDB_STOP_KILLED,     /* process pid was killed by sig (X) */
    GDB_STOP_REPLAY_END, /* no more history in that direction (replaylog:) */
};

struct gdb_stop {
    enum gdb_stop_kind kind;
    pid_t pid, tid;
    int sig;                /* SIGNAL, KILLED; 5 (SIGTRAP) for breaks/watch */
    int watch_type;         /* GDB_STOP_WATCH: 2 write, 3 read, 4 access */
    uint64_t watch_addr;
    int exit_code;          /* GDB_STOP_EXITED */
    bool at_start;          /* GDB_STOP_REPLAY_END: begin, else end */
};

enum gdb_resume_kind {
    GDB_RESUME_CONTINUE,
    GDB_RESUME_STEP,            /* single-step `tid`, others stay stopped */
    GDB_RESUME_REVERSE_CONTINUE,/* bc */
    GDB_RESUME_REVERSE_STEP,    /* bs */
    GDB_RESUME_DETACH,          /* D: gdb left; replay on to the end */
    GDB_RESUME_KILL,            /* vKill / k / connection closed */
    GDB_RESUME_RESTART,         /* vRun / R in extended-remote: from the start */
};

struct gdb_resume {
    enum gdb_resume_kind kind;
    pid_t tid;        /* the thread to step (recorded tid); -1: any/all */
    int sig;          /* signal gdb asked to deliver (replay ignores it) */
    char run_arg[64]; /* RESTART by vRun: its first argument, decoded
                         (rr's `restart N` sends "cN", `run N` "N"), or "" */
};

/* What the server needs from the replay.  ctx is passed back as is.  All
 * tids/pids are the recorded ones.  Functions return 0 on success and a
 * negative errno on failure, unless said otherwise. */
struct gdb_target {
    void *ctx;
    /* Threads of every live process, into out[0..max); returns the count. */
    int (*threads)(void *ctx, struct gdb_thread *out, int max);
    /* The thread's name (comm) into buf; "" if unknown. */
    void (*thread_name)(void *ctx, pid_t tid, char *buf, size_t len);
    int (*get_regs)(void *ctx, pid_t tid, struct gdb_regs *out);
    /* Writing registers or memory changes the replay: the target may
     * refuse (returns -EPERM and puts a one-line reason in why). */
    int (*set_regs)(void *ctx, pid_t tid, const struct gdb_regs *in, char *why, size_t whylen);
    /* Reads what the program sees (without inserted breakpoints); returns
     * bytes read (may be short), or negative errno if none. */
    ssize_t (*read_mem)(void *ctx, pid_t pid, uint64_t addr, void *buf, size_t len);
    int (*write_mem)(void *ctx, pid_t pid, uint64_t addr, const void *buf, size_t len,
                     char *why, size_t whylen);
    /* type: 0 sw break, 1 hw break, 2 write, 3 read, 4 access watchpoint;
     * len: the Z packet's kind (1 for x86 breakpoints, 1/2/4/8 watch). */
    int (*insert_point)(void *ctx, int type, uint64_t addr, int len);
    int (*remove_point)(void *ctx, int type, uint64_t addr, int len);
    /* The process's auxv; returns its length, or negative errno. */
    ssize_t (*auxv)(void *ctx, pid_t pid, void *buf, size_t len);
    /* Absolute path of the process's executable into buf. */
    int (*exec_file)(void *ctx, pid_t pid, char *buf, size_t len);
    /* rr's extension commands (qRRCmd): run `name` with argument string
     * args (may be ""), on behalf of thread tid; writes the text gdb
     * should print (ending in '\n') into out. */
    int (*rr_command)(void *ctx, const char *name, pid_t tid, const char *args,
                      char *out, size_t outlen);
    /* Optional: the file gdb means by path (vFile), e.g. /proc/PID/...
     * with a recorded pid names the live process.  Returns 0, or a
     * negative errno for a path that names nothing. */
    int (*live_path)(void *ctx, const char *path, char *out, size_t outlen);
};

struct gdb_server;

/* Listens on host:port (port 0: the kernel picks one).  Dies with one
 * clear line when the port is in use.  Returns the server; *port_out gets
 * the port actually bound. */
struct gdb_server *gdb_server_listen(const char *host, int port, int *port_out);
/* Waits for gdb to connect (one connection at a time). */
void gdb_server_accept(struct gdb_server *srv);
/* The thread gdb starts with, and the process it debugs. */
void gdb_server_set_process(struct gdb_server *srv, pid_t pid, pid_t tid);
/* Reports `stop` (to a pending vCont/c/s/?, or as the answer to `?` ) and
 * serves requests until gdb resumes; fills *out.  When the connection
 * ends, *out is GDB_RESUME_KILL (or DETACH after a D packet). */
void gdb_server_stopped(struct gdb_server *srv, const struct gdb_stop *stop,
                        const struct gdb_target *tgt, struct gdb_resume *out);
/* True when gdb sent an interrupt (^C) while the replay ran. Non-blocking. */
bool gdb_server_interrupted(struct gdb_server *srv);
void gdb_server_close(struct gdb_server *srv);
