/* rewind ps [TRACE]: every recorded process, as `rr ps` prints them. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli/commands.h"
#include "common/die.h"
#include "trace/event_reader.h"

struct proc {
    int pid, ppid;
    int exit_code;      /* exit status, or -signal */
    bool exited;
    char *cmd;          /* last exec's command line, NULL: never exec'd */
};

struct procs {
    struct proc *v;
    int n, cap;
    int *tid_pid;       /* thread → its process, as pairs */
    int ntid, tidcap;
};

static struct proc *proc_add(struct procs *ps, int pid, int ppid)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 16;
        ps->v = xrealloc(ps->v, ps->cap * sizeof *ps->v);
    }
    struct proc *p = &ps->v[ps->n++];
    *p = (struct proc){.pid = pid, .ppid = ppid};
    return p;
}

static struct proc *proc_of(struct procs *ps, int tid)
{
    int pid = tid;
    for (int i = 0; i < ps->ntid; i++)
        if (ps->tid_pid[2 * i] == tid)
            pid = ps->tid_pid[2 * i + 1];
    /* The newest process with that pid (pids can be reused). */
    for (int i = ps->n - 1; i >= 0; i--)
        if (ps->v[i].pid == pid)
            return &ps->v[i];
    return NULL;
}

static char *join_args(const struct event *ev)
{
    size_t len = 0;
    for (uint32_t i = 0; i < ev->u.exec.argc; i++) {
        const char *a = event_string(ev->strings, ev->strings_len, 1 + i);
        len += (a ? strlen(a) : 0) + 1;
    }
    char *s = xmalloc(len + 1), *p = s;
    *p = 0;
    for (uint32_t i = 0; i < ev->u.exec.argc; i++) {
        const char *a = event_string(ev->strings, ev->strings_len, 1 + i);
        p += sprintf(p, "%s%s", i ? " " : "", a ? a : "");
    }
    return s;
}

static const char usage[] = "Usage: rewind ps [TRACE]\n"
    "Lists the processes of TRACE (default: latest-trace): PID, parent PID,\n"
    "exit status (-N: killed by signal N) and command line.\n";

int cmd_ps(int argc, char **argv)
{
    int rc;
    struct event_reader *r = open_trace_argument(argc, argv, usage, &rc);
    if (!r)
        return rc;
    struct procs ps = {0};
    struct event ev;
    bool cut_off;
    while (event_reader_next(r, &ev, &cut_off)) {
        struct proc *p = NULL;
        switch (ev.type) {
        case EV_INIT:
            proc_add(&ps, ev.tid, 0);
            break;
        case EV_CLONE:
            p = proc_of(&ps, ev.tid);
            if (ev.u.clone.flags & CLONE_THREAD) {
                if (ps.ntid == ps.tidcap) {
                    ps.tidcap = ps.tidcap ? ps.tidcap * 2 : 16;
                    ps.tid_pid = xrealloc(ps.tid_pid, 2 * ps.tidcap * sizeof(int));
                }
                ps.tid_pid[2 * ps.ntid] = ev.u.clone.child_tid;
                ps.tid_pid[2 * ps.ntid++ + 1] = p ? p->pid : ev.tid;
            } else {
                proc_add(&ps, ev.u.clone.child_tid, p ? p->pid : ev.tid);
            }
            break;
        case EV_EXEC:
            if ((p = proc_of(&ps, ev.tid))) {
                free(p->cmd);
                p->cmd = join_args(&ev);
            }
            break;
        case EV_TASK_EXIT:
            if ((p = proc_of(&ps, ev.tid)) && p->pid == ev.tid) {
                int st = ev.u.task_exit.status;
                p->exited = true;
                p->exit_code = WIFSIGNALED(st) ? -WTERMSIG(st) : WEXITSTATUS(st);
            }
            break;
        }
    }
    printf("PID\tPPID\tEXIT\tCMD\n");
    for (int i = 0; i < ps.n; i++) {
        struct proc *p = &ps.v[i];
        char ppid[16], code[16];
        snprintf(ppid, sizeof ppid, i == 0 ? "--" : "%d", p->ppid);
        /* A process still running when the trace ends: rr shows -9. */
        snprintf(code, sizeof code, "%d", p->exited ? p->exit_code : -9);
        printf("%d\t%s\t%s\t%s\n", p->pid, ppid, code, p->cmd ? p->cmd : "(forked without exec)");
        free(p->cmd);
    }
    free(ps.v);
    free(ps.tid_pid);
    event_reader_close(r);
    return 0;
}
