-- expect: drop-schema 3:1
ALTER TABLE legacy.users SET SCHEMA public;
DROP SCHEMA legacy;
