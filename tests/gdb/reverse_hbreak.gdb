START
break run
continue
RECORD
break 46 if k == 6
continue
echo == at k 6\n
print acct
hbreak fee
reverse-continue
echo == fee backwards\n
bt 2
print amount
reverse-continue
echo == fee before\n
print amount
reverse-finish
echo == rf from fee\n
bt 1
reverse-step
echo == rs\n
bt 1
delete
tbreak corrupt
reverse-continue
echo == tbreak corrupt\n
print k
info breakpoints
until
echo == until\n
bt 1
kill
