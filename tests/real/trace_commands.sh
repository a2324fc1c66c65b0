#!/bin/sh
# rewind ls, mv and rm, as rr's: ls -l shows NAME WHEN SIZE CMD; a trace
# moved by name, by path, or to another file system replays identically
# and latest-trace follows it; rm removes traces and latest-trace with
# them, and refuses what is not a trace.
. "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 2
"$REWIND" record /bin/echo first >/dev/null 2>&1 || fail "record of echo failed"
"$REWIND" record /bin/sh -c 'echo second; date +%N' >"$WORK/rec.out" 2>"$WORK/rec.err" ||
    fail "record of sh failed"
root=$_RR_TRACE_DIR

"$REWIND" ls >"$WORK/ls.out" || fail "ls failed"
printf 'echo-0\nsh-0  (latest-trace)\n' | cmp -s - "$WORK/ls.out" || { show "$WORK/ls.out"; fail "ls lists the wrong traces"; }
"$REWIND" ls -r | head -n 1 | grep -q '^sh-0' || fail "ls -r does not put the newest first"
"$REWIND" ls -l >"$WORK/ll.out" || fail "ls -l failed"
head -n 1 "$WORK/ll.out" | grep -q '^NAME  *WHEN  *SIZE CMD$' || { show "$WORK/ll.out"; fail "ls -l has no rr header"; }
day='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]'
size=' *[0-9.]*[KMGT]\{0,1\}'
grep -q "^echo-0 $day $size /bin/echo\$" "$WORK/ll.out" || { show "$WORK/ll.out"; fail "ls -l: bad row for echo-0"; }
grep -q "^sh-0   $day $size /bin/sh  (latest-trace)\$" "$WORK/ll.out" || { show "$WORK/ll.out"; fail "ls -l: bad row for sh-0"; }

# mv by name: latest-trace follows.
"$REWIND" mv sh-0 renamed >"$WORK/mv.out" || fail "mv sh-0 renamed failed"
grep -q "^rewind: moved '$root/sh-0' to '$root/renamed'\$" "$WORK/mv.out" || { show "$WORK/mv.out"; fail "mv said something else"; }
[ "$(readlink "$root/latest-trace")" = renamed ] || fail "latest-trace does not follow a renamed trace"
"$REWIND" replay -a >"$WORK/rep.out" 2>"$WORK/rep.err" || { show "$WORK/rep.err"; fail "replay after mv failed"; }
cmp -s "$WORK/rec.out" "$WORK/rep.out" || fail "replay after mv differs"
# mv to a path, then back into the root.
mkdir -p "$WORK/away"
"$REWIND" mv renamed "$WORK/away/t" >/dev/null || fail "mv to a path failed"
[ "$(readlink "$root/latest-trace")" = "$WORK/away/t" ] || fail "latest-trace does not follow a trace moved out"
"$REWIND" replay -a "$WORK/away/t" >"$WORK/rep.out" 2>/dev/null && cmp -s "$WORK/rec.out" "$WORK/rep.out" ||
    fail "replay of a trace moved out differs"
# To another file system when there is one (copied, then removed).
shm=/dev/shm
if [ -d "$shm" ] && [ -w "$shm" ] && [ "$(stat -c %d "$shm")" != "$(stat -c %d "$WORK")" ]; then
    other=$(mktemp -d "$shm/rewind-mv.XXXXXX")
    "$REWIND" mv "$WORK/away/t" "$other/t" >/dev/null || fail "mv to another file system failed"
    [ -d "$WORK/away/t" ] && fail "mv to another file system left the trace behind"
    ls -a "$other" | grep -q rewind-tmp && fail "mv to another file system left a temporary directory"
    "$REWIND" replay -a "$other/t" >"$WORK/rep.out" 2>/dev/null && cmp -s "$WORK/rec.out" "$WORK/rep.out" ||
        fail "replay after a move to another file system differs"
    "$REWIND" mv "$other/t" "$WORK/away/t" >/dev/null || fail "mv back from another file system failed"
    rmdir "$other"
    echo "moved across file systems and back"
fi
"$REWIND" mv "$WORK/away/t" back >/dev/null || fail "mv back into the root failed"
[ "$(readlink "$root/latest-trace")" = back ] || fail "latest-trace does not follow a trace moved back"

# What mv refuses, with one line each.
refused() {
    r_what=$1
    shift
    "$@" >/dev/null 2>"$WORK/refused.err" && fail "$r_what was accepted"
    [ "$(grep -c '^rewind: ' "$WORK/refused.err")" -eq 1 ] || { show "$WORK/refused.err"; fail "$r_what: not one clear line"; }
}
refused "mv onto an existing trace" "$REWIND" mv echo-0 back
refused "mv to latest-trace" "$REWIND" mv echo-0 latest-trace
mkdir -p "$WORK/notatrace"
echo keep >"$WORK/notatrace/file"
refused "mv of a directory that is not a trace" "$REWIND" mv "$WORK/notatrace" x
refused "rm of a directory that is not a trace" "$REWIND" rm "$WORK/notatrace"
[ -f "$WORK/notatrace/file" ] || fail "rm removed something from a directory that is not a trace"
refused "rm of nothing" "$REWIND" rm "$WORK/nothing"

# rm: by name; the latest one takes latest-trace with it.
"$REWIND" rm echo-0 >/dev/null || fail "rm echo-0 failed"
[ -e "$root/echo-0" ] && fail "rm left echo-0"
[ -L "$root/latest-trace" ] || fail "rm of another trace removed latest-trace"
"$REWIND" rm latest-trace >/dev/null || fail "rm latest-trace failed"
[ -e "$root/back" ] && fail "rm latest-trace left the trace"
[ -L "$root/latest-trace" ] && fail "latest-trace outlived its trace"
"$REWIND" rm -f "$WORK/notatrace" >/dev/null || fail "rm -f failed"
[ -e "$WORK/notatrace" ] && fail "rm -f left the directory"
"$REWIND" ls 2>&1 | grep -q 'no traces' || fail "ls after removing everything"
exit 0
