/* threads: a multi-threaded CPU-bound workload for bench/run.
 *
 * Starts 2 threads that each do ITERS (default 1,000,000,000) rounds of
 * xorshift integer work, with no syscall in the loop, then joins them and
 * prints both results.  Natively on two cores the threads run in parallel;
 * rewind runs one thread of a process at a time, so its recording is
 * compared both with that native time and with the native time on one core
 * (taskset -c 0).
 *
 * usage: threads [ITERS]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 2

static uint64_t iters = 1000000000ULL;

static void *work(void *arg)
{
	uint64_t x = (uint64_t)(uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;
	for (uint64_t i = 0; i < iters; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return (void *)(uintptr_t)x;
}

int main(int argc, char **argv)
{
	pthread_t t[THREADS];
	void *ret;

	if (argc > 1)
		iters = strtoull(argv[1], NULL, 10);
	for (uintptr_t i = 0; i < THREADS; i++) {
		if (pthread_create(&t[i], NULL, work, (void *)(i + 1)) != 0) {
			fprintf(stderr, "threads: pthread_create failed\n");
			return 1;
		}
	}
	for (int i = 0; i < THREADS; i++) {
		if (pthread_join(t[i], &ret) != 0) {
			fprintf(stderr, "threads: pthread_join failed\n");
			return 1;
		}
		printf("thread %d: %016llx\n", i, (unsigned long long)(uintptr_t)ret);
	}
	return 0;
}
