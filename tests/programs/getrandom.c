// Feature: getrandom(2) (blocking, GRND_NONBLOCK, large requests) and getentropy(3).
#include "t.h"
#include <sys/random.h>
#include <sys/syscall.h>

int main(void)
{
    unsigned char buf[32];
    CHECK(getrandom(buf, 16, 0) == 16);
    print_hex("getrandom(16, 0):            ", buf, 16);
    CHECK(getrandom(buf, 16, GRND_NONBLOCK) == 16);
    print_hex("getrandom(16, GRND_NONBLOCK): ", buf, 16);
    CHECK(syscall(SYS_getrandom, buf, 8, 0) == 8);
    print_hex("raw syscall getrandom(8):    ", buf, 8);
    CHECK(getentropy(buf, 32) == 0);
    print_hex("getentropy(32):              ", buf, 32);

    static unsigned char big[1 << 16];
    ssize_t n = getrandom(big, sizeof big, 0);
    printf("getrandom(65536) returned %zd, fingerprint %016llx\n", n, fnv1a(big, sizeof big));
    CHECK(n == (ssize_t)sizeof big);

    unsigned long long r;
    CHECK(getrandom(&r, sizeof r, 0) == sizeof r);
    fprintf(stderr, "stderr: random number %llu\n", r);
    return 0;
}
