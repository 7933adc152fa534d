-- expect: create-index-non-concurrent 4:1
-- SQL in a DO block runs now: the linter reads the block's body, and the
-- finding points at the DO statement.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'ix_payments_created_at') THEN
        CREATE INDEX ix_payments_created_at ON payments (created_at);
    END IF;
END
$$;
