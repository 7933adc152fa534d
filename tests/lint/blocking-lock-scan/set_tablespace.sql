-- expect: blocking-lock-scan 3:13
SET lock_timeout = '2s';
ALTER TABLE orders SET TABLESPACE fast_disk;
