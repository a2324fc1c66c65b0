/* A plug-in packprog.c only ever dlopens (and dlcloses, so it is mapped
 * again each time). */
int packplug_value(int x)
{
    return x * x + 1;
}
