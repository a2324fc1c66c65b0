/* A spin-wait whose loop has no instruction replay can patch alone: every
 * instruction is shorter than a jmp rel32, and no never-run padding is
 * within a short jump (executed code fills 135-140 bytes on both sides).  Replay
 * patches the first two instructions together; every 65536 rounds the loop
 * jumps back to the second of them, into the patch, where int3s guard it.
 * The spinning thread must still be preempted (a time slice, no syscall),
 * or the thread that sets the flag never runs and the recording hangs. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static volatile int flag;
static atomic_int started;

static void *spinner(void *arg)
{
    (void)arg;
    unsigned long n = 0, wraps = 0, cx = 0;
    atomic_store(&started, 1);
    __asm__ volatile(".rept 140\n\tnop\n\t.endr\n"
                     "1:\tadd $1, %0\n\t"             /* 4 bytes: moved with the next */
                     "2:\tcmpl $0, (%3)\n\t"          /* 3 bytes */
                     "jne 3f\n\t"
                     "add $1, %%cx\n\t"               /* 4 bytes: wraps every 65536 rounds */
                     "jnz 1b\n\t"
                     "add $1, %1\n\t"
                     "jmp 2b\n"                       /* into the patch */
                     "3:\n\t"
                     ".rept 45\n\tmov %%rsi, %%rsi\n\t.endr\n"
                     : "+r"(n), "+r"(wraps), "+c"(cx)
                     : "r"(&flag)
                     : "memory", "cc");
    return (void *)(n > 0 && wraps <= n / 65535 ? 1L : 0L);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    while (!atomic_load(&started))
        ;
    flag = 1;
    void *ok;
    pthread_join(t, &ok);
    printf("the spinner saw the flag: %s\n", ok ? "yes" : "no");
    return ok ? 0 : 1;
}
