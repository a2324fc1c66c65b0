START
break accumulate
break square if v == 7
hbreak depth if n == 0
continue
echo == at accumulate\n
info args
bt
next
next
step
echo == in square\n
bt
finish
continue
echo == square(7)\n
print v
print $rip == (long)square
up
print i
print sum
print counter
continue 2
echo == depth 0\n
bt
print n
stepi
stepi
info registers
delete
watch total
continue
continue
echo == watch total\n
print total
delete
break 52
continue
echo == at 52\n
print p
print p.name
print origin
set var p.x = 42
print p.x
print p
print d
kill
