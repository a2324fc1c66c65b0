// Feature: process and user identity: getpid, getppid, gettid, getuid/geteuid/getgid/getegid, getgroups.
#include "t.h"
#include <sys/syscall.h>

int main(void)
{
    pid_t pid = getpid(), tid = gettid();
    printf("pid %d ppid %d tid %d\n", pid, getppid(), tid);
    printf("main thread: gettid == getpid: %s; raw syscalls agree: %s\n", tid == pid ? "yes" : "no",
           syscall(SYS_getpid) == pid && syscall(SYS_gettid) == tid ? "yes" : "no");
    printf("uid %d euid %d gid %d egid %d\n", getuid(), geteuid(), getgid(), getegid());
    gid_t groups[256];
    int n = getgroups(256, groups);
    printf("supplementary groups: %d\n", n);
    uid_t r, e, s;
    CHECK(getresuid(&r, &e, &s) == 0);
    printf("getresuid: %d %d %d\n", r, e, s);
    CHECK(tid == pid);
    fprintf(stderr, "stderr: pid %d\n", pid);
    return 0;
}
