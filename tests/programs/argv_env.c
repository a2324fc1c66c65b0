// Feature: the initial process state: argv and the environment.
// args: alpha beta-2 3
#include "t.h"

extern char **environ;

int main(int argc, char **argv)
{
    printf("argc %d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
    int n = 0;
    size_t bytes = 0;
    for (char **e = environ; *e; e++, n++)
        bytes += strlen(*e);
    printf("environment: %d variables, %zu bytes\n", n, bytes);
    /* Only variables with a known prefix: a recorder may add its own. */
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "REWIND_TEST_", 12) == 0)
            printf("env %s\n", *e);
    const char *path = getenv("PATH");
    printf("PATH is set: %s\n", path ? "yes" : "no");
    CHECK(setenv("REWIND_TEST_VAR", "value", 1) == 0);
    printf("after setenv: %s\n", getenv("REWIND_TEST_VAR"));
    fprintf(stderr, "stderr: argv[0] ends with argv_env: %s\n",
            strlen(argv[0]) >= 8 && strcmp(argv[0] + strlen(argv[0]) - 8, "argv_env") == 0 ? "yes" : "no");
    CHECK(argc == 4);
    return 0;
}
