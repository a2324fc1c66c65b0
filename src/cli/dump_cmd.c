/* rewind dump [TRACE]: every event, one per line, syscalls decoded by the
 * syscall table. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "arch/regs.h"
#include "cli/commands.h"
#include "common/die.h"
#include "syscalls/syscall_table.h"
#include "trace/event_files.h"
#include "trace/event_reader.h"

/* Entry arguments per thread, so an exit can be printed as a whole call. */
struct pending {
    int tid;
    uint64_t args[6];
};

static uint64_t *args_of(struct pending **v, int *n, int tid)
{
    for (int i = 0; i < *n; i++)
        if ((*v)[i].tid == tid)
            return (*v)[i].args;
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[*n] = (struct pending){.tid = tid};
    return (*v)[(*n)++].args;
}

static void print_strings(const char *label, const char *s, uint32_t len, uint32_t first, uint32_t n)
{
    printf(" %s=[", label);
    for (uint32_t i = 0; i < n; i++) {
        const char *a = event_string(s, len, first + i);
        printf("%s\"%s\"", i ? ", " : "", a ? a : "");
    }
    printf("]");
}

/* How an event in the middle of user code is positioned. */
static void print_position(const struct ev_position *p, const regs_t *at)
{
    if (p->anchored) {
        printf(" in-code: anchor ip=0x%llx (register match", (unsigned long long)p->anchor_regs.rip);
        bool memory = false;
        for (uint32_t i = 0; i < p->nwords; i++) {
            uint64_t a = p->words[i].addr;
            uint64_t off = a - EV_WORD_FP;
            if (EV_WORD_IS_STACK(a))
                printf(", stack %llu bytes hash", (unsigned long long)(a - EV_WORD_STACK));
            else if (EV_WORD_IS_FP(a) && off >= 32)
                printf(", %s%llu.%s", off < 160 ? "st" : "xmm",
                       (unsigned long long)(off - (off < 160 ? 32 : 160)) / 16,
                       off / 8 % 2 ? "high" : "low");
            else if (EV_WORD_IS_FP(a))
                printf(", fxsave+%llu", (unsigned long long)off);
            else
                printf(", %s[0x%llx%s]", memory ? "" : "memory ", (unsigned long long)EV_WORD_ADDR(a),
                       a & EV_WORD_LOW ? ", low half" : a & EV_WORD_HIGH ? ", high half" : "");
            memory = memory || !EV_WORD_IS_SPECIAL(a);
            printf("=0x%llx", (unsigned long long)p->words[i].value);
        }
        printf("),");
    }
    else
        printf(" in-code: from the resume,");
    if (p->count)
        printf(" counted %llu executions of 0x%llx%s", (unsigned long long)p->count,
               (unsigned long long)p->count_addr,
               p->count_addr == at->rip ? " (exact)" : ", then register match");
    else
        printf(" register match");
}

static void dump_event(const struct event *ev, uint64_t *args)
{
    char call[512];
    switch (ev->type) {
    case EV_INIT:
        printf(" exe=\"%s\" cwd=\"%s\"", event_string(ev->strings, ev->strings_len, 0),
               event_string(ev->strings, ev->strings_len, 1));
        print_strings("argv", ev->strings, ev->strings_len, 2, ev->u.init.argc);
        printf(" envc=%u", ev->u.init.envc);
        if (ev->u.init.chaos_seed)
            printf(" chaos-seed=%u", ev->u.init.chaos_seed);
        break;
    case EV_SYSCALL_ENTER: {
        const regs_t *r = &ev->u.enter.regs;
        for (int i = 0; i < 6; i++)
            args[i] = regs_arg(r, i);
        syscall_format(call, sizeof call, r->orig_rax, args, 0);
        /* Cut the "= 0" the formatter adds: the result comes at the exit. */
        char *eq = strstr(call, ") = ");
        if (eq)
            eq[1] = 0;
        printf(" %s ip=0x%llx", call, (unsigned long long)r->rip);
        break;
    }
    case EV_SYSCALL_EXIT: {
        syscall_format(call, sizeof call, ev->u.exit.nr, args, ev->u.exit.result);
        uint64_t bytes = 0;
        for (uint32_t i = 0; i < ev->u.exit.nregions; i++) {
            struct ev_region reg;
            memcpy(&reg, &ev->regions[i], sizeof reg);
            bytes += reg.len;
        }
        printf(" %s", call);
        if (ev->u.exit.nregions)
            printf(" wrote=%llu bytes in %u region(s)", (unsigned long long)bytes, ev->u.exit.nregions);
        if (ev->u.exit.flags & EXITF_ECHO_STDOUT)
            printf(" stdout");
        if (ev->u.exit.flags & EXITF_ECHO_STDERR)
            printf(" stderr");
        if (ev->u.exit.flags & EXITF_OUTPUT_HASH)
            printf(" hash=%02x%02x%02x%02x", ev->output_hash[0], ev->output_hash[1],
                   ev->output_hash[2], ev->output_hash[3]);
        if (ev->u.exit.flags & EXITF_CANCELLED)
            printf(" failed-by-recorder");
        if (ev->u.exit.flags & EXITF_MMAP_FILE)
            printf(" file=%s offset=%llu", ev->mmap_name, (unsigned long long)ev->mmap.offset);
        break;
    }
    case EV_SIGNAL:
        printf(" %s si_code=%d %s eflags=0x%llx ip=0x%llx", strsignal(ev->u.sig.signo), ev->u.sig.info.si_code,
               ev->u.sig.flags & SIGF_SYNC ? "synchronous" : "delivered", (unsigned long long)ev->u.sig.regs.eflags,
               (unsigned long long)ev->u.sig.regs.rip);
        if (ev->u.sig.flags & SIGF_UNDONE_SYSCALL)
            printf(" before-undone-syscall");
        if (ev->u.sig.flags & SIGF_IN_CODE)
            print_position(&ev->u.sig.pos, &ev->u.sig.regs);
        break;
    case EV_RDTSC:
        printf(" %s value=%llu ip=0x%llx", ev->u.rdtsc.insn_len == 3 ? "rdtscp" : "rdtsc",
               (unsigned long long)ev->u.rdtsc.tsc, (unsigned long long)ev->u.rdtsc.regs.rip);
        break;
    case EV_CPUID: {
        const struct ev_cpuid *c = &ev->u.cpuid;
        printf(" in eax=0x%x ecx=0x%x out eax=0x%x ebx=0x%x ecx=0x%x edx=0x%x ip=0x%llx",
               (unsigned)c->regs.rax, (unsigned)c->regs.rcx, c->eax, c->ebx, c->ecx, c->edx,
               (unsigned long long)c->regs.rip);
        break;
    }
    case EV_CLONE:
        printf(" child=%d flags=0x%llx (%s)", ev->u.clone.child_tid,
               (unsigned long long)ev->u.clone.flags,
               ev->u.clone.kind == 1 ? "fork" : ev->u.clone.kind == 2 ? "vfork" : "clone");
        break;
    case EV_EXEC:
        printf(" exe=\"%s\"", event_string(ev->strings, ev->strings_len, 0));
        print_strings("argv", ev->strings, ev->strings_len, 1, ev->u.exec.argc);
        if (ev->u.exec.new_tid)
            printf(" now-tid=%d", ev->u.exec.new_tid);
        const char *file = exec_saved_file(ev), *interp = exec_interp_file(ev);
        const char *script = exec_script_file(ev);
        if (file && *file)
            printf(" file=%s", file);
        if (interp && *interp)
            printf(" interp=%s", interp);
        if (script && *script)
            printf(" script-interp=%s", script);
        printf(" ip=0x%llx sp=0x%llx stack=%llu bytes", (unsigned long long)ev->u.exec.regs.rip,
               (unsigned long long)ev->u.exec.regs.rsp, (unsigned long long)ev->u.exec.stack_len);
        break;
    case EV_PREEMPT:
        printf(" ip=0x%llx", (unsigned long long)ev->u.preempt.regs.rip);
        print_position(&ev->u.preempt.pos, &ev->u.preempt.regs);
        break;
    case EV_KERNEL_WRITE: {
        uint32_t cause = ev->u.kwrite.cause;
        printf(" %s", cause == KW_FUTEX_BLOCKED ? "futex-lock-pi-blocked"
                      : cause == KW_THREAD_EXIT ? "thread-exit"
                      : cause == KW_PROCESS_DEATH ? "process-death" : "unknown-cause");
        const uint8_t *data = ev->region_data;
        for (uint32_t i = 0; i < ev->u.kwrite.nregions; i++) {
            struct ev_region reg;
            memcpy(&reg, &ev->regions[i], sizeof reg);
            if (reg.len == 4) { /* a futex word */
                uint32_t v;
                memcpy(&v, data, 4);
                printf(" [0x%llx]=0x%x", (unsigned long long)reg.addr, v);
            } else {
                printf(" [0x%llx]=%llu bytes", (unsigned long long)reg.addr, (unsigned long long)reg.len);
            }
            data += reg.len;
        }
        break;
    }
    case EV_TASK_EXIT: {
        int st = ev->u.task_exit.status;
        if (WIFSIGNALED(st))
            printf(" killed by %s", strsignal(WTERMSIG(st)));
        else
            printf(" exit status %d", WEXITSTATUS(st));
        break;
    }
    }
    printf("\n");
}

static const char usage[] = "Usage: rewind dump [TRACE]\n"
    "Prints every event of TRACE (default: latest-trace), one per line:\n"
    "  {event N} TYPE tid=T details\n";

int cmd_dump(int argc, char **argv)
{
    int rc;
    struct event_reader *r = open_trace_argument(argc, argv, usage, &rc);
    if (!r)
        return rc;
    struct pending *pend = NULL;
    int npend = 0;
    struct event ev;
    bool cut_off;
    while (event_reader_next(r, &ev, &cut_off)) {
        printf("{event %llu} %s tid=%d", (unsigned long long)r->count, event_type_name(ev.type), ev.tid);
        dump_event(&ev, args_of(&pend, &npend, ev.tid));
    }
    free(pend);
    if (cut_off) {
        fflush(stdout);
        warn("%s: the trace ends inside a block after event %llu (the recording was cut off)",
             r->dir, (unsigned long long)r->count);
    }
    event_reader_close(r);
    return 0;
}
