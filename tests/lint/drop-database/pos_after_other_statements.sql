-- expect: drop-database 3:1
CREATE TABLE t (id int);
DROP DATABASE scratch_copy;
