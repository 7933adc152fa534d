-- expect: rename-table 4:1
-- The running release still queries "users".
SET lock_timeout = '2s';
ALTER TABLE users RENAME TO accounts;
