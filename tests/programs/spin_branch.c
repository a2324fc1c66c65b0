/* A spin-wait that counts its rounds in a register, in a loop of three
 * 2-byte instructions: no instruction is long enough for a jmp rel32,
 * and no never-run padding is within a short jump (executed code fills
 * 140 bytes on both sides).  Replay patches the loop's `inc` together
 * with the `cmp` and the `je` after it, the `je` rewritten to jump back
 * to the patch.  The spinning thread must be preempted (no syscall), or
 * the thread that sets the flag never runs and the recording hangs; and
 * replay must stop it at the same round, or the count printed differs. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static volatile char flag;
static atomic_int started;

static void *spinner(void *arg)
{
    (void)arg;
    unsigned long rounds = 0;
    atomic_store(&started, 1);
    __asm__ volatile(".rept 140\n\tnop\n\t.endr\n\t"
                     "xor %%eax, %%eax\n"
                     "1:\tinc %%ecx\n\t"          /* 2 bytes */
                     "cmp %%al, (%1)\n\t"         /* 2 bytes */
                     "je 1b\n\t"                  /* 2 bytes */
                     ".rept 45\n\tmov %%rsi, %%rsi\n\t.endr\n"
                     : "+c"(rounds)
                     : "D"(&flag)
                     : "rax", "memory", "cc");
    return (void *)rounds;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    while (!atomic_load(&started))
        ;
    /* The spinner spins while this thread sleeps, and must give way
     * when it wakes. */
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    flag = 1;
    void *rounds;
    pthread_join(t, &rounds);
    printf("the spinner saw the flag after %lu rounds\n", (unsigned long)rounds);
    return 0;
}
