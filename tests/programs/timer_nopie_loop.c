// cflags: -no-pie
/* A timer signal into a loop of three 2-byte instructions and a `ret`,
 * in an executable mapped at 4 MiB (non-PIE).  Replay can patch only the
 * loop's first instruction, moved with the other two; the `je` starts at
 * the jmp rel32's last byte, which must trap when the program jumps
 * there: 0xcc would need a trampoline 0x33000000 below, under address 0,
 * so the byte is one invalid in 64-bit mode (SIGILL).  The loop is
 * entered at that `je`, so replay's search meets it at each call. */
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

static volatile char hit;
static void on_alarm(int sig) { (void)sig; hit = 1; }

unsigned sum_until(volatile char *flag, unsigned step);
__asm__(".text\n"
        ".globl sum_until\n"
        ".type sum_until, @function\n"
        "sum_until:\n\t"
        ".rept 140\n\tnop\n\t.endr\n\t"
        "xor %eax, %eax\n\t"
        "xor %ecx, %ecx\n\t"
        "cmp %cl, (%rdi)\n\t"
        "jmp 3f\n"
        "1:\tadd %esi, %eax\n\t"
        "cmp %cl, (%rdi)\n"
        "3:\tje 1b\n\t"
        "ret\n\t"
        ".rept 45\n\tmov %rsi, %rsi\n\t.endr\n\t"
        "ret\n"
        ".size sum_until, .-sum_until\n");

int main(void)
{
    signal(SIGALRM, on_alarm);
    for (int round = 0; round < 3; round++) {
        hit = 0;
        struct itimerval it = {{0, 0}, {0, 5000}};
        setitimer(ITIMER_REAL, &it, NULL);
        unsigned sum = sum_until(&hit, 7);
        printf("round %d: the sum when the timer came: %u (a multiple of 7: %s)\n", round, sum,
               sum % 7 == 0 ? "yes" : "no");
    }
    return 0;
}
