/* The private shared library of packprog.c: linked by it, and dlopen'd by
 * it again and again, also as byte-identical copies under other names. */
int packlib_value(int x)
{
    return x * 7 + 3;
}

const char *packlib_name(void)
{
    return "packlib";
}
