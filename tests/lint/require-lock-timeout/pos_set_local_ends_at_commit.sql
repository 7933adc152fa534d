-- expect: require-lock-timeout 8:1
-- options: --no-assume-in-transaction
-- SET LOCAL lasts until the end of its transaction.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN a text;
COMMIT;
ALTER TABLE users ADD COLUMN b text;
