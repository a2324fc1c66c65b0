#!/bin/sh
# Delve on a rewind trace, as Go developers use it: `dlv replay TRACE` runs
# `rr replay --dbgport=0` (the rr link beside rewind), reads its launch line
# and speaks the gdb protocol to it: breakpoints, `rewind` (reverse
# continue), checkpoints (rr's qRRCmd in Delve's form), `restart` from one
# and from the start.  Then `dlv debug --backend=rr`, which records with
# `rr record --print-trace-dir=3` first.  Delve refuses to start rr when
# /proc/sys/kernel/perf_event_paranoid is above 1 (rewind does not care):
# the test hides a file saying 1 over it in a private mount namespace.
# What it caught: Delve reads registers only from target.xml's included
# documents ("could not find rip register"), and sends qRRCmd with the
# name hex-encoded and no tid ("Command '636865636b706f696e74' not found").
. "$(dirname "$0")/lib.sh"
need go dlv unshare
BIN=$(dirname "$REWIND")
[ -x "$BIN/rr" ] || fail "no rr link beside $REWIND (make all makes it)"
mkdir -p "$WORK/src"
cat >"$WORK/src/main.go" <<'GO'
package main

import "fmt"

func add(a, b int) int {
	return a + b
}

func main() {
	total := 0
	for i := 0; i < 5; i++ {
		total = add(total, i)
		fmt.Println("step", i, total)
	}
	fmt.Println("total", total)
}
GO
printf 'module dlvtest\n\ngo 1.19\n' >"$WORK/src/go.mod"
export HOME="$WORK" GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" GOFLAGS=-mod=mod
# No SIGURG preemption in the recordings: Delve's restart continues once
# without handling the stop (with rr too), and under load sysmon's SIGURG
# could come before main.add and stop it there (real/go_runtime records
# SIGURG).
export GODEBUG=asyncpreemptoff=1
(cd "$WORK/src" && go build -gcflags='all=-N -l' -o "$WORK/src/prog" .) >"$WORK/build.log" 2>&1 ||
    { show "$WORK/build.log"; fail "cannot build the Go program"; }
record prog 0 "$WORK/src/prog"

cat >"$WORK/cmds" <<'EOF'
break main.add
continue
continue
continue
print b
rewind
print b
rewind
print b
checkpoint here
continue
print b
checkpoints
restart c1
print b
restart
print b
exit
EOF
# dlv ARGS...: Delve with the rr link first in PATH, told perf_event_paranoid
# is 1; its output without colours or source listings in $WORK/dlv.out.
dlv_run() {
    printf '1\n' >"$WORK/paranoid"
    timeout -k 5 "$STEP_TIMEOUT" unshare -m sh -c '
        p=/proc/sys/kernel/perf_event_paranoid
        [ "$(cat $p)" -le 1 ] || mount --bind "$1" $p || exit 99
        shift
        exec "$@"' sh "$WORK/paranoid" env PATH="$BIN:$PATH" dlv "$@" \
        --allow-non-terminal-interactive=true --init "$WORK/cmds" </dev/null >"$WORK/dlv.raw" 2>&1
    d_rc=$?
    [ $d_rc -ne 99 ] || skipped "the recording replays (checked above); Delve refuses rr while perf_event_paranoid is above 1, and no private mount namespace can hide it here"
    sed 's/\x1b\[[0-9;]*m//g' "$WORK/dlv.raw" | grep -v '^ *[0-9][0-9]*:\|^=> ' >"$WORK/dlv.out"
    [ $d_rc -eq 0 ] || { tail -n 20 "$WORK/dlv.out" | sed 's/^/    | /'; fail "dlv $1 exited $d_rc"; }
}
# The values of b printed, in order, and where the checkpoint went.
check_session() {
    got=$(grep -x '[0-9]' "$WORK/dlv.out" | tr '\n' ' ')
    [ "$got" = "2 1 0 1 0 0 " ] || { tail -n 20 "$WORK/dlv.out" | sed 's/^/    | /'; fail "$1: b printed as '$got', expected '2 1 0 1 0 0 '"; }
    grep -q '^Checkpoint c1 created' "$WORK/dlv.out" || { show "$WORK/dlv.out"; fail "$1: no checkpoint"; }
    grep -q '^c1  *[0-9][0-9]*  *here$' "$WORK/dlv.out" || { show "$WORK/dlv.out"; fail "$1: checkpoints not listed"; }
    grep -q 'could not\|not found\|rror' "$WORK/dlv.out" && { show "$WORK/dlv.out"; fail "$1: Delve reported an error"; }
    echo "$1: breakpoints, rewind, a checkpoint and restarts answered as recorded"
}
replay prog
dlv_run replay "$WORK/prog/trace"
check_session "dlv replay"
(cd "$WORK/src" && dlv_run debug --backend=rr)
check_session "dlv debug --backend=rr"
