START
break run
continue
RECORD
break 46 if k == 5
continue
echo == damaged\n
print acct
print k
watch acct.balance
reverse-continue
echo == write 1\n
print acct.balance
bt 1
reverse-continue
echo == write 2\n
print acct.balance
bt 1
reverse-continue
echo == write 3\n
print acct.balance
bt 1
reverse-finish
echo == back in run\n
bt 1
delete
reverse-next
echo == reverse-next\n
info line *$pc
print k
reverse-step
echo == reverse-step\n
bt 1
reverse-stepi
reverse-stepi
info registers rip
break deposit if amount == 101
reverse-continue
echo == deposit 101\n
print amount
print acct
next
next
print acct.balance
kill
