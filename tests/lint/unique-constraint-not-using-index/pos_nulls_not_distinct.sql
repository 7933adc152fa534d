-- expect: unique-constraint-not-using-index 4:1
-- PostgreSQL 15 syntax, same lock.
SET lock_timeout = '2s';
ALTER TABLE users ADD CONSTRAINT uq_users_phone UNIQUE NULLS NOT DISTINCT (phone);
