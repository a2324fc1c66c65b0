#!/bin/sh
# Real program: python3 with 4 threads appending random numbers and time.time() to a list under a Lock.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || fail "$PY is not installed"

record python_threads 0 "$PY" -c '
import random, sys, threading, time
results = []
lock = threading.Lock()
def work(n):
    for i in range(50):
        with lock:
            results.append((n, i, random.random(), time.time()))
        if i % 10 == 0:
            time.sleep(0.001)
threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("entries", len(results))
for n in range(4):
    mine = [r for r in results if r[0] == n]
    print("thread", n, "entries", len(mine), "in order", [r[1] for r in mine] == list(range(50)))
print("order", "".join(str(r[0]) for r in results))
for r in results[:5] + results[-5:]:
    print("entry", r[0], r[1], repr(r[2]), repr(r[3]))
print("sum", repr(sum(r[2] for r in results)))
print("stderr: done", file=sys.stderr)
'
out=$(rec_out python_threads)
grep -qx 'entries 200' "$out" || { show "$out"; fail "the recorded python did not collect 200 entries"; }
[ "$(grep -c '^thread [0-3] entries 50 in order True$' "$out")" -eq 4 ] || { show "$out"; fail "a recorded thread lost entries"; }
[ "$(wc -l <"$out")" -eq 17 ] || { show "$out"; fail "the recorded python printed $(wc -l <"$out") lines, expected 17"; }
grep -q '^stderr: done$' "$(rec_err python_threads)" || fail "the recorded python lost its stderr"
replay python_threads
# A second replay of the same trace prints the same again.
mv "$WORK/python_threads/rep.out" "$WORK/python_threads/rep1.out"
replay python_threads
cmp -s "$WORK/python_threads/rep.out" "$WORK/python_threads/rep1.out" || fail "two replays of one trace differ"
