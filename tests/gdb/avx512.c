/* AVX-512 state the program reads itself, for gdb to show the same on the
 * replay: mask registers (left by libc's EVEX string functions) and a
 * zmm register set here. */
#include <stdio.h>
#include <string.h>

static unsigned long k0, k1;
static long zmm20[8];

int main(int argc, char **argv)
{
    (void)argc;
    size_t n = strlen(argv[0]); /* libc's EVEX strlen uses the masks */
    long fill = 0x1122334455667788;
    __asm__ volatile("kmovq %%k0, %0; kmovq %%k1, %1" : "=r"(k0), "=r"(k1));
    __asm__ volatile("vpbroadcastq %1, %%zmm20; vmovdqu64 %%zmm20, %0"
                     : "=m"(zmm20) : "r"(fill + (long)n));
    printf("k0 %#lx k1 %#lx zmm20 %#lx\n", k0, k1, zmm20[7]);
    return 0;
}
