START
break 39
continue
break by_weight if calls == 5
reverse-continue
echo == compare 5\n
print calls
bt 1
reverse-finish
echo == back in qsort's code\n
bt 1
delete
break snprintf
reverse-continue
echo == last snprintf\n
bt 2
reverse-finish
echo == back in make\n
print i
delete
break malloc
reverse-continue
echo == malloc\n
bt 2
kill
