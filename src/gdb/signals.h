/* Signal numbers in the remote protocol are gdb's own (GDB_SIGNAL_* of
 * gdb's include/gdb/signals.def), not the host's: they agree with Linux
 * for 1-6, 8, 9, 11, 13-15 only. */
#pragma once

/* gdb's number for Linux signal sig (0 for 0; 143, GDB_SIGNAL_UNKNOWN,
 * for a number gdb has no name for, such as SIGSTKFLT). */
int gdb_signal_from_linux(int sig);
/* The Linux signal for gdb's number, or 0 when Linux has none. */
int gdb_signal_to_linux(int gsig);
