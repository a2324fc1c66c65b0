#!/bin/sh
# Replay compares the bytes each write takes from the program's memory with
# the recorded ones (a hash in the trace): a replay that went another way
# stops with a divergence at its first differing write, instead of printing
# something else and exiting 0.  The way made here: the trace's saved copy
# of a file the program maps is changed after the recording.
. "$(dirname "$0")/lib.sh"

cat >"$WORK/mapcat.c" <<'C'
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv) {
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (argc != 2 || fd < 0 || fstat(fd, &st) < 0)
        return 2;
    char *p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        return 3;
    return write(1, p, st.st_size) == st.st_size ? 0 : 4;
}
C
gcc -O1 -o "$WORK/mapcat" "$WORK/mapcat.c" || fail "cannot compile mapcat"
printf 'the recorded bytes\n' >"$WORK/data"

record map 0 "$WORK/mapcat" "$WORK/data"
replay map
trace=$WORK/map/trace
"$REWIND" dump "$trace" | grep -q 'write(1, .* = 19 stdout hash=' ||
    fail "dump does not show the write's hash"

change_mapped_copy map data 'other bytes, size19'
replay_diverges map '^rewind: divergence at event .*19 bytes write wrote differ from the recorded ones'
if grep -q 'other bytes' "$WORK/map/div.out"; then
    fail "the replay printed the bytes that differ"
fi
echo "a changed mapped file: divergence at the write, nothing printed"
