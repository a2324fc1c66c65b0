/* syscalls: a syscall-heavy workload for bench/run.
 *
 * Does COUNT (default 200,000) small read/write pairs: the even-numbered
 * ones write 64 bytes into a pipe and read them back, the odd-numbered ones
 * pwrite 64 bytes into a temporary file and pread them back, so nearly all
 * the time goes into entering and leaving the kernel.  Every byte read is
 * folded into a checksum, printed at the end, so a recording that changed
 * what the program saw would show up as a different line.
 *
 * usage: syscalls [COUNT [DIR]]   (DIR for the temporary file, default /tmp)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 64

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 200000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	char path[4096];
	int pipefd[2];
	unsigned char out[CHUNK], in[CHUNK];
	uint64_t sum = 1469598103934665603ull;

	snprintf(path, sizeof path, "%s/syscalls-bench-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0)
		fail("mkstemp");
	unlink(path);
	if (pipe(pipefd) < 0)
		fail("pipe");

	for (long i = 0; i < count; i++) {
		for (int j = 0; j < CHUNK; j++)
			out[j] = (unsigned char)(i * 31 + j);
		if (i % 2 == 0) {
			if (write(pipefd[1], out, CHUNK) != CHUNK)
				fail("write pipe");
			if (read(pipefd[0], in, CHUNK) != CHUNK)
				fail("read pipe");
		} else {
			off_t off = (off_t)((i / 2) % 1024) * CHUNK;
			if (pwrite(fd, out, CHUNK, off) != CHUNK)
				fail("pwrite");
			if (pread(fd, in, CHUNK, off) != CHUNK)
				fail("pread");
		}
		for (int j = 0; j < CHUNK; j++)
			sum = (sum ^ in[j]) * 1099511628211ull;
	}
	printf("syscalls: %ld read/write pairs, checksum %016llx\n",
	       count, (unsigned long long)sum);
	return 0;
}
