-- expect: concurrently-in-transaction 6:1
-- options: --no-assume-in-transaction
CREATE INDEX CONCURRENTLY ix_a ON sample (a);
BEGIN;
SET LOCAL lock_timeout = '2s';
CREATE INDEX CONCURRENTLY ix_b ON sample (b);
COMMIT;
