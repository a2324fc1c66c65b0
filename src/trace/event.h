/* The events of a trace, in the order the recorder saw them.  Each event
 * is one stream record: struct ev_head, a fixed part for its type, then a
 * variable tail.  Layouts are documented in docs/trace-format.md. */
#pragma once
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <sys/user.h>

enum ev_type {
    EV_INIT = 1,       /* how the recording started: exe, cwd, argv, envp */
    EV_SYSCALL_ENTER,  /* a thread stopped entering a syscall */
    EV_SYSCALL_EXIT,   /* ... and leaving it: result and memory written */
    EV_SIGNAL,         /* a signal about to be delivered */
    EV_RDTSC,          /* an rdtsc/rdtscp instruction and the value it read */
    EV_CLONE,          /* a new task (fork, vfork, clone) */
    EV_EXEC,           /* a successful execve: the new image's start */
    EV_TASK_EXIT,      /* a task ended: its wait status */
    EV_PREEMPT,        /* the scheduler interrupted a thread in user code */
    EV_KERNEL_WRITE,   /* the kernel wrote futex words outside a syscall's return */
    EV_CPUID,          /* a cpuid instruction and what it gave (format 2 on) */
    EV_TYPE_MAX
};

struct ev_head {
    uint32_t type;
    int32_t tid;       /* the recorded thread id */
};

struct ev_init {
    uint32_t argc, envc;
    uint32_t strings_len; /* then: exe\0 cwd\0 argv[i]\0... envp[i]\0... */
    uint32_t chaos_seed;  /* --chaos: the seed of the scheduling choices; 0 off */
};

struct ev_syscall_enter {
    struct user_regs_struct regs; /* orig_rax is the syscall number */
};

enum {
    EXITF_ECHO_STDOUT = 1 << 0, /* the data written went to the recorder's stdout */
    EXITF_ECHO_STDERR = 1 << 1, /* ... stderr */
    EXITF_MMAP_FILE   = 1 << 2, /* an ev_mmap_file follows the regions */
    EXITF_CANCELLED   = 1 << 3, /* the recorder made the syscall fail (rseq) */
    EXITF_OUTPUT_HASH = 1 << 4, /* last: the BLAKE2b-128 of the bytes written
                                   (syscalls/written_data.h) */
};

struct ev_syscall_exit {
    int64_t nr;
    int64_t result;
    uint32_t flags;
    uint32_t nregions; /* then nregions × struct ev_region, then their bytes */
};

struct ev_region {
    uint64_t addr, len;
};

/* The contents of a file-backed mapping: bytes [offset, offset+len) of a
 * file saved in the trace directory. */
struct ev_mmap_file {
    uint64_t offset;
    uint64_t file_size;  /* size of the saved file */
    uint32_t name_len;   /* then the file's name inside the trace dir */
    uint32_t reserved;
};

enum {
    SIGF_SYNC = 1 << 0,    /* raised by the thread's own instruction: replay
                              reaches it by running; otherwise replay queues it */
    SIGF_IN_CODE = 1 << 1, /* landed in the middle of user code: the position
                              fields say where (docs/async-events.md) */
    SIGF_DISCARD = 1 << 2, /* the recorder's own stop signal, swallowed: it
                              interrupted a syscall, which then restarted */
    SIGF_UNDONE_SYSCALL = 1 << 3, /* delivered before a syscall instruction
                              the thread had run and the recorder undid
                              (its stop signal was pending): at the
                              thread's next syscall entry, put back */
};

/* One 8-byte word of memory and its value at an anchor.  An addr from
 * EV_WORD_FP on (never a user address) names 8 bytes of the thread's
 * floating-point registers instead, at addr - EV_WORD_FP in the FXSAVE
 * area: st N at 32 + 16 N, xmm N at 160 + 16 N (a loop whose state is in
 * floating-point registers). */
struct ev_word {
    uint64_t addr, value;
};
#define EV_WORD_FP 0x8000000000000000ull
#define EV_WORD_IS_FP(addr) ((uint64_t)(addr) - EV_WORD_FP < 512)
/* An addr from EV_WORD_STACK on names the thread's stack instead: the
 * addr - EV_WORD_STACK bytes from its rsp up, whose value is the first 8
 * bytes of their BLAKE2b (the frames of a recursion, which tell one way
 * down from another when registers and the other words come again). */
#define EV_WORD_STACK 0x8000000000010000ull
#define EV_WORD_IS_STACK(addr) ((uint64_t)(addr) - EV_WORD_STACK < (1ull << 24))
/* Not an address of memory: a floating-point register word or the stack hash. */
#define EV_WORD_IS_SPECIAL(addr) ((uint64_t)(addr) >= EV_WORD_FP)
/* A memory word's addr is 8-byte aligned; bit 0 set: only its low 4 bytes
 * are compared, bit 1: only its high 4 (the other half may be stale, an
 * `int` written into an 8-byte stack slot).  value holds those bytes. */
#define EV_WORD_LOW 1ull
#define EV_WORD_HIGH 2ull
#define EV_WORD_ADDR(addr) (EV_WORD_IS_SPECIAL(addr) ? (uint64_t)(addr) : (uint64_t)(addr) & ~7ull)
#define EV_WORD_MASK(addr)                                                 \
    (EV_WORD_IS_SPECIAL(addr) ? ~0ull                                      \
     : (addr) & EV_WORD_LOW ? 0xffffffffull                                \
     : (addr) & EV_WORD_HIGH ? 0xffffffff00000000ull                       \
                             : ~0ull)

#define POS_MAX_WORDS 9
/* An anchor's words of memory and floating-point registers: the slot
 * after them is for its stack's hash. */
#define POS_MEMORY_WORDS 8

/* Where in a run of user code (between two stops) something happened:
 * from the resume (or, if anchored, from the first execution of
 * anchor_regs.rip with exactly anchor_regs and, in memory, the nwords
 * words' values) count executions of count_addr: it came after the
 * count-th and before the next; then, unless count_addr is where it
 * happened, the first later point with the event's registers.  count 0:
 * search those registers from the start.  See docs/async-events.md.
 *
 * In a record, words[] holds only its nwords used entries (a tail), so a
 * record with nwords 0 is the same as before words existed. */
struct ev_position {
    uint64_t count_addr;
    uint64_t count;
    uint32_t anchored;
    uint32_t nwords;          /* the anchor's memory fingerprint: words[0..nwords) */
    struct user_regs_struct anchor_regs;
    struct ev_word words[POS_MAX_WORDS];
};

struct ev_signal {
    int32_t signo;
    uint32_t flags;
    siginfo_t info;
    struct user_regs_struct regs;
    struct ev_position pos;   /* with SIGF_IN_CODE */
};

/* The scheduler stopped a thread in the middle of user code to run
 * another (a time slice ended): replay stops it at the same point. */
struct ev_preempt {
    struct user_regs_struct regs;
    struct ev_position pos;
};

/* ev_signal and ev_preempt end with their position, whose words[] is
 * written only up to nwords: the bytes at the end of the struct that its
 * record leaves out (write sizeof e - EV_POSITION_UNUSED(&e.pos)). */
#define EV_POSITION_UNUSED(pos) ((POS_MAX_WORDS - (pos)->nwords) * sizeof(struct ev_word))

struct ev_rdtsc {
    uint64_t tsc;
    uint32_t aux;       /* rdtscp's TSC_AUX (rcx) */
    uint32_t insn_len;  /* 2: rdtsc, 3: rdtscp */
    struct user_regs_struct regs; /* before the instruction */
};

struct ev_cpuid {
    uint32_t eax, ebx, ecx, edx; /* what it gave */
    struct user_regs_struct regs; /* before the instruction: eax the leaf, ecx the subleaf */
};

enum clone_kind { CLONE_KIND_FORK = 1, CLONE_KIND_VFORK, CLONE_KIND_CLONE };

struct ev_clone {
    int32_t child_tid;
    uint32_t kind;      /* enum clone_kind */
    uint64_t flags;     /* clone flags */
};

struct ev_exec {
    struct user_regs_struct regs; /* at the first instruction */
    uint64_t stack_addr, stack_len; /* initial stack, rsp up to its top */
    uint32_t argc;
    uint32_t strings_len; /* then the stack bytes, then exe\0 argv[i]\0... */
    int32_t new_tid;      /* a thread other than the leader exec'd: it now has
                             the leader's tid (the leader is gone); else 0 */
    uint32_t reserved;
};

struct ev_task_exit {
    int32_t status;     /* wait(2) status */
    uint32_t reserved;
};

/* Why the kernel wrote memory on the thread's behalf, where no syscall
 * exit reports it (record/futex_record.c). */
enum kernel_write_cause {
    KW_FUTEX_BLOCKED = 1, /* its FUTEX_LOCK_PI blocked: the waiters bit */
    KW_THREAD_EXIT,       /* it exited: FUTEX_OWNER_DIED in the words of its
                             robust list, PI futexes handed to a waiter, a
                             leader's clear_child_tid word */
    KW_PROCESS_DEATH,     /* a process sharing memory with the thread's died:
                             FUTEX_OWNER_DIED from its threads' robust lists */
};

/* Memory the kernel wrote at this point of the thread's sequence, which
 * other threads may see from here on. */
struct ev_kernel_write {
    uint32_t cause;     /* enum kernel_write_cause */
    uint32_t nregions;  /* then nregions × struct ev_region, then their bytes */
};

/* A decoded event: fixed parts copied, tails pointing into the record
 * (valid until the next stream_next()). */
struct event {
    uint32_t type;
    int32_t tid;
    union {
        struct ev_init init;
        struct ev_syscall_enter enter;
        struct ev_syscall_exit exit;
        struct ev_signal sig;
        struct ev_rdtsc rdtsc;
        struct ev_cpuid cpuid;
        struct ev_clone clone;
        struct ev_exec exec;
        struct ev_task_exit task_exit;
        struct ev_preempt preempt;
        struct ev_kernel_write kwrite;
    } u;
    const struct ev_region *regions; /* EV_SYSCALL_EXIT, EV_KERNEL_WRITE */
    const uint8_t *region_data;      /* concatenated region bytes */
    struct ev_mmap_file mmap;        /* with EXITF_MMAP_FILE */
    const char *mmap_name;           /* NUL-terminated copy owned by event */
    const uint8_t *output_hash;      /* with EXITF_OUTPUT_HASH: 16 bytes */
    uint64_t run_cpu_ns;             /* SIGNAL in code, PREEMPT: the thread's time
                                        on a CPU since its run began (0: not known) */
    char mmap_name_buf[256];
    const uint8_t *stack;            /* EV_EXEC */
    const char *strings;             /* EV_INIT, EV_EXEC: NUL-separated */
    uint32_t strings_len;
};

/* Decodes one record; returns 0, or -1 with a reason in err. */
int event_decode(const void *rec, size_t len, struct event *ev, char *err, size_t errlen);
/* Name of an event type, for dump and errors. */
const char *event_type_name(uint32_t type);
/* The i-th NUL-separated string of a strings block, or NULL. */
const char *event_string(const char *strings, uint32_t len, uint32_t i);

struct stream_writer;

/* Appends one event: header, fixed part, then the tail pieces. */
void event_write(struct stream_writer *w, uint32_t type, int32_t tid,
                 const void *fixed, size_t fixed_len,
                 const struct iovec *tail, int ntail);
