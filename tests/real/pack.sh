#!/bin/sh
# rewind pack on a program with a private shared library that it links and
# dlopens again and again (also as byte-identical copies): the unpacked
# trace holds duplicates and links to files outside it; after pack no two
# files hold the same bytes and none is a link; packing again changes no
# byte; the program, its libraries and their copies are deleted, the trace
# moved with rewind mv, and it still replays identically, from any
# directory.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/pack/helpers.sh"
need gcc

build_packprog "$WORK/build"
mkdir -p "$WORK/copies"
record packed 0 "$WORK/build/packprog" "$WORK/build" "$WORK/copies" 5
replay packed
trace=$WORK/packed/trace

dups=$(same_bytes "$trace")
[ "$dups" -ge 4 ] || fail "the unpacked trace should hold the 5 copies of the library, $dups duplicates"
"$REWIND" dump "$trace" | grep -q ' interp=mmap-' ||
    fail "the trace has no copy of the program's ELF interpreter"
echo "unpacked: $(ls "$trace" | wc -l) files, $dups duplicates, $(linked_files "$trace") links"

"$REWIND" pack "$trace" >"$WORK/pack.out" 2>&1 || { show "$WORK/pack.out"; fail "rewind pack failed"; }
[ "$(same_bytes "$trace")" -eq 0 ] || fail "after pack, files still hold the same bytes"
[ "$(linked_files "$trace")" -eq 0 ] || fail "after pack, the trace still has links"
ls -a "$trace" | grep -q '^\.rewind-tmp' && fail "pack left temporary files"
# Every file an event names is there.
"$REWIND" dump "$trace" | grep -o '\(file\|interp\)=[^ ]*' | cut -d= -f2 | sort -u |
    while read -r f; do [ -f "$trace/$f" ] || echo "$f"; done >"$WORK/missing"
[ -s "$WORK/missing" ] && { show "$WORK/missing"; fail "the packed events name files that are gone"; }
echo "packed: $(ls "$trace" | wc -l) files"
replay packed

sum1=$(dir_sum "$trace")
"$REWIND" pack "$trace" || fail "a second rewind pack failed"
[ "$(dir_sum "$trace")" = "$sum1" ] || fail "a second pack changed the trace"
# rr's command line: no argument packs latest-trace (record -o pointed it here).
[ "$(readlink "$_RR_TRACE_DIR/latest-trace")" = "$trace" ] || fail "latest-trace is not the trace"
"$REWIND" pack || fail "rewind pack (latest-trace) failed"
[ "$(dir_sum "$trace")" = "$sum1" ] || fail "packing latest-trace again changed the trace"

# Nothing outside the trace is needed any more.
rm -rf "$WORK/build" "$WORK/copies"
mkdir -p "$WORK/elsewhere"
"$REWIND" mv "$trace" "$WORK/elsewhere/moved" >/dev/null || fail "rewind mv failed"
[ -d "$trace" ] && fail "rewind mv left the old directory"
replay packed "$WORK/elsewhere/moved"
# From another working directory, through a relative path.
(cd "$WORK/elsewhere" && "$REWIND" replay -a -q moved) || fail "replay through a relative path failed"
[ "$(dir_sum "$WORK/elsewhere/moved")" = "$sum1" ] || fail "moving or replaying changed the trace"
"$REWIND" pack "$WORK/elsewhere/moved" || fail "pack after the move failed"
[ "$(dir_sum "$WORK/elsewhere/moved")" = "$sum1" ] || fail "pack after the move changed the trace"

# Options rr has and rewind does not, and non-traces, are refused.
"$REWIND" pack --symlink "$WORK/elsewhere/moved" 2>/dev/null && fail "pack --symlink was accepted"
"$REWIND" pack "$WORK" 2>"$WORK/nt.err" && fail "pack of a non-trace succeeded"
grep -q 'not a rewind trace' "$WORK/nt.err" || { show "$WORK/nt.err"; fail "pack of a non-trace: no clear message"; }
exit 0
