/* For the pack tests: a program with a private shared library
 * (libpackpriv.so, linked) that it also dlopens repeatedly, by its own
 * path and as byte-identical copies it writes under new names (so the
 * trace holds duplicate files), and a plug-in it dlopens and dlcloses
 * again and again (mapped anew each time).
 *
 *   packprog LIBDIR COPYDIR ROUNDS */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int packlib_value(int x);
const char *packlib_name(void);

static void copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (in < 0 || out < 0) {
        perror("copy");
        exit(2);
    }
    char buf[8192];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, n) != n) {
            perror("write");
            exit(2);
        }
    close(in);
    close(out);
}

static void *must_open(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        printf("dlopen %s: %s\n", path, dlerror());
        exit(1);
    }
    return h;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: packprog LIBDIR COPYDIR ROUNDS\n");
        return 2;
    }
    int rounds = atoi(argv[3]);
    char lib[4096], plug[4096], copy[4096];
    snprintf(lib, sizeof lib, "%s/libpackpriv.so", argv[1]);
    snprintf(plug, sizeof plug, "%s/libpackplug.so", argv[1]);
    printf("%s: %d\n", packlib_name(), packlib_value(1));
    for (int i = 0; i < rounds; i++) {
        void *self = must_open(lib); /* the linked library again */
        int (*f)(int) = (int (*)(int))dlsym(self, "packlib_value");
        snprintf(copy, sizeof copy, "%s/libcopy-%d.so", argv[2], i);
        copy_file(lib, copy);
        void *c = must_open(copy);
        int (*g)(int) = (int (*)(int))dlsym(c, "packlib_value");
        void *p = must_open(plug);
        int (*h)(int) = (int (*)(int))dlsym(p, "packplug_value");
        printf("round %d: %d %d %d %d\n", i, packlib_value(i), f(i), g(i), h(i));
        dlclose(p);
        dlclose(c);
        dlclose(self);
    }
    return 0;
}
