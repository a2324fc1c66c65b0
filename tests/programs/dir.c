// Feature: directories: mkdtemp, mkdirat, opendir/readdir, raw getdents64, unlinkat, rmdir.
#include "t.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void)
{
    char path[4096];
    CHECK(mkdtemp(tmp_template(path, sizeof path, "dir")) != NULL);
    int dfd = open(path, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    char name[32];
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "file%d", i);
        int fd = openat(dfd, name, O_CREAT | O_WRONLY, 0644);
        CHECK(fd >= 0);
        close(fd);
    }
    CHECK(mkdirat(dfd, "subdir", 0755) == 0);
    CHECK(symlinkat("file0", dfd, "link") == 0);

    DIR *d = opendir(path);
    CHECK(d != NULL);
    char *names[32];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 32) {
        char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_LNK ? 'l' : e->d_type == DT_REG ? 'f' : '?';
        CHECK(asprintf(&names[n++], "%s %c", e->d_name, t) > 0);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp);
    printf("readdir: %d entries\n", n);
    for (int i = 0; i < n; i++)
        printf("  %s\n", names[i]);
    CHECK(n == 14);

    /* Raw getdents64: the order and inode numbers depend on the file system. */
    char buf[4096];
    long got, total = 0;
    CHECK(lseek(dfd, 0, SEEK_SET) == 0);
    while ((got = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < got;) {
            struct dirent64 *de = (struct dirent64 *)(buf + off);
            printf("getdents64: ino %llu %s\n", (unsigned long long)de->d_ino, de->d_name);
            off += de->d_reclen;
            total++;
        }
    }
    CHECK(got == 0);
    printf("getdents64: %ld entries\n", total);

    struct stat st;
    CHECK(fstatat(dfd, "subdir", &st, 0) == 0);
    printf("subdir nlink %lu, is dir %s\n", (unsigned long)st.st_nlink, S_ISDIR(st.st_mode) ? "yes" : "no");
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "file%d", i);
        CHECK(unlinkat(dfd, name, 0) == 0);
    }
    CHECK(unlinkat(dfd, "link", 0) == 0);
    CHECK(unlinkat(dfd, "subdir", AT_REMOVEDIR) == 0);
    close(dfd);
    CHECK(rmdir(path) == 0);
    printf("opendir after rmdir: %s\n", opendir(path) ? "succeeded" : strerror(errno));
    fprintf(stderr, "stderr: subdir inode %llu\n", (unsigned long long)st.st_ino);
    return 0;
}
