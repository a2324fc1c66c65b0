/* The vDSO answers time queries without a syscall, which a recording
 * would miss.  Patching its entry points to make real syscalls lets them
 * be recorded (and emulated on replay) like any other. */
#pragma once
#include <stdint.h>
#include <sys/types.h>

/* Rewrites the vDSO of a freshly exec'd, stopped tracee.  Returns the
 * number of entry points patched (0 when the process has no vDSO), and
 * in *syscall_insn the address of a syscall instruction in the patched
 * code (0 if none), which the tracer can use to make the tracee run a
 * syscall of its choosing. */
int vdso_patch(pid_t tid, uint64_t *syscall_insn);
