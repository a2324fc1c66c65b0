START
break all_blocked
continue
echo == all blocked\n
info threads
thread 2
bt 1
thread 3
bt 1
thread 1
bt
break worker if id == 1
kill
