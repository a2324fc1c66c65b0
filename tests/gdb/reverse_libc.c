/* Going backwards through library code: a list built with malloc, names
 * formatted with snprintf, sorted by qsort calling back into the program,
 * and one record damaged on the way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
    char name[16];
    long weight;
};

static int calls;

static int by_weight(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    calls++;
    return (x->weight > y->weight) - (x->weight < y->weight);
}

static struct item *make(int n)
{
    struct item *v = malloc(n * sizeof *v);
    for (int i = 0; i < n; i++) {
        snprintf(v[i].name, sizeof v[i].name, "item%d", i);
        v[i].weight = (i * 37) % 11;
    }
    v[3].weight = -v[3].weight; /* the damage */
    return v;
}

int main(void)
{
    struct item *v = make(8);
    qsort(v, 8, sizeof *v, by_weight);
    size_t total = 0;
    for (int i = 0; i < 8; i++)
        total += strlen(v[i].name);
    printf("%s %ld %zu %d\n", v[0].name, v[0].weight, total, calls);
    free(v);
    return 0;
}
