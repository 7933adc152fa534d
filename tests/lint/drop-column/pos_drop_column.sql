-- expect: drop-column 3:1
SET lock_timeout = '2s';
ALTER TABLE users DROP COLUMN legacy_flag;
