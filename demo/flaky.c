/* flaky: a small program with a "once in a while" bug, for `make demo`.
 *
 * It pretends to be a job runner: it draws a batch of random records, stamps
 * them with the time, hands part of the work to a child process that sends
 * its result back through a pipe, and checks the totals.  Everything it
 * looks at differs from run to run (getrandom, the clock, pids), and one
 * run in about eight takes the failure path, chosen by getrandom: the batch
 * size is then a multiple of 8, and an off-by-one in split_batch() drops the
 * last record, so the totals disagree and it exits 1.
 *
 * Such a bug is hard to chase natively: by the time you rerun it under a
 * debugger, the random numbers are different and the bug is gone.  Recorded
 * once, every replay sees exactly the same run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 64

struct record {
	uint32_t value;
	uint64_t stamp_ns;
};

static void fail(const char *what)
{
	fprintf(stderr, "flaky: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void random_bytes(void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("getrandom");
		p += n;
		len -= (size_t)n;
	}
}

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;
	if (clock_gettime(clock, &ts) < 0)
		fail("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* FNV-1a over the records: a checksum that changes with every input bit. */
static uint64_t checksum(const struct record *r, int n)
{
	uint64_t h = 1469598103934665603ull;
	const unsigned char *p = (const unsigned char *)r;
	for (size_t i = 0; i < (size_t)n * sizeof *r; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static uint64_t sum_values(const struct record *r, int from, int to)
{
	uint64_t s = 0;
	for (int i = from; i < to; i++)
		s += r[i].value;
	return s;
}

/* Where the child's half of the batch ends.  THE BUG: for batches that are
 * a multiple of 8 it "rounds" to an aligned size one record short, and that
 * record is summed by nobody. */
static int split_batch(int n, int *parent_from)
{
	int half = n / 2;
	*parent_from = (n % 8 == 0) ? half + 1 : half;
	return half;
}

/* Forks a child that sums records [0, to) and writes the sum (and its pid)
 * into a pipe; returns the sum it sent. */
static uint64_t child_sum(const struct record *r, int to, pid_t *child_pid)
{
	int fds[2];
	if (pipe(fds) < 0)
		fail("pipe");
	fflush(stdout); /* or the child would print our buffered lines again */
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		uint64_t msg[2] = { sum_values(r, 0, to), (uint64_t)getpid() };
		close(fds[0]);
		if (write(fds[1], msg, sizeof msg) != (ssize_t)sizeof msg)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	uint64_t msg[2];
	size_t got = 0;
	while (got < sizeof msg) {
		ssize_t n = read(fds[0], (char *)msg + got, sizeof msg - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "flaky: the child sent nothing back\n");
			exit(2);
		}
		got += (size_t)n;
	}
	close(fds[0]);
	int status;
	if (waitpid(pid, &status, 0) < 0)
		fail("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "flaky: the child failed (status %#x)\n", status);
		exit(2);
	}
	*child_pid = (pid_t)msg[1];
	return msg[0];
}

int main(void)
{
	struct record batch[MAX_BATCH];
	uint8_t size_byte;
	uint32_t values[MAX_BATCH];

	/* The batch size: 8..63, a multiple of 8 about one time in eight. */
	random_bytes(&size_byte, 1);
	int n = 8 + size_byte % (MAX_BATCH - 8);
	random_bytes(values, sizeof values);
	for (int i = 0; i < n; i++) {
		batch[i].value = values[i] % 1000;
		batch[i].stamp_ns = now_ns(CLOCK_REALTIME);
	}
	uint64_t started = now_ns(CLOCK_MONOTONIC);

	printf("flaky: pid %d, parent %d\n", (int)getpid(), (int)getppid());
	printf("flaky: batch of %d records, first stamped %llu.%09llu\n", n,
	       (unsigned long long)(batch[0].stamp_ns / 1000000000u),
	       (unsigned long long)(batch[0].stamp_ns % 1000000000u));
	printf("flaky: checksum %016llx\n", (unsigned long long)checksum(batch, n));

	int parent_from;
	int child_to = split_batch(n, &parent_from);
	pid_t child_pid = 0;
	uint64_t from_child = child_sum(batch, child_to, &child_pid);
	uint64_t mine = sum_values(batch, parent_from, n);
	uint64_t expected = sum_values(batch, 0, n);

	printf("flaky: child %d summed records 0..%d: %llu\n", (int)child_pid,
	       child_to - 1, (unsigned long long)from_child);
	printf("flaky: parent summed records %d..%d: %llu\n", parent_from, n - 1,
	       (unsigned long long)mine);
	printf("flaky: took %llu us\n",
	       (unsigned long long)(now_ns(CLOCK_MONOTONIC) - started) / 1000);

	if (from_child + mine != expected) {
		fflush(stdout);
		fprintf(stderr, "flaky: FAILURE: total %llu, expected %llu "
		        "(the rare bug struck: batch of %d)\n",
		        (unsigned long long)(from_child + mine),
		        (unsigned long long)expected, n);
		return 1;
	}
	printf("flaky: ok, total %llu\n", (unsigned long long)expected);
	return 0;
}
