-- expect: not-in-transaction 5:1
-- expect: not-in-transaction 6:1
-- expect: not-in-transaction 7:1
-- expect: not-in-transaction 8:1
CREATE DATABASE reporting;
CREATE TABLESPACE fast_disk LOCATION '/mnt/fast';
DROP TABLESPACE slow_disk;
ALTER DATABASE app SET TABLESPACE fast_disk;
