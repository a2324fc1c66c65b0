START
break on_usr1
continue
echo == SIGUSR1\n
continue
echo == in handler\n
bt 2
print sig
continue
echo == SIGSEGV\n
bt
print depth
print nowhere
kill
