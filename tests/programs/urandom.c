// Feature: reading random bytes from /dev/urandom and /dev/random (device files).
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(void)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("/dev/urandom: char device %s, rdev %u:%u\n", S_ISCHR(st.st_mode) ? "yes" : "no",
           major(st.st_rdev), minor(st.st_rdev));
    unsigned char buf[64];
    CHECK(read(fd, buf, 16) == 16);
    print_hex("read(16):  ", buf, 16);
    CHECK(read(fd, buf, 64) == 64);
    printf("read(64) fingerprint %016llx\n", fnv1a(buf, 64));
    close(fd);

    FILE *f = fopen("/dev/urandom", "r");
    CHECK(f != NULL);
    unsigned int words[4];
    CHECK(fread(words, sizeof words[0], 4, f) == 4);
    printf("stdio fread: %u %u %u %u\n", words[0], words[1], words[2], words[3]);
    fclose(f);

    fd = open("/dev/random", O_RDONLY | O_NONBLOCK);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buf, 8);
    printf("/dev/random nonblocking read returned %zd\n", n);
    if (n > 0)
        print_hex("/dev/random: ", buf, (size_t)n);
    close(fd);
    fprintf(stderr, "stderr: first byte was %u\n", buf[0]);
    return 0;
}
