/* Private to src/syscalls/: the output-layout functions for syscalls whose
 * written memory cannot be described by out[] rows (the `outputs` member
 * of their table row).  Each follows sys_outputs_fn. */
#pragma once
#include "syscalls/syscall_table.h"

int outputs_ioctl(const struct sys_call *c, struct mem_region *out, int max);
int outputs_fcntl(const struct sys_call *c, struct mem_region *out, int max);
int outputs_prctl(const struct sys_call *c, struct mem_region *out, int max);
int outputs_arch_prctl(const struct sys_call *c, struct mem_region *out, int max);
int outputs_futex(const struct sys_call *c, struct mem_region *out, int max);
int outputs_select(const struct sys_call *c, struct mem_region *out, int max);
int outputs_sockaddr(const struct sys_call *c, struct mem_region *out, int max);
int outputs_recvfrom(const struct sys_call *c, struct mem_region *out, int max);
int outputs_recvmsg(const struct sys_call *c, struct mem_region *out, int max);
int outputs_recvmmsg(const struct sys_call *c, struct mem_region *out, int max);
int outputs_capget(const struct sys_call *c, struct mem_region *out, int max);
int outputs_mincore(const struct sys_call *c, struct mem_region *out, int max);
int outputs_getgroups(const struct sys_call *c, struct mem_region *out, int max);
int outputs_xattr(const struct sys_call *c, struct mem_region *out, int max);
int outputs_syslog(const struct sys_call *c, struct mem_region *out, int max);
int outputs_name_to_handle_at(const struct sys_call *c, struct mem_region *out, int max);
int outputs_get_mempolicy(const struct sys_call *c, struct mem_region *out, int max);
int outputs_clone(const struct sys_call *c, struct mem_region *out, int max);
int outputs_clone3(const struct sys_call *c, struct mem_region *out, int max);
