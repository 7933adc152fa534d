-- expect: cascade 2:1
ALTER TABLE users DROP COLUMN old_status CASCADE;
