#!/bin/sh
# Real program: python3 printing random numbers, the time, urandom bytes and a randomized hash.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || fail "$PY is not installed"

record python 0 "$PY" -c '
import os, random, sys, time
print("random", random.random(), random.randint(1, 10**9))
print("time", time.time())
print("monotonic", time.monotonic())
print("urandom", os.urandom(8).hex())
print("pid", os.getpid())
print("hash", hash("rewind"))
print("stderr: done", file=sys.stderr)
'
out=$(rec_out python)
grep -q '^random 0\.' "$out" || { show "$out"; fail "the recorded python did not print its random number"; }
[ "$(wc -l <"$out")" -eq 6 ] || { show "$out"; fail "the recorded python printed $(wc -l <"$out") lines, expected 6"; }
grep -q '^stderr: done$' "$(rec_err python)" || fail "the recorded python lost its stderr"
replay python
