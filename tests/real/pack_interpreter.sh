#!/bin/sh
# What the kernel loads by path at exec: traces keep a copy of the ld.so it
# loaded and of the program a #! script names, and replay runs those (the
# program below names a private copy of ld.so, the script a private copy of
# sh; both are deleted before the replay).  A trace recorded as rewind did before it kept
# one (REWIND_RECORD_WITHOUT_INTERP) needs the disk's: when it is gone,
# replay names it and suggests rewind pack; rewind pack copies it in, after
# which it may go.  A file missing from a trace is named in one line too.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/pack/helpers.sh"
need gcc readelf

ld=$(readelf -l /bin/true | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
[ -f "$ld" ] || fail "cannot find the system's ELF interpreter"
mkdir -p "$WORK/ld" "$WORK/copies"
cp "$ld" "$WORK/ld/ld-private.so"
build_packprog "$WORK/build" "-Wl,--dynamic-linker=$WORK/ld/ld-private.so"
"$WORK/build/packprog" "$WORK/build" "$WORK/copies" 1 >/dev/null || fail "the program with a private ld.so does not run"

# A new trace: its own copy of the private ld.so.
record new 0 "$WORK/build/packprog" "$WORK/build" "$WORK/copies" 2
"$REWIND" dump "$WORK/new/trace" | grep -q ' interp=mmap-[0-9]*-ld-private.so ' ||
    fail "the trace has no copy of the interpreter"
# An old-style trace: none.
REWIND_RECORD_WITHOUT_INTERP=1 record old 0 "$WORK/build/packprog" "$WORK/build" "$WORK/copies" 2
"$REWIND" dump "$WORK/old/trace" | grep -q ' interp=' && fail "REWIND_RECORD_WITHOUT_INTERP recorded an interpreter"
replay old

mv "$WORK/ld/ld-private.so" "$WORK/ld/away"
replay new
"$REWIND" replay -a "$WORK/old/trace" >/dev/null 2>"$WORK/gone.err" && fail "the old trace replayed without its interpreter"
[ "$(grep -c '^rewind: ' "$WORK/gone.err")" -eq 1 ] || { show "$WORK/gone.err"; fail "not one line about the missing interpreter"; }
grep -q "$WORK/ld/ld-private.so is gone" "$WORK/gone.err" || { show "$WORK/gone.err"; fail "the message does not name the interpreter"; }
grep -q 'rewind pack' "$WORK/gone.err" || fail "the message does not suggest rewind pack"
mv "$WORK/ld/away" "$WORK/ld/ld-private.so"

"$REWIND" pack "$WORK/old/trace" || fail "pack of the old trace failed"
"$REWIND" dump "$WORK/old/trace" | grep -q ' interp=mmap-pack-[0-9a-f]*-ld-private.so ' ||
    fail "pack did not copy in the interpreter"
sum=$(dir_sum "$WORK/old/trace")
"$REWIND" pack "$WORK/old/trace" || fail "a second pack failed"
[ "$(dir_sum "$WORK/old/trace")" = "$sum" ] || fail "a second pack changed the old trace"
rm -rf "$WORK/ld" "$WORK/build" "$WORK/copies"
replay old
replay new

# A #! script whose interpreter is a private copy of sh, exec'd directly
# and by a program.
sh_path=$(command -v sh)
cp "$(readlink -f "$sh_path")" "$WORK/sh-private"
printf '#!%s\necho "script: $*"; echo "script: $0" >&2\nexit 3\n' "$WORK/sh-private" >"$WORK/myscript.sh"
chmod +x "$WORK/myscript.sh"
record script 3 "$WORK/myscript.sh" one two
"$REWIND" dump "$WORK/script/trace" | grep -q ' script-interp=mmap-[0-9]*-sh-private ' ||
    fail "the trace has no copy of the script's interpreter"
record script_child 0 sh -c "$WORK/myscript.sh child; echo \$?"
"$REWIND" pack "$WORK/script/trace" "$WORK/script_child/trace" || fail "pack of the script traces failed"
rm "$WORK/sh-private" "$WORK/myscript.sh"
replay script
replay script_child

# A file gone from a trace: named, with the advice.
for f in "$WORK"/new/trace/mmap-*; do
    cp -r "$WORK/new/trace" "$WORK/damaged"
    rm "$WORK/damaged/$(basename "$f")"
    "$REWIND" replay -a "$WORK/damaged" >/dev/null 2>"$WORK/damaged.err" && fail "replay without $(basename "$f") succeeded"
    grep '^rewind: ' "$WORK/damaged.err" | grep -v warning >"$WORK/damaged.lines"
    [ "$(wc -l <"$WORK/damaged.lines")" -eq 1 ] || { show "$WORK/damaged.err"; fail "without $(basename "$f"): not one line"; }
    grep -q "$WORK/damaged/$(basename "$f") is missing" "$WORK/damaged.lines" &&
        grep -q 'rewind pack' "$WORK/damaged.lines" || { show "$WORK/damaged.lines"; fail "without $(basename "$f"): the file is not named"; }
    rm -rf "$WORK/damaged"
done
exit 0
