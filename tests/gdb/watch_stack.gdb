START
handle SIGUSR1 nostop noprint
break 24
continue
watch v
continue
echo == write 1\n
print v
continue
echo == write 2\n
print v
print handled
continue
echo == write 3\n
print v
RECORD
continue
continue
continue
echo == write 6\n
print v
print i
reverse-continue
echo == back to write 5\n
print v
print i
reverse-continue
echo == back to write 4\n
print v
print handled
kill
