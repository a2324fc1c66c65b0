#!/bin/sh
# Real program: sqlite3, in memory (random(), datetime('now')) and on a database file.
. "$(dirname "$0")/lib.sh"
need sqlite3

record memory 0 sqlite3 ':memory:' "
select random(), datetime('now');
select hex(randomblob(16));
create table t(x);
insert into t values (1), (2), (3);
select sum(x), count(*) from t;
select strftime('%s', 'now') > 1600000000;"
out=$(rec_out memory)
[ "$(wc -l <"$out")" -eq 4 ] || { show "$out"; fail "sqlite3 :memory: printed $(wc -l <"$out") lines, expected 4"; }
sed -n 3p "$out" | grep -qx '6|3' || { show "$out"; fail "sqlite3 :memory: computed the wrong sum"; }
replay memory

db=$WORK/test.db
record file 0 sqlite3 "$db" "
create table r(id integer primary key, v integer, t text);
insert into r(v, t) select random(), datetime('now') from (select 1 union select 2 union select 3);
select count(*), min(id), max(id) from r;
select v from r order by id;
pragma integrity_check;"
out=$(rec_out file)
head -n 1 "$out" | grep -qx '3|1|3' || { show "$out"; fail "sqlite3 on a file: wrong row count"; }
replay file
