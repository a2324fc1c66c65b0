# Helpers for the tests/real/*.sh scripts (sourced, not a test itself):
# record a real program, replay it, and require byte-identical output.
#
#   . "$(dirname "$0")/lib.sh"
#   record NAME EXPECTED-STATUS COMMAND ARGS...   # trace + output under $WORK/NAME
#   replay NAME [TRACE]                           # exit 0 and same stdout/stderr
#                                                 # (TRACE: the trace moved elsewhere)
#   replay_run N                                  # $WORK/tN replays with recN.out's stdout
#   fail "why"                                    # prints FAIL: why, exits 1
#   debug_registers                               # whether they work here
#   skipped "what, why"                           # prints SKIP: ..., exits 77
#
# A script exits 0 when it passes; on failure it says why on stdout.
# Environment: REWIND (default build/bin/rewind), REAL_STEP_TIMEOUT (seconds
# for one record or replay, default 120); KEEP_WORK=1 keeps $WORK (the traces
# and outputs) for a look afterwards.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REWIND=${REWIND:-build/bin/rewind}
case $REWIND in
/*) ;;
*/*) REWIND=$ROOT/$REWIND ;;
*) REWIND=$(command -v "$REWIND" 2>/dev/null || echo "$REWIND") ;;
esac
STEP_TIMEOUT=${REAL_STEP_TIMEOUT:-120}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rewind-real.XXXXXX") || exit 2
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Traces never go to ~/.local/share/rr, even when a script runs on its own.
_RR_TRACE_DIR=${_RR_TRACE_DIR:-$WORK/traces}
export _RR_TRACE_DIR

fail() {
    echo "FAIL: $*"
    exit 1
}

# After the parts that ran passed: says what did not run here and why;
# run-all.sh counts the test as skipped, not passed.
skipped() {
    echo "SKIP: $*"
    exit 77
}

# Whether perf execution breakpoints count on this machine (gdb's hbreak
# and watch need them, natively and on a replay).
debug_registers() {
    cc -O1 -o "$WORK/debug_registers" "$ROOT/tests/tools/debug_registers.c" 2>/dev/null &&
        "$WORK/debug_registers"
}

# show FILE: its first 20 lines, indented.
show() {
    [ -s "$1" ] && head -n 20 "$1" | sed 's/^/    | /'
    return 0
}

# wait_pid FILE: the pid a recorded program wrote into FILE, once it has
# (status 1 after 10 s).
wait_pid() {
    w_tries=0
    until [ -s "$1" ]; do
        w_tries=$((w_tries + 1))
        [ $w_tries -lt 100 ] || return 1
        sleep 0.1
    done
    cat "$1"
}

# replay_run N: replays $WORK/tN, which must exit 0 and print on stdout
# what the recording printed in $WORK/recN.out (for scripts that record
# in the background, beside a sender of signals).
replay_run() {
    timeout -s KILL "$STEP_TIMEOUT" "$REWIND" replay -a "$WORK/t$1" >"$WORK/rep$1.out" 2>"$WORK/rep$1.err" ||
        { show "$WORK/rep$1.err"; fail "run $1: the trace does not replay"; }
    cmp -s "$WORK/rec$1.out" "$WORK/rep$1.out" ||
        { show "$WORK/rep$1.out"; fail "run $1: replay output differs"; }
}

need() {
    for prog in "$@"; do
        command -v "$prog" >/dev/null 2>&1 || fail "$prog is not installed (tools/install-deps.sh installs it)"
    done
}

[ -f "$REWIND" ] && [ -x "$REWIND" ] || fail "the rewind binary $REWIND is missing (run make all)"

record() {
    r_name=$1
    r_expect=$2
    shift 2
    r_dir=$WORK/$r_name
    mkdir -p "$r_dir"
    # (Two subshells: no "Segmentation fault" notice from the shell in rec.err.)
    ( (exec timeout -k 10 "$STEP_TIMEOUT" "$REWIND" record -o "$r_dir/trace" "$@" \
        </dev/null >"$r_dir/rec.out" 2>"$r_dir/rec.err"); exit $?) 2>/dev/null
    r_rc=$?
    if [ "$r_rc" -ne "$r_expect" ]; then
        show "$r_dir/rec.err"
        [ "$r_rc" -eq 124 ] && fail "record of $r_name timed out after $STEP_TIMEOUT s"
        fail "record of $r_name exited $r_rc, expected $r_expect"
    fi
    [ -d "$r_dir/trace" ] || fail "record of $r_name made no trace directory"
    echo "recorded $r_name: $(wc -l <"$r_dir/rec.out") stdout lines, $(wc -l <"$r_dir/rec.err") stderr lines"
}

replay() {
    r_name=$1
    r_dir=$WORK/$r_name
    r_trace=${2:-$r_dir/trace}
    ( (exec timeout -k 10 "$STEP_TIMEOUT" "$REWIND" replay -a "$r_trace" \
        </dev/null >"$r_dir/rep.out" 2>"$r_dir/rep.err"); exit $?) 2>/dev/null
    r_rc=$?
    if [ "$r_rc" -ne 0 ]; then
        grep '^rewind: ' "$r_dir/rep.err" | head -n 5 | sed 's/^/    | /'
        [ "$r_rc" -eq 124 ] && fail "replay of $r_name timed out after $STEP_TIMEOUT s"
        fail "replay of $r_name exited $r_rc"
    fi
    for r_s in out err; do
        if ! cmp -s "$r_dir/rec.$r_s" "$r_dir/rep.$r_s"; then
            diff -u "$r_dir/rec.$r_s" "$r_dir/rep.$r_s" >"$r_dir/diff"
            show "$r_dir/diff"
            fail "replay of $r_name: std$r_s differs from the recording"
        fi
    done
    echo "replayed $r_name: identical output"
}

# change_mapped_copy NAME FILE CONTENT: replaces the saved copy of FILE (a
# file the program mapped) in the trace of NAME with CONTENT, which replay
# maps instead: a way to make a replay go another way.
change_mapped_copy() {
    c_copy=$(ls "$WORK/$1/trace"/mmap-*-"$2" 2>/dev/null)
    [ -f "$c_copy" ] || fail "the trace of $1 holds no copy of $2"
    [ "$(stat -c %h "$c_copy")" = 1 ] || fail "the trace's copy of $2 is a link to the file itself"
    printf '%s' "$3" >"$c_copy"
}

# replay_diverges NAME PATTERN: the replay of NAME's trace must stop within
# STEP_TIMEOUT with a non-zero exit and one "rewind: " line matching
# PATTERN (grep).  Its output: $WORK/NAME/div.out and div.err.
replay_diverges() {
    d_dir=$WORK/$1
    timeout "$STEP_TIMEOUT" "$REWIND" replay -a "$d_dir/trace" >"$d_dir/div.out" 2>"$d_dir/div.err"
    d_rc=$?
    [ "$d_rc" -ne 0 ] || fail "the replay of $1 exited 0"
    [ "$d_rc" -lt 124 ] || fail "the replay of $1 did not end (exit $d_rc)"
    grep -q "$2" "$d_dir/div.err" || { show "$d_dir/div.err"; fail "the replay of $1 did not say: $2"; }
    [ "$(grep -c '^rewind: ' "$d_dir/div.err")" = 1 ] || fail "more than one error line"
}

# rec_out NAME / rec_err NAME: paths of what the recording printed.
rec_out() { echo "$WORK/$1/rec.out"; }
rec_err() { echo "$WORK/$1/rec.err"; }
