#!/bin/sh
# A racy C program (threads incrementing a shared counter without a lock) recorded and replayed 20 times:
# every replay matches its own recording byte for byte; prints how many distinct outputs the recordings made.
. "$(dirname "$0")/lib.sh"
need gcc
RUNS=${RACE_RUNS:-20}

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
"$WORK/race" >"$WORK/native.out" || fail "the racing program failed natively"
echo "native: $(tr '\n' ';' <"$WORK/native.out")"

i=1
while [ "$i" -le "$RUNS" ]; do
    record "race$i" 0 "$WORK/race"
    out=$(rec_out "race$i")
    if ! grep -q '^counter [0-9]* of 600000$' "$out" || ! grep -q '^finish order [0-2] [0-2] [0-2]$' "$out" ||
        ! grep -q '^wake order [0-2]\{30\}$' "$out"; then
        show "$out"
        fail "recording $i printed something unexpected"
    fi
    replay "race$i"
    echo "run $i: $(tr '\n' ';' <"$out")"
    i=$((i + 1))
done

distinct=$(for i in $(seq "$RUNS"); do tr '\n' ';' <"$(rec_out "race$i")"; echo; done | sort -u | wc -l)
echo "distinct outputs in $RUNS recordings: $distinct"
