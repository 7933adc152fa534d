-- expect: concurrently-in-transaction 5:1
-- expect: concurrently-in-transaction 6:1
-- options: --no-assume-in-transaction
BEGIN;
DROP INDEX CONCURRENTLY ix_sample_old_name;
REINDEX INDEX CONCURRENTLY ix_sample_name;
COMMIT;
