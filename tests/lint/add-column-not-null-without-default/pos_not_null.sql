-- NOT NULL without DEFAULT fails on a table with rows
-- expect: add-column-not-null-without-default 4:30
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;
