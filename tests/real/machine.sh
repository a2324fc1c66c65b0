#!/bin/sh
# The trace records the machine (machine file: CPU vendor, model, features,
# XSAVE state, kernel, host name).  Replaying on the same machine says
# nothing; on another one it warns once per difference and replays anyway;
# a trace without the file (recorded before it existed) replays silently.
. "$(dirname "$0")/lib.sh"

record mach 0 sh -c 'echo hello; date +%N'
replay mach
m=$WORK/mach/trace/machine
[ "$(head -n 1 "$m")" = "rewind-machine 1" ] || fail "no machine file header"
for key in cpu-vendor cpu-model cpu-features xsave kernel hostname; do
    grep -q "^$key ." "$m" || { show "$m"; fail "the machine file has no $key"; }
done
grep -q "^kernel $(uname -r)\$" "$m" || fail "the machine file names another kernel"
grep -q "^hostname $(uname -n)\$" "$m" || fail "the machine file names another host"
grep -q 'warning' "$WORK/mach/rep.err" && fail "a replay on the recording machine warned"

# Another machine: four differences, four warnings, the same replay.
cp "$m" "$WORK/machine.orig"
sed -e 's/^cpu-model .*/cpu-model Imaginary CPU 9000/' \
    -e 's/^cpu-features .*/& imaginary_feature/' \
    -e 's/^kernel .*/kernel 2.6.32-imaginary/' \
    -e 's/^hostname .*/hostname imaginary-host/' "$WORK/machine.orig" >"$m"
"$REWIND" replay -a "$WORK/mach/trace" >"$WORK/other.out" 2>"$WORK/other.err" || {
    show "$WORK/other.err"
    fail "replay with another machine's description failed"
}
cmp -s "$WORK/mach/rec.out" "$WORK/other.out" || fail "the replay's output differs"
grep -v '^rewind: warning: ' "$WORK/other.err" | cmp -s - "$WORK/mach/rec.err" ||
    fail "the replay printed more than the recording and the warnings"
[ "$(grep -c '^rewind: warning: ' "$WORK/other.err")" -eq 4 ] || { show "$WORK/other.err"; fail "expected 4 warnings"; }
grep -q 'Imaginary CPU 9000' "$WORK/other.err" || fail "no warning names the CPU"
grep -q 'missing here: imaginary_feature' "$WORK/other.err" || fail "no warning names the missing feature"
grep -q '2.6.32-imaginary' "$WORK/other.err" || fail "no warning names the kernel"
grep -q 'imaginary-host' "$WORK/other.err" || fail "no warning names the host"

# Older traces have no machine file.
rm "$m"
replay mach
exit 0
