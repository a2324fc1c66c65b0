/* A spin-wait replay cannot patch at all: `cmp` and `je` make 4 bytes,
 * a `ret` follows, and no never-run padding is within a short jump.  It
 * changes neither registers nor memory while it spins, so every round is
 * the same point: the recorder preempts it at any round, and replay
 * stops at the first one by a breakpoint.  Without that the thread that
 * sets the flag never runs and the recording hangs. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

void spin_until_set(volatile char *flag);
__asm__(".text\n"
        ".globl spin_until_set\n"
        ".type spin_until_set, @function\n"
        "spin_until_set:\n\t"
        ".rept 140\n\tnop\n\t.endr\n\t"
        "xor %eax, %eax\n"
        "1:\tcmp %al, (%rdi)\n\t"
        "je 1b\n\t"
        "ret\n\t"
        ".rept 45\n\tmov %rsi, %rsi\n\t.endr\n\t"
        "ret\n"
        ".size spin_until_set, .-spin_until_set\n");

static volatile char flag;
static atomic_int started;

static void *spinner(void *arg)
{
    (void)arg;
    atomic_store(&started, 1);
    spin_until_set(&flag);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    while (!atomic_load(&started))
        ;
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    flag = 1;
    pthread_join(t, NULL);
    printf("the spinner saw the flag\n");
    return 0;
}
