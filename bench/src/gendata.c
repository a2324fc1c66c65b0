/* gendata: writes N bytes of deterministic pseudo-text to stdout.
 *
 * Input for the "cpu" benchmark.  The output must compress like real data
 * does (gzip -6 gets roughly 2.5:1): random bytes would leave the compressor
 * little to do, a repeated pattern would let it skip most of the work.  So
 * the text is words built from a small syllable set, picked by a fixed-seed
 * PRNG (xorshift64*), with some numbers and punctuation mixed in.  The same
 * N always gives the same bytes.
 *
 * usage: gendata BYTES > file
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static const char *const syllables[] = {
	"ka", "ro", "mi", "tel", "an", "dor", "vi", "sun", "el", "qu",
	"is", "tra", "po", "len", "ux", "ber", "go", "na", "fi", "ment",
	"ca", "st", "re", "ion", "ly", "ob", "ze", "ph", "ar", "wen",
	"ti", "mo",
};
#define NSYLLABLES (sizeof syllables / sizeof syllables[0])

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gendata BYTES\n");
		return 2;
	}
	long long left = atoll(argv[1]);
	static char buf[1 << 16];
	size_t used = 0;
	int column = 0;

	while (left > 0) {
		char word[64];
		size_t len = 0;
		uint64_t r = rng_next();

		if (r % 11 == 0) {          /* a number */
			len = (size_t)snprintf(word, sizeof word, "%llu",
			                       (unsigned long long)(r >> 40) % 100000);
		} else {                    /* a word of 1-4 syllables */
			int n = 1 + (int)((r >> 8) % 4);
			for (int i = 0; i < n; i++) {
				const char *s = syllables[(r >> (16 + 5 * i)) % NSYLLABLES];
				memcpy(word + len, s, strlen(s));
				len += strlen(s);
			}
			if ((r >> 48) % 17 == 0)
				word[len++] = ',';
			else if ((r >> 48) % 23 == 0)
				word[len++] = '.';
		}
		column += (int)len + 1;
		word[len++] = column > 72 ? '\n' : ' ';
		if (column > 72)
			column = 0;

		if ((long long)len > left)
			len = (size_t)left;
		if (used + len > sizeof buf) {
			if (fwrite(buf, 1, used, stdout) != used)
				return 1;
			used = 0;
		}
		memcpy(buf + used, word, len);
		used += len;
		left -= (long long)len;
	}
	if (fwrite(buf, 1, used, stdout) != used || fflush(stdout) != 0)
		return 1;
	return 0;
}
