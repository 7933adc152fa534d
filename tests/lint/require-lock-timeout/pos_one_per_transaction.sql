-- expect: require-lock-timeout 6:1
-- expect: require-lock-timeout 9:1
-- options: --no-assume-in-transaction
-- two explicit transactions: one finding each, at the first statement that locks
BEGIN;
ALTER TABLE users ADD COLUMN a text;
CREATE INDEX ix_users_a ON users (a);
COMMIT;
ALTER TABLE orders ADD COLUMN b text;
