-- expect: concurrently-in-transaction 4:1
-- options: --no-assume-in-transaction
-- Even outside a transaction, a DO block is a function: PostgreSQL refuses CONCURRENTLY there.
DO $$
BEGIN
    CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_sample_status ON sample (status);
END
$$;
