/* The machine a trace was recorded on: the trace's `machine` file (CPU
 * model and the CPUID features that change what a program does, the XSAVE
 * state the kernel puts in signal frames, kernel release, host name).
 * Replay on another machine still runs, but glibc picks other code for
 * other CPU features and the kernel lays signal frames out by the XSAVE
 * size, so replay warns about every difference.  Format:
 * docs/trace-format.md. */
#pragma once

/* Writes <dir>/machine for this machine (temporary name, fsync, rename).
 * A failure only warns: the trace replays without it. */
void machine_write(const char *dir);
/* Compares <dir>/machine with this machine and prints one
 * "rewind: warning: ..." line per difference; returns how many.  A trace
 * without the file (recorded before it existed) gives no warning. */
int machine_check(const char *dir);
