// Feature: a pseudo-terminal: posix_openpt/grantpt/unlockpt/ptsname, tcgetattr/tcsetattr, TIOCGWINSZ.
#include "t.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>

static void read_exactly(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        CHECK(r > 0);
        got += (size_t)r;
    }
    buf[n] = 0;
}

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(grantpt(m) == 0);
    CHECK(unlockpt(m) == 0);
    const char *name = ptsname(m);
    CHECK(name != NULL);
    printf("slave name: %s\n", name);
    int s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);
    printf("isatty: master %d, slave %d; ttyname matches ptsname: %s\n", isatty(m), isatty(s),
           ttyname(s) && strcmp(ttyname(s), name) == 0 ? "yes" : "no");

    struct termios t;
    CHECK(tcgetattr(s, &t) == 0);
    printf("default mode: ICANON %s, ECHO %s, ispeed %u\n", t.c_lflag & ICANON ? "on" : "off",
           t.c_lflag & ECHO ? "on" : "off", (unsigned)cfgetispeed(&t));

    struct winsize ws = { .ws_row = (unsigned short)(20 + getpid() % 50), .ws_col = 132 };
    CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0);
    struct winsize got;
    CHECK(ioctl(s, TIOCGWINSZ, &got) == 0);
    printf("TIOCGWINSZ on the slave: %u rows x %u cols\n", got.ws_row, got.ws_col);
    CHECK(got.ws_row == ws.ws_row && got.ws_col == 132);

    /* Canonical mode with echo: the master sees the echo, the slave the line. */
    char buf[64];
    CHECK(write(m, "line\n", 5) == 5);
    read_exactly(s, buf, 5);
    printf("slave read in canonical mode: %s", buf);
    read_exactly(m, buf, 6);
    printf("master got the echo: %s", strchr(buf, '\r') ? "line + CRLF\n" : "something else\n");

    cfmakeraw(&t);
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    CHECK(tcgetattr(s, &t) == 0);
    printf("after cfmakeraw + tcsetattr: ICANON %s, ECHO %s\n", t.c_lflag & ICANON ? "on" : "off",
           t.c_lflag & ECHO ? "on" : "off");
    CHECK(write(m, "raw!", 4) == 4);
    read_exactly(s, buf, 4);
    printf("slave read in raw mode: %s\n", buf);
    CHECK(write(s, "pong\n", 5) == 5);
    read_exactly(m, buf, 5);
    printf("master read (no output processing): %s", buf);

    int avail = -1;
    CHECK(ioctl(s, FIONREAD, &avail) == 0);
    printf("FIONREAD on the slave: %d\n", avail);
    close(s);
    close(m);
    fprintf(stderr, "stderr: pty was %s\n", name);
    return 0;
}
