// Feature: process groups and sessions: getpgid, setpgid (from child and parent), setsid, kill(-pgid).
#include "t.h"
#include <signal.h>
#include <sys/wait.h>

int main(void)
{
    pid_t me = getpid();
    printf("pid %d pgid %d sid %d\n", me, getpgid(0), getsid(0));
    CHECK(getpgrp() == getpgid(0));

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setpgid(0, 0) == 0);
        printf("child 1: setpgid(0, 0) made it a group leader: %s\n", getpgid(0) == getpid() ? "yes" : "no");
        exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 0);

    fflush(NULL);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pid_t old_sid = getsid(0);
        pid_t sid = setsid();
        printf("child 2: setsid returned its pid: %s; new session differs: %s; pgid %s\n",
               sid == getpid() ? "yes" : "no", getsid(0) != old_sid ? "yes" : "no",
               getpgrp() == getpid() ? "is its pid" : "wrong");
        printf("child 2: setsid again fails with %s\n", setsid() < 0 ? strerror(errno) : "success?");
        exit(0);
    }
    CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 0);

    /* The parent moves a child into a new group, then signals that group. */
    int p[2], ack[2];
    CHECK(pipe(p) == 0 && pipe(ack) == 0);
    fflush(NULL);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        char c;
        read(p[0], &c, 1);
        printf("child 3: pgid is its own pid: %s\n", getpgrp() == getpid() ? "yes" : "no");
        fflush(NULL);
        CHECK(write(ack[1], "k", 1) == 1);
        pause();
        _exit(1);
    }
    close(p[0]);
    CHECK(setpgid(pid, pid) == 0);
    printf("parent: getpgid(child 3) is the child's pid: %s\n", getpgid(pid) == pid ? "yes" : "no");
    printf("parent: own group unchanged: %s\n", getpgid(0) != pid ? "yes" : "no");
    fflush(NULL);
    close(p[1]);
    char c;
    CHECK(read(ack[0], &c, 1) == 1);
    CHECK(kill(-pid, SIGTERM) == 0);
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("child 3 killed through its group by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    fprintf(stderr, "stderr: parent %d\n", me);
    return 0;
}
