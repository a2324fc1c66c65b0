// Feature: anonymous memory: mmap, munmap, mprotect, mremap (grow, move, shrink), MAP_FIXED.
#include "t.h"
#include <sys/mman.h>

/* The permissions column of the /proc/self/maps line that contains addr. */
static void show_perms(const char *what, void *addr)
{
    FILE *f = fopen("/proc/self/maps", "r");
    CHECK(f != NULL);
    char line[512];
    unsigned long a = (unsigned long)addr, lo, hi;
    char perms[8] = "none";
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && lo <= a && a < hi)
            break;
        else
            strcpy(perms, "none");
    fclose(f);
    printf("%s: %s\n", what, perms);
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, (size_t)pg * 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    printf("mmap 16 pages at %p, zero-filled: %s\n", (void *)p, p[0] == 0 && p[pg * 15] == 0 ? "yes" : "no");
    for (long i = 0; i < 16; i++)
        p[i * pg] = (char)('A' + i);
    show_perms("perms of page 0", p);

    CHECK(munmap(p + pg * 4, (size_t)pg * 4) == 0);
    show_perms("perms of page 4 after munmap", p + pg * 4);
    CHECK(mprotect(p, (size_t)pg, PROT_READ) == 0);
    show_perms("perms of page 0 after mprotect(PROT_READ)", p);
    CHECK(mprotect(p, (size_t)pg, PROT_NONE) == 0);
    show_perms("perms of page 0 after mprotect(PROT_NONE)", p);

    char *f = mmap(p + pg * 4, (size_t)pg, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE into the hole: at requested address %s\n", f == p + pg * 4 ? "yes" : "no");
    CHECK(f == p + pg * 4);

    char *g = mremap(p + pg * 12, (size_t)pg * 4, (size_t)pg * 64, MREMAP_MAYMOVE);
    CHECK(g != MAP_FAILED);
    printf("mremap grow 4 -> 64 pages: %p, moved %s, contents kept %s\n", (void *)g,
           g != p + pg * 12 ? "yes" : "no", g[0] == 'M' && g[pg * 3] == 'P' ? "yes" : "no");
    g[pg * 63] = 'z';
    char *h = mremap(g, (size_t)pg * 64, (size_t)pg * 2, 0);
    printf("mremap shrink to 2 pages in place: %s\n", h == g ? "yes" : "no");
    show_perms("perms of page 2 of the shrunk region", g + pg * 2);

    char *big = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(big != MAP_FAILED);
    for (int i = 0; i < 8; i++)
        big[(1UL << 27) * (unsigned long)i] = (char)i;
    printf("1 GiB MAP_NORESERVE mapping at %p, touched 8 pages\n", (void *)big);
    CHECK(munmap(big, 1UL << 30) == 0);
    CHECK(munmap(h, (size_t)pg * 2) == 0);
    CHECK(munmap(p, (size_t)pg * 12) == 0);
    fprintf(stderr, "stderr: mapping was at %p\n", (void *)p);
    return 0;
}
