/* handoff: spin-waiting threads for bench/run.
 *
 * 4 threads pass a turn around TURNS times (default 1000): each spins in
 * user space, with no syscall, until the shared counter says it is its
 * turn, adds to its total and passes the turn on.  Natively each hand-off
 * takes as long as the kernel needs to have the next thread on a core;
 * rewind runs one thread at a time, so a spinning thread must be stopped
 * for the one it waits for to run at all.
 *
 * usage: handoff [TURNS]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4

static atomic_long turn;
static long turns = 1000;
static long total[THREADS];

static void *run(void *arg)
{
	long me = (long)arg;
	for (;;) {
		long t;
		while ((t = atomic_load(&turn)) % THREADS != me && t < turns)
			;
		if (t >= turns)
			return NULL;
		total[me] += t;
		atomic_store(&turn, t + 1);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		turns = strtol(argv[1], NULL, 10);
	pthread_t th[THREADS];
	for (long i = 0; i < THREADS; i++)
		if (pthread_create(&th[i], NULL, run, (void *)i) != 0)
			return 1;
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < THREADS; i++)
		printf("handoff: thread %d total %ld\n", i, total[i]);
	return 0;
}
