#!/bin/sh
# Runs every test of rewind and prints one line per test, then "N passed, M failed".
#
#   unit/NAME      each build/tests/* binary (built by `make unit`) must exit 0.
#   programs/NAME  tests/programs/NAME.c is compiled, run natively (to check the
#                  program itself), recorded, replayed; the recorder must exit with
#                  the expected status, the replay must exit 0 and print exactly the
#                  recorded stdout and stderr; a second `replay -q` must exit 0 and
#                  print nothing; `dump` and `ps` must work on the trace.  Lines
#                  `// expect-exit: N`, `// args: ...` and `// cflags: ...` in
#                  the file give its exit status, arguments and extra gcc flags.
#   real/NAME      tests/real/NAME.sh, a self-contained script: exit 0 means pass;
#                  exit 77 after a "SKIP: what, why" line means what the machine
#                  allows passed and the rest could not run here (SKIP, not PASS).
#
# Run from anywhere: sh tests/run-all.sh   (`make test` does, after `make all unit`)
# Environment:
#   REWIND        the binary under test (default build/bin/rewind)
#   UNIT_DIR      where the unit test binaries are (default build/tests)
#   TESTS_FILTER  run only the tests whose name (e.g. programs/pipe) contains it
#   TEST_TIMEOUT  seconds allowed for one record or replay (default 60)
#   REAL_TIMEOUT  seconds allowed for one tests/real script (default 300)
#   TESTS_BUDGET  seconds for the whole run (default 3600); tests not started by
#                 then fail as "not run", so a hanging rewind cannot outlast CI
#   KEEP_TMP      if non-empty, keep the temp directory and say where it is

set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)

REWIND=${REWIND:-build/bin/rewind}
case $REWIND in
/*) ;;
*/*) REWIND=$ROOT/$REWIND ;;
*) REWIND=$(command -v "$REWIND" 2>/dev/null || echo "$REWIND") ;;
esac
export REWIND
TEST_TIMEOUT=${TEST_TIMEOUT:-60}
REAL_TIMEOUT=${REAL_TIMEOUT:-300}
TESTS_BUDGET=${TESTS_BUDGET:-3600}
START_TIME=$(date +%s)
FILTER=${TESTS_FILTER:-}
PROGRAMS_OUT=$ROOT/build/programs

TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/rewind-tests.XXXXXX") || {
    echo "run-all.sh: cannot create a temp directory" >&2
    exit 2
}
cleanup() {
    if [ -n "${KEEP_TMP:-}" ]; then
        echo "run-all.sh: temp files kept in $TMP_ROOT" >&2
    else
        rm -rf "$TMP_ROOT"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Traces never go to ~/.local/share/rr; test programs put their files here.
_RR_TRACE_DIR=$TMP_ROOT/traces
TMPDIR=$TMP_ROOT/tmp
mkdir -p "$_RR_TRACE_DIR" "$TMPDIR" || exit 2
export _RR_TRACE_DIR TMPDIR

PASSED=0
FAILED=0
SKIPPED=0

pass() {
    PASSED=$((PASSED + 1))
    echo "PASS $1"
}

# fail NAME REASON [DETAIL-FILE]: the detail (at most 20 lines) is indented.
fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL $1: $2"
    if [ $# -ge 3 ] && [ -s "$3" ]; then
        head -n 20 "$3" | sed 's/^/    | /'
    fi
}

# selected NAME: whether to run NAME (TESTS_FILTER); a test selected after
# the time budget is used up fails as not run.
selected() {
    if [ -n "$FILTER" ]; then
        case $1 in
        *"$FILTER"*) ;;
        *) return 1 ;;
        esac
    fi
    if [ $(($(date +%s) - START_TIME)) -ge "$TESTS_BUDGET" ]; then
        fail "$1" "not run: the suite's time budget of $TESTS_BUDGET s is used up"
        return 1
    fi
    return 0
}

# run_timed SECONDS OUT ERR CMD...: runs CMD with no input, stdout to OUT and
# stderr to ERR ("=" for OUT); its exit status, 124 if it timed out.  The two
# subshells keep the shell's own "Aborted"/"Segmentation fault" notices (dash
# writes them into the command's stderr file) out of ERR and off the terminal.
run_timed() {
    t=$1 o=$2 e=$3
    shift 3
    if [ "$e" = "=" ]; then
        ( (exec timeout -k 10 "$t" "$@" </dev/null >"$o" 2>&1); exit $?) 2>/dev/null
    else
        ( (exec timeout -k 10 "$t" "$@" </dev/null >"$o" 2>"$e"); exit $?) 2>/dev/null
    fi
}

# Explains an exit status: "exit 3", "timed out after 60 s", "killed by signal 9".
describe_status() {
    if [ "$1" -eq 124 ]; then
        echo "timed out after $2 s"
    elif [ "$1" -gt 128 ] && [ "$1" -lt 160 ]; then
        echo "exit $1 (128 + signal $(($1 - 128)))"
    else
        echo "exit $1"
    fi
}

line_count() {
    wc -l <"$1" | tr -d ' '
}

# --- unit tests ------------------------------------------------------------
UNIT_DIR=${UNIT_DIR:-build/tests}
if [ -d "$UNIT_DIR" ]; then
    for bin in "$UNIT_DIR"/*; do
        [ -f "$bin" ] && [ -x "$bin" ] || continue
        name=unit/$(basename "$bin")
        selected "$name" || continue
        log=$TMP_ROOT/unit-$(basename "$bin").log
        run_timed "$TEST_TIMEOUT" "$log" = "$bin"
        rc=$?
        if [ "$rc" -eq 0 ]; then
            pass "$name"
        else
            tail -n 20 "$log" >"$log.tail"
            fail "$name" "$(describe_status "$rc" "$TEST_TIMEOUT")" "$log.tail"
        fi
    done
fi

# --- recorded test programs -------------------------------------------------
REWIND_OK=1
if [ ! -f "$REWIND" ] || [ ! -x "$REWIND" ]; then
    REWIND_OK=0
    echo "run-all.sh: ERROR: the rewind binary '$REWIND' is missing or not executable" \
        "(build it with 'make all'); every record/replay test fails" >&2
fi

CFLAGS_PROGRAMS="-O1 -g -Wall -pthread"
[ "${CI:-}" = true ] && CFLAGS_PROGRAMS="$CFLAGS_PROGRAMS -Werror"

# Variables argv_env.c prints (a recorder may add variables of its own).
REWIND_TEST_ENV_A="first value"
REWIND_TEST_ENV_B="second=value"
export REWIND_TEST_ENV_A REWIND_TEST_ENV_B

# program_test NAME: compile, run natively, record, replay, compare, dump, ps.
program_test() {
    prog=$1
    name=programs/$prog
    src=tests/programs/$prog.c
    bin=$PROGRAMS_OUT/$prog
    dir=$TMP_ROOT/programs/$prog
    rm -rf "$dir"
    mkdir -p "$dir"

    cflags=$(sed -n 's|^// cflags: *||p' "$src" | head -n 1)
    # shellcheck disable=SC2086
    if ! gcc $CFLAGS_PROGRAMS $cflags -o "$bin" "$src" -lutil >"$dir/cc.log" 2>&1; then
        fail "$name" "does not compile" "$dir/cc.log"
        return
    fi
    if [ -s "$dir/cc.log" ]; then
        fail "$name" "compiler warnings" "$dir/cc.log"
        return
    fi

    expect=$(sed -n 's|^// expect-exit: *\([0-9][0-9]*\).*|\1|p' "$src" | head -n 1)
    expect=${expect:-0}
    args=$(sed -n 's|^// args: *||p' "$src" | head -n 1)
    set -f
    # shellcheck disable=SC2086
    set -- $args
    set +f

    # The program alone must behave as its file says, or the test is broken.
    run_timed 20 "$dir/native.out" "$dir/native.err" "$bin" "$@"
    rc=$?
    if [ "$rc" -ne "$expect" ]; then
        tail -n 20 "$dir/native.err" >"$dir/native.tail"
        fail "$name" "the program run natively: $(describe_status "$rc" 20), expected exit $expect (broken test program)" "$dir/native.tail"
        return
    fi

    if [ "$REWIND_OK" -eq 0 ]; then
        fail "$name" "rewind binary $REWIND not found"
        return
    fi

    trace=$dir/trace
    run_timed "$TEST_TIMEOUT" "$dir/rec.out" "$dir/rec.err" \
        "$REWIND" record -o "$trace" "$bin" "$@"
    rc=$?
    if [ "$rc" -ne "$expect" ]; then
        tail -n 20 "$dir/rec.err" >"$dir/rec.tail"
        fail "$name" "record: $(describe_status "$rc" "$TEST_TIMEOUT"), expected exit $expect; its stderr ends:" "$dir/rec.tail"
        return
    fi
    if [ ! -d "$trace" ]; then
        fail "$name" "record exited $rc but made no trace directory $trace"
        return
    fi
    # The structure of every program's output is deterministic: same line counts.
    for s in out err; do
        n=$(line_count "$dir/native.$s")
        r=$(line_count "$dir/rec.$s")
        if [ "$n" -ne "$r" ]; then
            diff -u "$dir/native.$s" "$dir/rec.$s" >"$dir/nat-rec.diff"
            fail "$name" "recorded std$s has $r lines, the native run $n (recording changed the behaviour)" "$dir/nat-rec.diff"
            return
        fi
    done

    run_timed "$TEST_TIMEOUT" "$dir/rep.out" "$dir/rep.err" \
        "$REWIND" replay -a "$trace"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        { grep '^rewind: ' "$dir/rep.err" | head -n 5
          diff -u "$dir/rec.err" "$dir/rep.err" | head -n 15; } >"$dir/rep.why"
        fail "$name" "replay: $(describe_status "$rc" "$TEST_TIMEOUT")" "$dir/rep.why"
        return
    fi
    for s in out err; do
        if ! cmp -s "$dir/rec.$s" "$dir/rep.$s"; then
            diff -u "$dir/rec.$s" "$dir/rep.$s" >"$dir/rec-rep.diff"
            fail "$name" "replay std$s differs from the recording" "$dir/rec-rep.diff"
            return
        fi
    done

    # A second replay, silenced: reaches the end again and prints nothing.
    run_timed "$TEST_TIMEOUT" "$dir/repq.out" "$dir/repq.err" \
        "$REWIND" replay -q -a "$trace"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        fail "$name" "replay -q (a second replay): $(describe_status "$rc" "$TEST_TIMEOUT")" "$dir/repq.err"
        return
    fi
    if [ -s "$dir/repq.out" ] || [ -s "$dir/repq.err" ]; then
        cat "$dir/repq.out" "$dir/repq.err" >"$dir/repq.all"
        fail "$name" "replay -q printed output" "$dir/repq.all"
        return
    fi

    for cmd in dump ps; do
        run_timed "$TEST_TIMEOUT" "$dir/$cmd.out" "$dir/$cmd.err" "$REWIND" "$cmd" "$trace"
        rc=$?
        if [ "$rc" -ne 0 ]; then
            fail "$name" "rewind $cmd: $(describe_status "$rc" "$TEST_TIMEOUT")" "$dir/$cmd.err"
            return
        fi
        if [ ! -s "$dir/$cmd.out" ]; then
            fail "$name" "rewind $cmd printed nothing" "$dir/$cmd.err"
            return
        fi
    done
    pass "$name"
}

mkdir -p "$PROGRAMS_OUT" || exit 2
for src in tests/programs/*.c; do
    [ -f "$src" ] || continue
    prog=$(basename "$src" .c)
    selected "programs/$prog" || continue
    program_test "$prog"
done

# --- real programs -----------------------------------------------------------
for script in tests/real/*.sh; do
    [ -f "$script" ] || continue
    base=$(basename "$script" .sh)
    [ "$base" = lib ] && continue
    name=real/$base
    selected "$name" || continue
    if [ "$REWIND_OK" -eq 0 ]; then
        fail "$name" "rewind binary $REWIND not found"
        continue
    fi
    log=$TMP_ROOT/real-$base.log
    run_timed "$REAL_TIMEOUT" "$log" = sh "$script"
    rc=$?
    if [ "$rc" -eq 0 ]; then
        pass "$name"
    elif [ "$rc" -eq 77 ] && grep -q '^SKIP: ' "$log"; then
        # The parts the machine allows passed; the rest could not run here.
        SKIPPED=$((SKIPPED + 1))
        echo "SKIP $name: $(sed -n 's/^SKIP: //p' "$log" | tail -n 1)"
    else
        tail -n 20 "$log" >"$log.tail"
        fail "$name" "$(describe_status "$rc" "$REAL_TIMEOUT")" "$log.tail"
    fi
done

if [ $((PASSED + FAILED + SKIPPED)) -eq 0 ]; then
    echo "run-all.sh: no test ran${FILTER:+ (TESTS_FILTER=$FILTER matched nothing)}" >&2
    echo "0 passed, 0 failed"
    exit 1
fi
if [ "$SKIPPED" -gt 0 ]; then
    echo "$PASSED passed, $FAILED failed, $SKIPPED partly skipped (see the SKIP lines)"
else
    echo "$PASSED passed, $FAILED failed"
fi
[ "$FAILED" -eq 0 ]
