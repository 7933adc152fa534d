-- options: --no-assume-in-transaction
-- expect: blocking-lock-scan 3:1
ALTER TABLE ALL IN TABLESPACE slow_disk SET TABLESPACE fast_disk;
