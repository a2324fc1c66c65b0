/* A value goes bad: several functions write it, one of them wrongly.
 * gdb walks back from the damage to each write, natively with `record
 * full` and on a rewind replay; the answers must agree. */
#include <stdio.h>

struct account {
    long balance;
    int ops;
};

static struct account acct;
static long ledger[8];

static long fee(long amount)
{
    long f = amount / 10;
    return f;
}

static void deposit(struct account *a, long amount)
{
    a->balance += amount - fee(amount);
    a->ops++;
}

static void withdraw(struct account *a, long amount)
{
    a->balance -= amount;
    a->ops++;
}

static void corrupt(struct account *a, int k)
{
    if (k == 5)
        a->balance = -a->balance; /* the culprit */
}

static void run(void)
{
    for (int k = 0; k < 8; k++) {
        if (k % 3 == 2)
            withdraw(&acct, 20 + k);
        else
            deposit(&acct, 100 + k);
        corrupt(&acct, k);
        ledger[k] = acct.balance;
    }
}

int main(void)
{
    run();
    printf("balance %ld after %d ops\n", acct.balance, acct.ops);
    return 0;
}
