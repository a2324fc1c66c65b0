// Feature: the auxiliary vector: AT_RANDOM bytes, AT_SYSINFO_EHDR (vDSO), AT_PAGESZ, AT_EXECFN, AT_HWCAP.
#include "t.h"
#include <sys/auxv.h>

int main(int argc, char **argv)
{
    (void)argc;
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(rnd != NULL);
    print_hex("AT_RANDOM: ", rnd, 16);
    printf("AT_SYSINFO_EHDR (vDSO): %#lx\n", getauxval(AT_SYSINFO_EHDR));
    printf("AT_PAGESZ: %lu\n", getauxval(AT_PAGESZ));
    printf("AT_CLKTCK: %lu\n", getauxval(AT_CLKTCK));
    printf("AT_HWCAP: %#lx, AT_HWCAP2: %#lx\n", getauxval(AT_HWCAP), getauxval(AT_HWCAP2));
    printf("AT_PLATFORM: %s\n", (const char *)getauxval(AT_PLATFORM));
    const char *fn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN equals argv[0]: %s\n", fn && strcmp(fn, argv[0]) == 0 ? "yes" : "no");
    printf("AT_SECURE: %lu, AT_UID %lu\n", getauxval(AT_SECURE), getauxval(AT_UID));
    printf("AT_ENTRY %#lx, AT_BASE %#lx, AT_PHDR %#lx\n", getauxval(AT_ENTRY), getauxval(AT_BASE),
           getauxval(AT_PHDR));
    int local;
    printf("a stack address: %p, a heap address: %p\n", (void *)&local, malloc(16));
    fprintf(stderr, "stderr: vdso at %#lx\n", getauxval(AT_SYSINFO_EHDR));
    return 0;
}
