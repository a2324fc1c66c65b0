START
break main
continue
rwatch cfg.setting
continue
echo == read 1\n
continue
echo == read 2\n
continue
echo == read 3\n
delete
awatch cfg.setting
reverse-continue
echo == back over read 3\n
reverse-continue
echo == back to the write\n
reverse-continue
echo == back to read 2\n
kill
