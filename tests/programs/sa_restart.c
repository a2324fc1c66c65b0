// Feature: SA_RESTART vs EINTR: a signal from a child interrupts the parent blocked in read() on a pipe.
#include "t.h"
#include <signal.h>
#include <sys/wait.h>

static volatile sig_atomic_t handled;
static void on_usr1(int sig) { (void)sig; handled++; }

/* The state letter of /proc/PID/stat ('S' = sleeping in the kernel). */
static char state_of(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return '?';
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] && p[2] ? p[2] : '?';
}

static void run(int restart)
{
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = restart ? SA_RESTART : 0 };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    int data[2], sync[2];
    CHECK(pipe(data) == 0 && pipe(sync) == 0);
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char c;
        CHECK(read(sync[0], &c, 1) == 1); /* the parent is about to block in read() */
        for (int i = 0; i < 500 && state_of(parent) != 'S'; i++)
            usleep(1000);
        usleep(30000);
        kill(parent, SIGUSR1);
        usleep(50000);
        CHECK(write(data[1], "x", 1) == 1);
        _exit(0);
    }
    handled = 0;
    CHECK(write(sync[1], "go", 1) == 1);
    char c;
    ssize_t n = read(data[0], &c, 1);
    int err = errno;
    printf("%s: read returned %zd%s%s, handler ran %d time(s)\n", restart ? "with SA_RESTART" : "without SA_RESTART",
           n, n < 0 ? " " : "", n < 0 ? strerror(err) : "", (int)handled);
    if (restart)
        CHECK(n == 1 && c == 'x');
    else
        CHECK(n == -1 && err == EINTR);
    if (n < 0) {
        n = read(data[0], &c, 1);
        printf("  read again: %zd byte(s)\n", n);
        CHECK(n == 1);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(data[0]);
    close(data[1]);
    close(sync[0]);
    close(sync[1]);
}

int main(void)
{
    run(1);
    run(0);
    fprintf(stderr, "stderr: pid %d\n", getpid());
    return 0;
}
