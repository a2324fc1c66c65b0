/* rdtsc, rdtscp and cpuid in the code a tracee maps, replaced by int3.
 *
 * PR_SET_TSC makes rdtsc fault where the CPU honours CR4.TSD; many virtual
 * machines do not (the instruction then runs untouched and its value is
 * lost to the trace).  cpuid faults only with CPUID faulting, which few
 * machines offer, and it is not deterministic either: leaf 1 gives the
 * APIC id of the CPU it ran on (in a virtual machine, often the host's:
 * a new value from run to run), and Go's runtime still holds it in rbx at
 * its first syscall.  So the recorder and replay both disassemble the
 * executable sections of every file a tracee maps privately (capstone, a
 * linear sweep as objdump does) and put an int3 on the first byte of each
 * such instruction: the tracee stops with SIGTRAP just past it, and the
 * tracer completes the instruction (arch/rdtsc.h, arch/cpuid.h).  Code
 * generated at run time is not covered; there only PR_SET_TSC helps. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Plants the sites in [start, end) of a private mapping of the file open
 * as fd, from file offset off. */
void insn_sites_plant_file(pid_t tid, int fd, uint64_t start, uint64_t end, uint64_t off);
/* Plants the sites in every private executable file mapping of tid (after
 * an exec: the program and its interpreter). */
void insn_sites_plant_all(pid_t tid);
enum insn_site { SITE_NONE, SITE_RDTSC, SITE_RDTSCP, SITE_CPUID };
/* Whether cpuid is planted too (default): traces of format 1 recorded it
 * running untouched, and replay must let it run so. */
void insn_sites_trap_cpuid(bool on);
/* Which instruction addr is, when it is a planted site whose int3 is in
 * place in tid's memory. */
enum insn_site insn_site_at(pid_t tid, uint64_t addr);
/* Replaces planted int3 bytes in buf (len bytes read at addr) by the
 * instruction's own first byte, so a debugger sees the program's code. */
void insn_sites_unpatch(uint64_t addr, void *buf, size_t len);
