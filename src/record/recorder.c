/* The recorder's main loop: wait for a ptrace stop, record what it means,
 * decide which task runs next.  Invariant: at most one task runs user code
 * at any moment; tasks inside syscalls may block concurrently, which is
 * safe because they run no user code until their exit stop is handled. */
#include "record/recorder.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch/insn_sites.h"
#include "arch/tracee_mem.h"
#include "arch/vdso.h"
#include "syscalls/syscall_table.h"
#include "common/die.h"
#include "trace/event.h"
#include "trace/stream.h"
#include "trace/tracedir.h"
#include "tracee/tracee.h"
#include "tracee/soft_breakpoint.h"

extern char **environ;

static struct recorder *active; /* for the die() hook */

static void kill_tracees(void)
{
    if (!active)
        return;
    for (struct rtask *t = active->tasks; t; t = t->next)
        kill(t->tid, SIGKILL);
    /* What was recorded so far stays readable. */
    stream_writer_close(active->events);
    active = NULL;
}

static struct rtask *task_find(struct recorder *r, pid_t tid)
{
    for (struct rtask *t = r->tasks; t; t = t->next)
        if (t->tid == tid)
            return t;
    return NULL;
}

static struct rtask *task_add(struct recorder *r, pid_t tid, pid_t tgid, enum rtask_state st)
{
    struct rtask *t = xcalloc(1, sizeof *t);
    t->tid = tid;
    t->tgid = tgid;
    t->state = st;
    t->anchor_fd = -1;
    t->clock_fd = -1;
    t->cpu_fd = -1;
    /* Append, so round-robin order is creation order. */
    struct rtask **p = &r->tasks;
    while (*p)
        p = &(*p)->next;
    *p = t;
    return t;
}

static void task_remove(struct recorder *r, struct rtask *t)
{
    for (struct rtask **p = &r->tasks; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    if (r->last_run == t)
        r->last_run = NULL;
    user_run_forget(t);
    free(t->exec_path);
    free(t->exit_words);
    tracee_forget(t->tid);
    free(t);
}

static void resume(struct rtask *t, enum rtask_state st)
{
    int sig = t->pending_sig;
    t->pending_sig = 0;
    t->signal_frames += sig != 0;
    if (tracee_resume(PTRACE_SYSCALL, t->tid, sig) < 0 && errno != ESRCH)
        die_errno("cannot resume thread %d", t->tid);
    t->state = st;
}

static struct rtask *running_task(struct recorder *r)
{
    for (struct rtask *t = r->tasks; t; t = t->next)
        if (t->state == RT_RUNNING)
            return t;
    return NULL;
}

uint64_t chaos_random(struct recorder *r)
{
    /* xorshift64*: small, and the same sequence for the same seed. */
    uint64_t x = r->chaos_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->chaos_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Round-robin over ready tasks, starting after the one that ran last;
 * with --chaos, a random ready task. */
static struct rtask *pick_next(struct recorder *r)
{
    if (r->chaos) {
        int n = 0;
        for (struct rtask *t = r->tasks; t; t = t->next)
            n += t->state == RT_READY;
        if (!n)
            return NULL;
        int k = chaos_random(r) % n;
        for (struct rtask *t = r->tasks; t; t = t->next)
            if (t->state == RT_READY && k-- == 0)
                return t;
    }
    struct rtask *start = r->last_run && r->last_run->next ? r->last_run->next : r->tasks;
    struct rtask *t = start;
    if (!t)
        return NULL;
    do {
        if (t->state == RT_READY)
            return t;
        t = t->next ? t->next : r->tasks;
    } while (t != start);
    return NULL;
}

static void write_init(struct recorder *r, pid_t tid, const char *exe, char **argv,
                       char **envp, const char *cwd, uint32_t chaos_seed)
{
    struct ev_init init = {.chaos_seed = chaos_seed};
    size_t len = strlen(exe) + 1 + strlen(cwd) + 1;
    for (char **a = argv; *a; a++, init.argc++)
        len += strlen(*a) + 1;
    for (char **e = envp; *e; e++, init.envc++)
        len += strlen(*e) + 1;
    char *buf = xmalloc(len), *p = buf;
    p = stpcpy(p, exe) + 1;
    p = stpcpy(p, cwd) + 1;
    for (char **a = argv; *a; a++)
        p = stpcpy(p, *a) + 1;
    for (char **e = envp; *e; e++)
        p = stpcpy(p, *e) + 1;
    init.strings_len = len;
    struct iovec tail = {buf, len};
    event_write(r->events, EV_INIT, tid, &init, sizeof init, &tail, 1);
    r->nevents++;
    free(buf);
}

/* The stack from rsp to the end of its mapping: argv, envp, auxv and the
 * AT_RANDOM bytes, which differ between runs and must be reproduced. */
static uint8_t *read_initial_stack(pid_t tid, uint64_t rsp, uint64_t *len)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        die_errno("cannot read %s", path);
    uint64_t end = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && rsp >= lo && rsp < hi) {
            end = hi;
            break;
        }
    }
    fclose(f);
    if (!end)
        die("thread %d: no mapping holds its stack pointer after exec", tid);
    *len = end - rsp;
    uint8_t *buf = xmalloc(*len);
    if (tracee_read(tid, rsp, buf, *len) != (ssize_t)*len)
        die_errno("cannot read the initial stack of thread %d", tid);
    return buf;
}

static char *read_cmdline(pid_t tid, uint32_t *argc, uint32_t *len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", tid);
    FILE *f = fopen(path, "re");
    char *buf = xmalloc(65536);
    size_t n = f ? fread(buf, 1, 65535, f) : 0;
    if (f)
        fclose(f);
    if (n == 0 || buf[n - 1] != 0)
        buf[n++] = 0;
    *argc = 0;
    for (size_t i = 0; i < n; i++)
        *argc += buf[i] == 0;
    *len = n;
    return buf;
}

void note_exec_path(struct rtask *t, const char *path)
{
    free(t->exec_path);
    char buf[4096 + 64];
    if (!strncmp(path, "/proc/self/", 11) || !strncmp(path, "/proc/thread-self/", 18)) {
        /* The tracee's /proc/self, not the recorder's. */
        snprintf(buf, sizeof buf, "/proc/%d/%s", t->tid, strchr(path + 6, '/') + 1);
        t->exec_path = xstrdup(buf);
    } else if (path[0] == '/') {
        t->exec_path = xstrdup(path);
    } else {
        snprintf(buf, sizeof buf, "/proc/%d/cwd/%s", t->tid, path);
        t->exec_path = xstrdup(buf);
    }
}

void record_exec(struct recorder *r, struct rtask *t)
{
    struct ev_exec ex = {0};
    t->signal_frames = 0; /* a new stack */
    regs_get(t->tid, &ex.regs);
    uint8_t *stack = read_initial_stack(t->tid, ex.regs.rsp, &ex.stack_len);
    ex.stack_addr = ex.regs.rsp;
    char exe[4096];
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/exe", t->tid);
    ssize_t n = readlink(path, exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    uint32_t cmd_len;
    char *cmd = read_cmdline(t->tid, &ex.argc, &cmd_len);
    /* The executed file goes into the trace, so replay never depends on
     * it staying the same on disk. */
    uint64_t size;
    const char *saved = t->exec_path ? saved_file_save(r->files, t->exec_path, &size) : NULL;
    if (!saved)
        saved = "";
    /* And the ELF interpreter, which the kernel loads by the path the
     * program names: replay loads this copy instead. */
    /* REWIND_RECORD_WITHOUT_INTERP: the EXEC of rewinds that did not save
     * interpreters (for the tests of pack on such traces). */
    int ntail = getenv("REWIND_RECORD_WITHOUT_INTERP") ? 4 : 6;
    const char *interp = ntail == 6 ? interp_file_save(r->files, t->tid) : NULL;
    if (!interp)
        interp = "";
    /* For a #! script, the program the kernel ran for it. */
    const char *script = ntail == 6 && t->exec_path
                             ? script_interp_save(r->files, t->tid, t->exec_path) : NULL;
    if (!script)
        script = "";
    ex.strings_len = strlen(exe) + 1 + cmd_len + strlen(saved) + 1 +
                     (ntail == 6 ? strlen(interp) + 1 + strlen(script) + 1 : 0);
    pid_t event_tid = t->tid;
    if (t->former_tid) {
        event_tid = t->former_tid; /* the thread replay knows */
        ex.new_tid = t->tid;
        t->former_tid = 0;
    }
    struct iovec tail[6] = {{stack, ex.stack_len}, {exe, strlen(exe) + 1}, {cmd, cmd_len},
                            {(void *)saved, strlen(saved) + 1},
                            {(void *)interp, strlen(interp) + 1},
                            {(void *)script, strlen(script) + 1}};
    event_write(r->events, EV_EXEC, event_tid, &ex, sizeof ex, tail, ntail);
    r->nevents++;
    free(stack);
    free(cmd);
    free(t->exec_path);
    t->exec_path = NULL;
    uint64_t syscall_insn;
    vdso_patch(t->tid, &syscall_insn);
    insn_sites_plant_all(t->tid);
    user_run_forget(t); /* a new address space: learned addresses mean nothing */
}

static void record_clone(struct recorder *r, struct rtask *parent, int event)
{
    unsigned long msg = 0;
    if (ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &msg) < 0)
        die_errno("ptrace(GETEVENTMSG)");
    pid_t child = msg;
    struct ev_clone c = {.child_tid = child};
    long nr = parent->entry_regs.orig_rax;
    if (event == PTRACE_EVENT_VFORK) {
        c.kind = CLONE_KIND_VFORK;
        c.flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
    } else if (event == PTRACE_EVENT_FORK && nr != SYS_clone && nr != SYS_clone3) {
        c.kind = CLONE_KIND_FORK;
        c.flags = SIGCHLD;
    } else {
        c.kind = event == PTRACE_EVENT_FORK ? CLONE_KIND_FORK : CLONE_KIND_CLONE;
        c.flags = nr == SYS_clone ? parent->entry_regs.rdi : 0;
        if (nr == SYS_clone3) {
            uint64_t flags = 0;
            tracee_read(parent->tid, parent->entry_regs.rdi, &flags, sizeof flags);
            c.flags = flags;
        }
    }
    event_write(r->events, EV_CLONE, parent->tid, &c, sizeof c, NULL, 0);
    r->nevents++;
    if (c.flags & CLONE_VFORK)
        parent->vfork_child = child;
    pid_t tgid = (c.flags & CLONE_THREAD) ? parent->tgid : child;
    struct rtask *t = task_find(r, child);
    if (t) { /* its initial stop came first */
        t->tgid = tgid;
        t->state = RT_READY;
    } else {
        t = task_add(r, child, tgid, RT_NEW);
    }
    kernel_writes_clone(parent, t, c.flags);
}

static void handle_stop(struct recorder *r, pid_t tid, int status);

/* An exec by a thread other than the leader reports under the leader's
 * tid: the exec'ing thread takes that tid over and the leader is gone
 * (its end is never reported).  Returns the exec'ing task. */
static struct rtask *exec_takes_over(struct recorder *r, struct rtask *leader)
{
    unsigned long msg = 0;
    ptrace(PTRACE_GETEVENTMSG, leader->tid, 0, &msg);
    pid_t former = msg;
    struct rtask *t = task_find(r, former);
    if (!t || t == leader)
        return leader;
    pid_t tid = leader->tid;
    bool was_root = tid == r->root;
    task_remove(r, leader);
    t->former_tid = former;
    t->tid = tid;
    t->tgid = tid;
    if (was_root)
        r->root = tid;
    return t;
}

/* The parent of a vfork resumes when its child execs or exits, which the
 * kernel does before the child's own stop reports it.  Replay runs tasks
 * strictly in trace order, so the parent's return is recorded only after
 * the child's exec or exit. */
static void release_vfork_parent(struct recorder *r, pid_t child)
{
    for (struct rtask *p = r->tasks; p; p = p->next) {
        if (p->vfork_child != child)
            continue;
        p->vfork_child = 0;
        if (p->held) {
            p->held = false;
            handle_stop(r, p->tid, p->held_status);
        }
    }
}

static void record_task_exit(struct recorder *r, struct rtask *t, int status)
{
    struct ev_task_exit x = {.status = status};
    event_write(r->events, EV_TASK_EXIT, t->tid, &x, sizeof x, NULL, 0);
    r->nevents++;
    if (t->tid == r->root) {
        r->root_status = status;
        r->root_exited = true;
    }
    pid_t tid = t->tid;
    task_remove(r, t);
    release_vfork_parent(r, tid);
}

/* Our peek/slice SIGSTOP is pending, and the thread has just entered a
 * syscall.  Some blocking calls (epoll_wait, semop, ...) fail with EINTR
 * after a stop signal even without a handler: the program must not see
 * that.  So the syscall is skipped, the SIGSTOP taken and swallowed, and
 * the thread put back before its syscall instruction to enter it again,
 * with nothing pending; none of it is recorded, as the thread ends where
 * it was.  Returns false if another stop came in between (then handled). */
static bool dodge_stop_signal(struct recorder *r, struct rtask *t)
{
    regs_t entry, skip;
    regs_get(t->tid, &entry);
    debug("thread %d: our SIGSTOP pending at the entry of syscall %lld: undone", t->tid,
          (long long)entry.orig_rax);
    skip = entry;
    skip.orig_rax = -1;
    regs_set(t->tid, &skip);
    tracee_resume(PTRACE_SYSCALL, t->tid, 0);
    int status = wait_for(t->tid);
    struct stop s;
    stop_classify(t->tid, status, &s);
    if (s.kind == STOP_SYSCALL_EXIT) {
        tracee_resume(PTRACE_SYSCALL, t->tid, 0);
        status = wait_for(t->tid);
        stop_classify(t->tid, status, &s);
    }
    if (s.kind == STOP_EXITED) {
        handle_stop(r, t->tid, status);
        return true;
    }
    regs_t again = entry;
    again.rip -= 2; /* the syscall instruction */
    again.rax = entry.orig_rax;
    again.orig_rax = -1; /* in user code, no syscall to restart */
    regs_set(t->tid, &again);
    if (s.kind == STOP_SIGNAL && s.sig == SIGSTOP) {
        t->stop_sent = 0;
        t->at_dodged_entry = true;
        resume(t, RT_RUNNING);
        return true;
    }
    /* A real signal came first: delivered there, before the syscall
     * instruction, with rcx and r11 as it left them (SIGF_UNDONE_SYSCALL). */
    t->entry_undone = s.kind == STOP_SIGNAL; /* record_signal_stop takes it */
    handle_stop(r, t->tid, status);
    return true;
}

static void handle_stop(struct recorder *r, pid_t tid, int status)
{
    struct rtask *t = task_find(r, tid);
    struct stop s;
    if (!t) {
        if (WIFSTOPPED(status)) {
            /* A new child whose initial stop beat its parent's event. */
            task_add(r, tid, tid, RT_UNANNOUNCED);
        }
        return;
    }
    stop_classify(tid, status, &s);
    bool dodged = t->at_dodged_entry;
    t->at_dodged_entry = false;
    switch (s.kind) {
    case STOP_EXITED:
        record_task_exit(r, t, status);
        return;
    case STOP_VANISHED:
        /* Killed before it left this stop: nothing it did from here on
         * happened; its exit, reported next, is recorded then. */
        debug("thread %d: killed in a stop not handled yet", tid);
        t->state = RT_DYING;
        return;
    case STOP_SYSCALL_ENTRY:
        if (t->stop_sent && dodge_stop_signal(r, t))
            return;
        user_run_end(t);
        record_syscall_entry(r, t);
        if ((long long)t->entry_regs.orig_rax == SYS_rt_sigreturn && t->signal_frames)
            t->signal_frames--;
        /* Only a syscall that may block lets another task run meanwhile:
         * one that cannot (kill, exit_group, ...) finishes first, so a
         * signal it sends never lands in the middle of another task's
         * user code. */
        kernel_writes_prepare(r, t);
        resume(t, syscall_may_block(r, t) ? RT_IN_KERNEL : RT_RUNNING);
        kernel_writes_settle(r, t);
        return;
    case STOP_SYSCALL_EXIT:
        if (t->state != RT_IN_KERNEL && t->state != RT_RUNNING) {
            /* A new child's return from fork: not a syscall it entered. */
            t->state = RT_READY;
            return;
        }
        regs_t now;
        regs_get(tid, &now);
        if (t->vfork_child && task_find(r, t->vfork_child)) {
            t->held = true;
            t->held_status = status;
            return;
        }
        if (t->exec_seen && (int64_t)now.rax == 0) {
            t->exec_seen = false;
            t->state = RT_READY;
            record_exec(r, t);
            release_vfork_parent(r, t->tid);
            return;
        } else {
            record_syscall_exit(r, t);
        }
        t->state = RT_READY;
        return;
    case STOP_EVENT:
        if (s.event == PTRACE_EVENT_FORK || s.event == PTRACE_EVENT_VFORK ||
            s.event == PTRACE_EVENT_CLONE)
            record_clone(r, t, s.event);
        else if (s.event == PTRACE_EVENT_EXEC) {
            t = exec_takes_over(r, t);
            t->exec_seen = true;
            /* The other threads' ends wait until the exec is recorded:
             * replay kills them by running the exec. */
            resume(t, RT_RUNNING);
            return;
        }
        resume(t, RT_IN_KERNEL);
        return;
    case STOP_GROUP:
        /* Job control is not modelled: keep the task going. */
        resume(t, t->state);
        return;
    case STOP_SIGNAL:
        if (t->state == RT_NEW && s.sig == SIGSTOP) {
            t->state = RT_READY;
            return;
        }
        if (s.sig == SIGSTOP && dodged && t->stop_sent) {
            /* Ours again, before the syscall instruction dodge_stop_signal
             * put it back at: the kernel clobbered rcx and r11 there, so
             * replay could never find these registers.  It enters that
             * syscall next, a stop of its own: no peek or slice here. */
            debug("thread %d: our SIGSTOP again at its dodged syscall entry: let go", tid);
            t->stop_sent = 0;
            t->at_dodged_entry = true;
            resume(t, t->state);
            return;
        }
        if (s.sig == SIGSTOP) {
            int later;
            int how = user_run_sigstop(r, t, &later);
            if (how == STOPPED_ELSEWHERE) {
                handle_stop(r, tid, later);
                return;
            }
            if (how == STOPPED_RESUME) {
                resume(t, t->state);
                return;
            }
            if (how == STOPPED_PREEMPTED) {
                user_run_end(t);
                t->state = RT_READY;
                return;
            }
        }
        int later;
        /* A signal of the program's right where dodge_stop_signal put the
         * thread back: rcx and r11 as the undone syscall left them. */
        t->entry_undone |= dodged;
        switch (record_signal_stop(r, t, s.sig, &later)) {
        case SIGNAL_HELD:
            resume(t, RT_RUNNING); /* the same run goes on */
            return;
        case SIGNAL_ELSEWHERE:
            handle_stop(r, tid, later);
            return;
        }
        user_run_end(t);
        kernel_writes_signal(r, t);
        if (user_run_begin(r, t))
            resume(t, RT_RUNNING);
        kernel_writes_settle(r, t);
        return;
    }
}

static void push_waiting_stop(struct recorder *r, pid_t tid, int status)
{
    if (r->nwaiting == r->waiting_cap) {
        r->waiting_cap = r->waiting_cap ? 2 * r->waiting_cap : 16;
        r->waiting = xrealloc(r->waiting, r->waiting_cap * sizeof *r->waiting);
    }
    r->waiting[r->nwaiting++] = (struct waiting_stop){tid, status};
}

static void pop_waiting_stop(struct recorder *r)
{
    struct waiting_stop w = r->waiting[0];
    memmove(r->waiting, r->waiting + 1, --r->nwaiting * sizeof *r->waiting);
    handle_stop(r, w.tid, w.status);
}

/* A recording cut off by kill -9 replays up to its last complete block:
 * write one at least every FLUSH_INTERVAL_NS. */
#define FLUSH_INTERVAL_NS 200000000ll

static void flush_now_and_then(struct recorder *r)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    long long now = ts.tv_sec * 1000000000ll + ts.tv_nsec;
    if (now - r->last_flush_ns >= FLUSH_INTERVAL_NS) {
        stream_flush(r->events);
        r->last_flush_ns = now;
    }
}

static volatile sig_atomic_t forwarded_signal;
/* Termination signals sent to the recorder go to the program, whose
 * recording then ends as the program does.  A SIGINT (or SIGQUIT) typed at
 * the terminal reaches the program by itself (same process group), so
 * only one sent with kill() is passed on. */
static void on_terminate(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    if ((sig == SIGINT || sig == SIGQUIT) && si->si_code == SI_KERNEL)
        return;
    forwarded_signal = sig;
}

static void remember_outputs(struct recorder *r)
{
    for (int fd = 1; fd <= 2; fd++) {
        struct stat st;
        if (fstat(fd, &st) == 0) {
            r->out_dev[fd] = st.st_dev;
            r->out_ino[fd] = st.st_ino;
        }
    }
}

static char **build_env(char **extra)
{
    size_t n = 0, m = 0;
    while (environ[n])
        n++;
    while (extra && extra[m])
        m++;
    char **env = xcalloc(n + m + 1, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        /* -v NAME=VALUE replaces an inherited NAME. */
        bool replaced = false;
        for (size_t j = 0; j < m; j++) {
            size_t nl = strcspn(extra[j], "=");
            if (!strncmp(environ[i], extra[j], nl) && environ[i][nl] == '=')
                replaced = true;
        }
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        env[k++] = extra[j];
    env[k] = NULL;
    return env;
}

int record_run(const struct record_options *opt)
{
    struct recorder rec = {0}, *r = &rec;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        die_errno("getcwd");
    char **envp = build_env(opt->extra_env);
    r->dir = trace_dir_create(opt->exe, opt->out_dir);
    char *events_path = trace_path(r->dir, "events");
    r->events = stream_writer_create(events_path, opt->zstd_level);
    free(events_path);
    r->files = mapped_files_new(r->dir);
    user_runs_init(r);
    remember_outputs(r);
    if (opt->print_trace_dir_fd >= 0)
        dprintf(opt->print_trace_dir_fd, "%s\n", r->dir);

    uint32_t seed = opt->chaos_seed;
    if (opt->chaos) {
        while (!seed)
            seed = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16 ^ (uint32_t)clock();
        r->chaos = true;
        r->chaos_state = seed * 0x9E3779B97F4A7C15ull | 1;
    }
    struct spawn_spec spec = {.exe = opt->exe, .argv = opt->argv, .envp = envp};
    active = r;
    die_hook = kill_tracees;
    struct sigaction term = {.sa_sigaction = on_terminate, .sa_flags = SA_SIGINFO};
    sigemptyset(&term.sa_mask);
    sigaction(SIGINT, &term, NULL);
    sigaction(SIGQUIT, &term, NULL);
    sigaction(SIGTERM, &term, NULL);
    sigaction(SIGHUP, &term, NULL);
    pid_t root = tracee_spawn(&spec);
    r->root = root;
    write_init(r, root, opt->exe, opt->argv, envp, cwd, r->chaos ? seed : 0);
    struct rtask *t0 = task_add(r, root, root, RT_READY);
    note_exec_path(t0, opt->exe);
    record_exec(r, t0);

    while (r->tasks) {
        if (forwarded_signal) {
            kill(r->root, forwarded_signal);
            forwarded_signal = 0;
        }
        user_run_peek_due(r);
        struct rtask *running = running_task(r);
        if (!running && r->nwaiting) {
            pop_waiting_stop(r);
            continue;
        }
        if (!running) {
            struct rtask *next = pick_next(r);
            if (next) {
                r->last_run = next;
                if (!user_run_begin(r, next))
                    continue;
                resume(next, RT_RUNNING);
                running = next;
            }
        }
        int status;
        pid_t tid = tracee_wait(-1, &status, 0);
        if (tid < 0) {
            if (errno == EINTR) {
                user_run_peek_due(r);
                continue;
            }
            if (errno == ECHILD)
                break;
            die_errno("waitpid");
        }
        /* Another task's stop waits until the running one stops: what the
         * running one does (a thread's exit clearing its tid, a wake-up)
         * may be why the other stopped, and replay must see it first. */
        if (running && running->tid != tid && (status >> 16) != PTRACE_EVENT_EXEC)
            push_waiting_stop(r, tid, status);
        else
            handle_stop(r, tid, status);
        flush_now_and_then(r);
    }
    die_hook = NULL;
    active = NULL;
    stream_writer_close(r->events);
    free(r->waiting);
    free(envp);
    free(r->dir);
    if (!r->root_exited)
        return 1;
    if (WIFSIGNALED(r->root_status)) {
        /* Die the same way, so a shell reports it as it would have (e.g.
         * "Aborted"); never leave a core file of the recorder itself. */
        int sig = WTERMSIG(r->root_status);
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        fflush(stdout);
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(sig);
        return 128 + sig;
    }
    return WEXITSTATUS(r->root_status);
}
