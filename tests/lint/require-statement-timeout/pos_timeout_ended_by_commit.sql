-- expect: require-statement-timeout 7:1
-- options: --no-assume-in-transaction
BEGIN;
SET LOCAL statement_timeout = '5min';
CREATE INDEX ix_a ON orders (a);
COMMIT;
CREATE INDEX ix_b ON orders (b);
