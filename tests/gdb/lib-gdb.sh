# Helpers for the gdb tests in tests/real/gdb_*.sh (sourced after lib.sh):
#
#   build_debuggee NAME              tests/gdb/NAME.c -> $WORK/NAME (-g -O0)
#   gdb_native PROG CMDS OUT         gdb runs PROG itself (START -> starti)
#   serve TRACE [OPTIONS]            rewind replay -s 0 in the background;
#                                    sets PORT, SERVE_PID, SERVE_ERR
#   gdb_replay PROG CMDS OUT         gdb connects to $PORT, where the replay
#                                    stands at the first instruction (START)
#   normalize FILE                   drops what differs by nature (pids,
#                                    "Starting program", libthread_db notes),
#                                    and the AVX-512 mask registers k0-k7: on AMD
#                                    CPUs native gdb 13 shows them as 0 (it seems
#                                    to assume Intel's XSAVE offsets); the replay
#                                    shows what the program reads (gdb_answers,
#                                    avx512)
#
# Both gdbs see the same program with the same environment and arguments,
# so stack addresses and registers agree.

need gdb gcc
# ASAN_OPTIONS goes through (the ASan build runs with detect_leaks=0), to
# the native run as well, so both see the same environment.
CLEAN_ENV="env -i PATH=/usr/bin:/bin HOME=$WORK LANG=C${ASAN_OPTIONS:+ ASAN_OPTIONS=$ASAN_OPTIONS}"

build_debuggee() {
    gcc -g -O0 -pthread -o "$WORK/$1" "$ROOT/tests/gdb/$1.c" || fail "cannot compile tests/gdb/$1.c"
}

gdb_native() {
    # START: where the replay stands when gdb connects (the first
    # instruction); RECORD: natively, gdb's own `record full` starts there,
    # for reverse commands (it finds watchpoints backwards in software only).
    # Without debug registers (NATIVE_SOFT=1), native gdb watches in
    # software and hbreak is a plain break: the same stops, the reference
    # for the replay's int3 and byte-compare stand-ins.
    if [ "${NATIVE_SOFT:-0}" = 1 ]; then
        { echo 'set can-use-hw-watchpoints 0'; sed -e 's/^hbreak /break /' "$2"; } >"$WORK/native.in"
    else
        cp "$2" "$WORK/native.in"
    fi
    sed -e 's/^START$/starti/' -e 's/^RECORD$/record full\nset can-use-hw-watchpoints 0/' \
        "$WORK/native.in" >"$WORK/native.gdb"
    (cd "$WORK" && timeout -k 5 120 $CLEAN_ENV gdb -batch -nx -ex 'set startup-with-shell off' \
        -ex 'unset environment LINES' -ex 'unset environment COLUMNS' \
        -x "$WORK/native.gdb" "$1" </dev/null >"$3" 2>&1)
}

serve() {
    s_trace=$1
    shift
    SERVE_ERR=$WORK/serve.err
    : >"$SERVE_ERR"
    timeout -k 5 300 "$REWIND" replay -s 0 "$@" "$s_trace" </dev/null >"$WORK/serve.out" 2>"$SERVE_ERR" &
    SERVE_PID=$!
    PORT=
    for _ in $(seq 100); do
        PORT=$(sed -n "s/.*'target extended-remote 127\.0\.0\.1:\([0-9]*\)'.*/\1/p" "$SERVE_ERR")
        [ -n "$PORT" ] && return 0
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.1
    done
    show "$SERVE_ERR"
    fail "rewind replay -s 0 printed no launch line"
}

gdb_replay() {
    sed -e '/^START$/d' -e '/^RECORD$/d' "$2" >"$WORK/replay.gdb"
    (cd "$WORK" && timeout -k 5 120 $CLEAN_ENV gdb -batch -nx -l 10000 -ex 'set sysroot /' \
        -ex "target extended-remote 127.0.0.1:$PORT" -x "$WORK/replay.gdb" "$1" \
        </dev/null >"$3" 2>&1)
}

normalize() {
    sed -e '/^\[Thread debugging using libthread_db enabled\]$/d' \
        -e '/^Using host libthread_db library/d' \
        -e '/^Starting program: /d' \
        -e '/^Program stopped\.$/d' -e '/^$/d' \
        -e '/^Reading .* from remote target\.\.\.$/d' \
        -e '/^warning: File transfers from remote targets can be slow/d' \
        -e '/^Remote debugging using /d' \
        -e '/ in _start () from \/lib64\/ld-linux-x86-64\.so\.2$/d' \
        -e '/^\[New Thread /d' \
        -e '/^k[0-7]  *0x[0-9a-f]*  *[0-9]*$/d' \
        -e 's/Thread 0x[0-9a-f]* (LWP [0-9]*)/Thread N/g; s/process [0-9]*/process N/g' \
        -e 's/Thread [0-9][0-9.]*/Thread N/g; s/  */ /g; s/Hardware watchpoint/Watchpoint/' \
        -e 's/Hardware assisted breakpoint/Breakpoint/' \
        "$1"
}
