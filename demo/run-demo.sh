#!/bin/sh
# demo/run-demo.sh — `make demo`: record a flaky program once, replay it twice,
# and show that the replays print exactly what the recording printed.
#
# demo/flaky.c reads random numbers, the clock and pids, forks a child that
# answers through a pipe, and fails about one run in eight.  Run natively,
# its output changes every time; replayed, it never does.
#
# Ends with "demo: replay matches the recording (N lines, exit status S)",
# or exits non-zero saying what differed.  Everything goes into a temporary
# directory (also $_RR_TRACE_DIR), removed at the end.
set -u

cd "$(dirname "$0")/.." || exit 2
REWIND=${REWIND:-build/bin/rewind}
FLAKY=build/demo/flaky

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'demo: FAILED: %s\n' "$*" >&2; exit 1; }
# show FILE: prints a captured output, indented, or says it was empty.
show() {
	if [ -s "$1" ]; then sed 's/^/    /' "$1"; else say "    (nothing)"; fi
}
# program_stderr FILE: the program's own stderr lines, without rewind's
# messages (which the program did not print).
program_stderr() { grep -v '^rewind: ' "$1" || true; }

[ -x "$REWIND" ] || fail "$REWIND is missing; run 'make all' (or 'make demo')"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rewind-demo.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
_RR_TRACE_DIR=$tmp
export _RR_TRACE_DIR

step "Compiling demo/flaky.c into $FLAKY"
mkdir -p build/demo
${CC:-cc} -O1 -g -Wall -o "$FLAKY" demo/flaky.c || fail "cannot compile demo/flaky.c"

# ---------------------------------------------------------------- native
for i in 1 2; do
	step "Native run $i: $FLAKY"
	"$FLAKY" >"$tmp/native$i.out" 2>"$tmp/native$i.err"
	status=$?
	cat "$tmp/native$i.err" >>"$tmp/native$i.out"
	show "$tmp/native$i.out"
	say "    (exit status $status)"
done
if cmp -s "$tmp/native1.out" "$tmp/native2.out"; then
	say "The two native runs printed the same (unusual, but possible)."
else
	say "The two native runs printed different things: pids, times, random data."
fi

# ---------------------------------------------------------------- record
step "Recording: $REWIND record -o \$tmp/trace $FLAKY"
"$REWIND" record -o "$tmp/trace" "$FLAKY" >"$tmp/record.out" 2>"$tmp/record.err"
rec_status=$?
show "$tmp/record.out"
say "    stderr:"
show "$tmp/record.err"
say "    (exit status $rec_status)"
# record exits with the program's status, so 1 can be the program's rare
# failure.  What flaky printed last says which status it chose.
if grep -q '^flaky: FAILURE' "$tmp/record.err"; then
	prog_status=1
elif grep -q '^flaky: ok' "$tmp/record.out"; then
	prog_status=0
else
	prog_status=none
fi
[ -d "$tmp/trace" ] || fail "rewind record made no trace (exit status $rec_status)"
if [ "$prog_status" != "$rec_status" ]; then
	fail "rewind record failed (exit status $rec_status): $(grep '^rewind: ' "$tmp/record.err" | head -n 1)"
fi
program_stderr "$tmp/record.err" >"$tmp/record.prog-err"

# ---------------------------------------------------------------- replay
for i in 1 2; do
	step "Replay $i: $REWIND replay -a \$tmp/trace"
	"$REWIND" replay -a "$tmp/trace" >"$tmp/replay$i.out" 2>"$tmp/replay$i.err"
	status=$?
	show "$tmp/replay$i.out"
	say "    stderr:"
	show "$tmp/replay$i.err"
	if [ "$status" -ne 0 ]; then
		fail "replay $i exited with status $status: $(grep '^rewind: ' "$tmp/replay$i.err" | head -n 1)"
	fi
	if ! cmp -s "$tmp/record.out" "$tmp/replay$i.out"; then
		say "stdout of the recording (<) and of replay $i (>) differ:"
		diff "$tmp/record.out" "$tmp/replay$i.out" | sed 's/^/    /'
		fail "replay $i printed something else on stdout than the recording"
	fi
	program_stderr "$tmp/replay$i.err" >"$tmp/replay$i.prog-err"
	if ! cmp -s "$tmp/record.prog-err" "$tmp/replay$i.prog-err"; then
		say "stderr of the recording (<) and of replay $i (>) differ:"
		diff "$tmp/record.prog-err" "$tmp/replay$i.prog-err" | sed 's/^/    /'
		fail "replay $i printed something else on stderr than the recording"
	fi
	say "Replay $i printed byte for byte what the recording printed."
done

# ---------------------------------------------------------------- inspect
step "$REWIND ps \$tmp/trace"
"$REWIND" ps "$tmp/trace" 2>&1 | sed 's/^/    /'
step "$REWIND dump \$tmp/trace (its first 15 events other than cpuid)"
"$REWIND" dump "$tmp/trace" >"$tmp/dump" 2>&1
grep -v ' CPUID ' "$tmp/dump" | head -n 15 | sed 's/^/    /'
say "    ... and $(grep -c ' CPUID ' "$tmp/dump") cpuid instructions (glibc's start asks the CPU what it has)"

lines=$(cat "$tmp/record.out" "$tmp/record.prog-err" | wc -l | tr -d ' ')
say ""
say "demo: replay matches the recording ($lines lines, exit status $rec_status)"
