-- SET NOT NULL on an existing table's column scans it under ACCESS EXCLUSIVE
-- expect: set-not-null 4:1
SET lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
