START
break main
continue
watch shared
continue
echo == first write\n
print shared
continue
print shared
continue
print shared
delete
kill
