#!/bin/sh
# The command line for debugging a replay with gdb (not the debugging
# itself): `rewind replay`'s options, each bad value one "rewind:" line and
# exit 1; `rewind help replay` naming every option; global -M before the
# command; `rewind gdbinit` loading into gdb with rr's commands, and those
# commands sending rr's qRRCmd packets (checked against a fake gdb server
# that answers as rr's does).
. "$(dirname "$0")/lib.sh"
need gdb python3

# one_line_error NAME CMD...: exit 1 with exactly one line, a "rewind: " one.
one_line_error() {
    n=$1
    shift
    timeout 60 "$@" >"$WORK/$n.out" 2>"$WORK/$n.err" </dev/null
    rc=$?
    [ "$rc" -eq 1 ] || { show "$WORK/$n.err"; fail "$n: exit $rc, expected 1"; }
    [ ! -s "$WORK/$n.out" ] || { show "$WORK/$n.out"; fail "$n: printed on stdout"; }
    lines=$(wc -l <"$WORK/$n.err")
    [ "$lines" -eq 1 ] && grep -q '^rewind: ' "$WORK/$n.err" ||
        { show "$WORK/$n.err"; fail "$n: expected one 'rewind:' line, got $lines lines"; }
}

record t 0 sh -c 'echo out; echo err >&2'
trace=$WORK/t/trace

# 1. Bad options and values.
one_line_error port-text "$REWIND" replay -s abc "$trace"
grep -q "port number from 0 to 65535, got 'abc'" "$WORK/port-text.err" || fail "bad port message"
one_line_error port-big "$REWIND" replay --dbgport=70000 "$trace"
one_line_error port-negative "$REWIND" replay -s -1 "$trace"
one_line_error port-missing "$REWIND" replay "$trace" -s
one_line_error event-text "$REWIND" replay -g ten "$trace"
grep -q "event number from 1 to 4294967295, got 'ten'" "$WORK/event-text.err" || fail "bad event message"
one_line_error event-zero "$REWIND" replay --goto=0 "$trace"
one_line_error onfork-text "$REWIND" replay -f x "$trace"
one_line_error onprocess-big "$REWIND" replay -p 99999999999 "$trace"
one_line_error onprocess-missing "$REWIND" replay -a -p no-such-command "$trace"
one_line_error onprocess-pid "$REWIND" replay -a -p 4194305 "$trace"
one_line_error unknown-long "$REWIND" replay --bogus "$trace"
grep -q "unknown option '--bogus'" "$WORK/unknown-long.err" || fail "unknown option message"
one_line_error unknown-short "$REWIND" replay -z "$trace"
one_line_error ambiguous "$REWIND" replay --d gdb "$trace"
one_line_error flag-value "$REWIND" replay --autopilot=yes "$trace"
one_line_error keep-without-port "$REWIND" replay -k "$trace"
one_line_error exit-and-goto "$REWIND" replay -e -g 5 "$trace"
one_line_error lldb "$REWIND" replay -d lldb "$trace"
one_line_error rr-trace-option "$REWIND" replay -t 5 "$trace"
one_line_error two-traces "$REWIND" replay -a "$trace" "$trace"
one_line_error unknown-global "$REWIND" -Q replay -a "$trace"
one_line_error unsupported-global "$REWIND" -C on-syscalls replay -a "$trace"
one_line_error gdbinit-arg "$REWIND" gdbinit extra
echo "bad options: one line each, exit 1"

# 2. The help names every option, and -h is --dbghost, not help.
"$REWIND" help replay >"$WORK/help" 2>&1 || fail "rewind help replay failed"
"$REWIND" replay --help >"$WORK/help2" 2>&1 || fail "rewind replay --help failed"
cmp -s "$WORK/help" "$WORK/help2" || fail "help replay and replay --help differ"
for o in "-a, --autopilot" "-q, --no-redirect-output" "-s, --dbgport=PORT" "-h, --dbghost=HOST" \
    "-k, --keep-listening" "-g, --goto=EVENT" "-e, --goto-exit" "-p, --onprocess=PID|COMMAND" \
    "-f, --onfork=PID" "-d, --debugger=FILE" "-x, --gdb-x=FILE" "-o, --debugger-option=OPTION" \
    "--fullname" "-i, --interpreter=X" "-u, --cpu-unbound" "--checkpoint-memory=MIB" \
    "--checkpoint-interval=EVENTS" "--help" \
    "-M/--mark-stdio" '"--"'; do
    grep -qF -- "$o" "$WORK/help" || { show "$WORK/help"; fail "rewind help replay does not list $o"; }
done
one_line_error h-needs-host "$REWIND" replay -h
one_line_error checkpoint-memory-number "$REWIND" replay --checkpoint-memory=lots -a "$trace"
one_line_error checkpoint-interval-zero "$REWIND" replay --checkpoint-interval=0 -a "$trace"
echo "help: every option listed"

# 3. Global options before the command; -M, -p COMMAND and -u accepted.
for args in "-M replay -a" "--mark-stdio replay -a" "replay -M -a" "-S -M replay -u -a" \
    "replay -a -p sh" "replay -aq -f 1"; do
    # (-f 1 is not a pid of the trace: that one must fail.)
    case $args in
    *"-f 1") expect=1 ;;
    *) expect=0 ;;
    esac
    # shellcheck disable=SC2086
    timeout 60 "$REWIND" $args "$trace" >"$WORK/g.out" 2>"$WORK/g.err" </dev/null
    rc=$?
    [ "$rc" -eq "$expect" ] || { show "$WORK/g.err"; fail "rewind $args: exit $rc, expected $expect"; }
done
"$REWIND" ps "$trace" >"$WORK/ps" || fail "rewind ps failed"
pid=$(awk 'NR == 2 { print $1 }' "$WORK/ps")
timeout 60 "$REWIND" replay -a -q -p "$pid" "$trace" </dev/null || fail "replay -p $pid (the recorded pid) failed"
"$REWIND" -N | grep -q "^rewind version" || fail "-N does not print the version"
"$REWIND" -L | grep -qx gdbinit || fail "-L does not list gdbinit"
echo "global options: accepted"

# 4. rewind gdbinit is a gdb script defining rr's commands, without errors.
"$REWIND" gdbinit >"$WORK/init.gdb" || fail "rewind gdbinit failed"
rr_link=$(dirname "$REWIND")/rr
if [ -x "$rr_link" ]; then
    "$rr_link" gdbinit | cmp -s - "$WORK/init.gdb" || fail "rr gdbinit (the rr link) differs"
fi
set -- -batch -nx -x "$WORK/init.gdb"
for c in when when-ticks when-tid elapsed-time checkpoint restart "delete checkpoint" \
    "info checkpoints" "info recording" back forward seek-ticks rr-history-push; do
    set -- "$@" -ex "help $c"
done
timeout 60 gdb "$@" -ex 'show prompt' -ex 'info signals SIGURG' >"$WORK/gdb.out" 2>"$WORK/gdb.err" </dev/null ||
    { show "$WORK/gdb.err"; fail "gdb -x (rewind gdbinit) failed"; }
[ ! -s "$WORK/gdb.err" ] || { show "$WORK/gdb.err"; fail "gdb complained about rewind gdbinit"; }
grep -q "last completely replayed rr event" "$WORK/gdb.out" || { show "$WORK/gdb.out"; fail "help when: not rewind's"; }
grep -q "checkpoint N" "$WORK/gdb.out" || fail "help restart: not rewind's"
grep -q 'prompt is "(rr) "' "$WORK/gdb.out" || fail "the prompt is not (rr)"
grep -q '^SIGURG *Yes' "$WORK/gdb.out" || fail "SIGURG does not stop"
echo "gdbinit: loads into gdb"

# 5. The commands' packets, against a fake server answering as rr's does:
# qRRCmd:NAME:TID[:HEX-ARG]..., reply = hex of the text to print.
cat >"$WORK/stub.py" <<'PY'
import socket, sys
log = open(sys.argv[1], 'w')
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(1)
srv.settimeout(60)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
conn.settimeout(60)

def reply(p):
    if p.startswith('qSupported'): return 'PacketSize=4000;multiprocess+'
    if p == '?' or p in ('c', 's') or p.startswith('vCont;'): return 'T05thread:p2a.2b;'
    if p == 'qfThreadInfo': return 'mp2a.2b'
    if p == 'qsThreadInfo': return 'l'
    if p == 'qC': return 'QCp2a.2b'
    if p == 'qAttached': return '1'
    if p[0] == 'H' or p.startswith('vKill'): return 'OK'
    if p == 'g': return '00' * 312
    if p[0] in 'mp': return 'E01'
    if p.startswith('vRun'):
        log.write(p + '\n'); log.flush()
        return 'T05thread:p2a.2b;'
    if p.startswith('qRRCmd:'):
        log.write(p + '\n'); log.flush()
        f = p.split(':')
        if f[1] == 'rr-history-push': return ''
        if f[1] == 'elapsed-time': return '0a'
        args = [bytes.fromhex(a).decode() for a in f[3:]]
        return ('%s from %s: %s\n' % (f[1], f[2], '|'.join(args))).encode().hex()
    return ''

buf = b''
while True:
    try:
        d = conn.recv(4096)
    except socket.timeout:
        break
    if not d:
        break
    buf += d
    while True:
        s = buf.find(b'$')
        if s < 0:
            buf = b''
            break
        e = buf.find(b'#', s)
        if e < 0 or len(buf) < e + 3:
            buf = buf[s:]
            break
        p = buf[s + 1:e].decode()
        buf = buf[e + 3:]
        data = reply(p).encode()
        conn.sendall(b'+$' + data + b'#' + ('%02x' % (sum(data) & 0xff)).encode())
PY
timeout 90 python3 "$WORK/stub.py" "$WORK/packets" >"$WORK/port" &
stub=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -s "$WORK/port" ] && break
    sleep 0.3
done
port=$(cat "$WORK/port")
[ -n "$port" ] || fail "the fake gdb server did not start"
timeout 60 gdb -batch -nx -ex 'set architecture i386' -x "$WORK/init.gdb" \
    -ex "target extended-remote 127.0.0.1:$port" -ex when -ex elapsed-time \
    -ex 'when-tid "a:b c" d' -ex 'delete checkpoint 3' -ex 'restart 3' -ex 'seek-ticks 77' \
    -ex 'jump 5' >"$WORK/rrcmd.out" 2>"$WORK/rrcmd.err" </dev/null
wait "$stub"
cat >"$WORK/packets.want" <<'EOF'
qRRCmd:rr-history-push:43
qRRCmd:when:43
qRRCmd:elapsed-time:43
qRRCmd:when-tid:43:613a622063:64
qRRCmd:delete checkpoint:43:33
vRun;;6333
qRRCmd:rr-history-push:43
vRun;;743737
qRRCmd:rr-history-push:43
EOF
diff -u "$WORK/packets.want" "$WORK/packets" >"$WORK/packets.diff" ||
    { show "$WORK/packets.diff"; show "$WORK/rrcmd.err"; fail "the packets sent are not rr's"; }
grep -q '^when from 43: $' "$WORK/rrcmd.out" || { show "$WORK/rrcmd.out"; fail "the reply to when was not printed"; }
grep -q '^when-tid from 43: a:b c|d$' "$WORK/rrcmd.out" || fail "the arguments did not arrive"
grep -q "^delete checkpoint from 43: 3$" "$WORK/rrcmd.out" || fail "delete checkpoint was not sent as such"
grep -q "Execution of 'jump' is not possible" "$WORK/rrcmd.err" || fail "jump is not refused"
if grep -q 'Response error\|Traceback' "$WORK/rrcmd.out" "$WORK/rrcmd.err"; then
    show "$WORK/rrcmd.err"
    fail "the script failed on a reply"
fi
echo "qRRCmd packets: rr's format"
exit 0
