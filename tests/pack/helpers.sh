# Helpers for the tests/real/pack_*.sh scripts (sourced after lib.sh).

# build_packprog DIR [LDFLAGS...]: tests/pack/build.sh into DIR.
build_packprog() {
    sh "$ROOT/tests/pack/build.sh" "$@" >"$WORK/build.log" 2>&1 || {
        show "$WORK/build.log"
        fail "cannot build tests/pack/packprog.c"
    }
}

# hash_cmd: b2sum (BLAKE2b) when there is one, else sha256sum.
if command -v b2sum >/dev/null 2>&1; then
    HASH=b2sum
else
    HASH=sha256sum
fi

# dir_sum DIR: one checksum of every file's name, mode, link count and
# bytes (a change to any of them changes it).
dir_sum() {
    (cd "$1" && {
        find . -printf '%p %y %m %n\n' | LC_ALL=C sort
        find . -type f | LC_ALL=C sort | xargs -r $HASH
    }) | $HASH | cut -d' ' -f1
}

# same_bytes DIR: how many files of DIR hold the same bytes as an earlier one.
same_bytes() {
    (cd "$1" && find . -type f | xargs -r $HASH) | cut -d' ' -f1 | sort | uniq -c |
        awk '$1 > 1 { n += $1 - 1 } END { print n + 0 }'
}

# linked_files DIR: how many files of DIR are links (symbolic, or hard
# links with another name somewhere).
linked_files() {
    find "$1" \( -type l -o \( -type f -links +1 \) \) | wc -l
}

# clone_trace FROM TO: a copy as the recorder left it: files hard-linked
# from elsewhere stay hard links (to the same file), the rest is copied.
clone_trace() {
    mkdir "$2" || fail "cannot create $2"
    for c_f in "$1"/* "$1"/.[!.]*; do
        [ -e "$c_f" ] || continue
        if [ "$(stat -c %h "$c_f")" -gt 1 ]; then
            ln "$c_f" "$2/" || fail "cannot link $c_f"
        else
            cp -p "$c_f" "$2/" || fail "cannot copy $c_f"
        fi
    done
}

# replay_same NAME TRACE WHY: TRACE replays with NAME's recorded output.
replay_same() {
    ( (exec timeout -k 10 "$STEP_TIMEOUT" "$REWIND" replay -a "$2" \
        </dev/null >"$WORK/rs.out" 2>"$WORK/rs.err"); exit $?) 2>/dev/null
    rs_rc=$?
    if [ "$rs_rc" -ne 0 ]; then
        show "$WORK/rs.err"
        fail "$3: the replay exited $rs_rc"
    fi
    cmp -s "$WORK/$1/rec.out" "$WORK/rs.out" && cmp -s "$WORK/$1/rec.err" "$WORK/rs.err" || {
        diff -u "$WORK/$1/rec.out" "$WORK/rs.out" | head -n 20
        fail "$3: the replay's output differs from the recording's"
    }
}
