#!/bin/sh
# Chaos mode: a racy C program recorded 5 times with `record --chaos` (and rr's -h) gives at least two different
# interleavings, each replaying identically; --chaos-seed=N is accepted and `rewind dump` shows the seed.
. "$(dirname "$0")/lib.sh"
need gcc
RUNS=5

cat >"$WORK/race.c" <<'PROG'
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#define THREADS 3
#define ITERS 200000

static volatile long counter;          /* incremented without a lock: updates get lost */
static int finished[THREADS], nfinished;
static char wakes[THREADS * ITERS / 20000 + 1];  /* which thread returned from each usleep, in order */
static int nwakes;

static void *racer(void *arg)
{
    long id = (long)arg;
    for (long i = 0; i < ITERS; i++) {
        counter = counter + 1;
        if (i % 1000 == (id * 300) % 1000)
            sched_yield();
        if (i % 20000 == (id * 7000) % 20000) {
            usleep(1);
            wakes[__atomic_fetch_add(&nwakes, 1, __ATOMIC_SEQ_CST)] = (char)('0' + id);
        }
    }
    finished[__atomic_fetch_add(&nfinished, 1, __ATOMIC_SEQ_CST)] = (int)id;
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, racer, (void *)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("counter %ld of %d\n", counter, THREADS * ITERS);
    printf("finish order");
    for (int i = 0; i < THREADS; i++)
        printf(" %d", finished[i]);
    printf("\nwake order %s\n", wakes);
    return 0;
}
PROG
gcc -O1 -pthread -o "$WORK/race" "$WORK/race.c" || fail "cannot compile the racing program"

# seed_of NAME: the chaos seed the trace's first event shows, or nothing.
seed_of() {
    "$REWIND" dump "$WORK/$1/trace" 2>/dev/null | head -n 1 | sed -n 's/.*chaos-seed=\([0-9][0-9]*\).*/\1/p'
}

i=1
while [ "$i" -le "$RUNS" ]; do
    # The last recording uses rr's spelling, -h.
    opt=--chaos
    [ "$i" -eq "$RUNS" ] && opt=-h
    record "chaos$i" 0 "$opt" "$WORK/race"
    out=$(rec_out "chaos$i")
    if ! grep -q '^counter [0-9]* of 600000$' "$out" || ! grep -q '^finish order [0-2] [0-2] [0-2]$' "$out" ||
        ! grep -q '^wake order [0-2]\{30\}$' "$out"; then
        show "$out"
        fail "chaos recording $i printed something unexpected"
    fi
    seed=$(seed_of "chaos$i")
    [ -n "$seed" ] || { "$REWIND" dump "$WORK/chaos$i/trace" | head -n 1; fail "rewind dump of chaos recording $i ($opt) shows no chaos-seed"; }
    replay "chaos$i"
    echo "chaos run $i ($opt, seed $seed): $(tr '\n' ';' <"$out")"
    i=$((i + 1))
done

distinct=$(for i in $(seq "$RUNS"); do tr '\n' ';' <"$(rec_out "chaos$i")"; echo; done | sort -u | wc -l)
echo "distinct outputs in $RUNS chaos recordings: $distinct"
[ "$distinct" -ge 2 ] || fail "all $RUNS chaos recordings printed the same: chaos mode did not vary the interleaving"

# An explicit seed is accepted and stored in the trace.
record seeded 0 --chaos-seed=4242 "$WORK/race"
first=$("$REWIND" dump "$WORK/seeded/trace" | head -n 1)
case $first in
*chaos-seed=4242*) echo "dump shows the seed: $first" ;;
*) echo "    | $first"; fail "rewind dump's first line does not show chaos-seed=4242" ;;
esac
replay seeded
