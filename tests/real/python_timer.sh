#!/bin/sh
# A timer signal into a pure-Python loop (no syscalls in the loop; the
# interpreter's registers repeat from one round to the next): the handler
# records the loop's counter at each signal, and the replay must print the
# same counters.  Three recordings of the loop alone and three with a second
# Python thread computing meanwhile.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || fail "$PY is not installed"

cat >"$WORK/timer_loop.py" <<'PY'
import signal, sys, threading
hits = []; x = [0]
def h(s, f): hits.append(x[0])
def other():
    t = 0
    for i in range(200000): t += i
    print("other", t)
signal.signal(signal.SIGALRM, h)
th = threading.Thread(target=other) if sys.argv[1] == "thread" else None
if th: th.start()
signal.setitimer(signal.ITIMER_REAL, 0.01, 0.01)
while len(hits) < 5: x[0] += 1
signal.setitimer(signal.ITIMER_REAL, 0, 0)
if th: th.join()
print(hits[:5])
PY

for kind in alone thread; do
    for i in 1 2 3; do
        record "$kind$i" 0 "$PY" "$WORK/timer_loop.py" "$kind"
        grep -q '^\[[0-9]*, [0-9]*, [0-9]*, [0-9]*, [0-9]*\]$' "$(rec_out "$kind$i")" ||
            { show "$(rec_out "$kind$i")"; fail "$kind$i: the recorded program did not print its counters"; }
        "$REWIND" dump "$WORK/$kind$i/trace" | grep -q 'SIGNAL .*Alarm clock.* in-code' ||
            fail "$kind$i: no timer signal landed in the loop's code"
        replay "$kind$i"
    done
done
echo "6 recordings with timer signals in a Python loop replayed with the same counters"
