START
handle SIGUSR1 nostop noprint
break 33
continue
RECORD
continue
echo == at 33 again\n
print v
reverse-step
echo == rs1\n
bt 1
reverse-step
echo == rs2\n
bt 1
reverse-next
echo == rn1\n
bt 1
reverse-next
echo == rn2\n
bt 1
reverse-stepi
reverse-stepi
reverse-stepi
echo == rsi3\n
info registers rip
reverse-finish
echo == rf out of munmap\n
bt 1
break on_usr1
continue
echo == handler\n
bt 1
reverse-step
echo == rs in handler\n
bt 1
delete
break raise
reverse-continue
echo == raise backwards\n
bt 1
kill
